import CatalogKit
import FuzzSupport

/// Any bytes as a migration file: parse, never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? MigrationParser.parse(path: "Migrations/20240101000000_fuzz.sql", bytes: bytes)
    return 0
}

@_cdecl("FuzzMigrationParser_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv, fuzz)
}
