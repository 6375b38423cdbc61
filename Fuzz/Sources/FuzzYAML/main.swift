import CatalogSeeds
import FuzzSupport

/// Any bytes as a YAML seed file: parse within the node and depth budgets or refuse with a
/// `SeedIssue`; never crash, hang, leak libyaml's events or throw another error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    do {
        _ = try YAMLReader.parse(Array(UnsafeBufferPointer(start: data, count: size)), file: "fuzz.yml")
    } catch is SeedIssue {
    } catch {
        fatalError("YAMLReader threw \(error), not a SeedIssue")
    }
    return 0
}

@_cdecl("FuzzYAML_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv, fuzz)
}
