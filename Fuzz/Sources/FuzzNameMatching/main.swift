import CatalogKit
import FuzzSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Any two strings through the name matcher: keys, distances and suggestions, never crash, and
/// the distance is symmetric.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: min(size, 512)), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 1).map(String.init)
    let a = parts.first ?? ""
    let b = parts.count > 1 ? parts[1] : ""
    if NameMatching.distance(a, b) != NameMatching.distance(b, a) { abort() }
    _ = NameMatching.key(a)
    _ = NameMatching.closest(to: a, in: [b, "PayPal", "Google"])
    return 0
}

@_cdecl("FuzzNameMatching_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv, fuzz)
}
