import CatalogSeeds
import FuzzSupport

/// Any bytes as a CSV seed file: parse, never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    _ = try? CSVReader.parse(Array(UnsafeBufferPointer(start: data, count: size)), file: "fuzz.csv")
    return 0
}

@_cdecl("FuzzCSV_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv, fuzz)
}
