// bench-parse [--runs N] [--arrays N,N,...] [FILE...]
//
// Times the seed readers in-process, without a database: JSONReader on arrays `[0,0,...]` of
// 25,000, 100,000 and 200,000 elements (or the sizes given), then each FILE with the reader its
// extension names (`.json`, `.yml`/`.yaml`, `.csv`; CSV through the streaming reader, every
// record read). Prints the median and minimum of N runs (default 3) in milliseconds, one line
// per case: case, size in bytes, nodes or records, median_ms, min_ms (tab-separated).

import BenchSupport
import CatalogKit
import CatalogSeeds

let usage = "usage: bench-parse [--runs N] [--arrays N,N,...] [FILE...]"
var runs = 3
var arraySizes = [25_000, 100_000, 200_000]
var files: [String] = []
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--runs":
        guard let value = arguments.first.flatMap({ Int($0) }), value > 0 else { fail(usage, status: 2) }
        runs = value
        arguments.removeFirst()
    case "--arrays":
        guard let value = arguments.first else { fail(usage, status: 2) }
        arraySizes = value.split(separator: ",").compactMap { Int($0) }
        arguments.removeFirst()
    default:
        if argument.hasPrefix("-") { fail(usage, status: 2) }
        files.append(argument)
    }
}

/// Runs `body` `runs` times and prints one line; `body` returns the count it parsed.
@MainActor func measure(_ name: String, bytes: Int, _ body: () throws -> Int) {
    var times: [Double] = []
    var count = 0
    for _ in 0..<runs {
        let start = monotonicNanoseconds()
        do {
            count = try body()
        } catch {
            fail("bench-parse: \(name): \(error)")
        }
        times.append(Double(monotonicNanoseconds() - start) / 1e6)
    }
    let summary = Summary(times)
    writeOutput("\(name)\t\(bytes)\t\(count)\t\(fixed(summary.median, 1))\t\(fixed(summary.min, 1))\n")
}

writeOutput("case\tbytes\tcount\tmedian_ms\tmin_ms\n")
for size in arraySizes {
    let bytes = Array(("[" + Array(repeating: "0", count: size).joined(separator: ",") + "]").utf8)
    measure("json-array-\(size)", bytes: bytes.count) {
        guard case .sequence(let items) = try JSONReader.parse(bytes, file: "array.json").value else { return 0 }
        return items.count
    }
}
for file in files {
    let bytes: [UInt8]
    do {
        bytes = try FileSystem.readFile(file)
    } catch {
        fail("bench-parse: cannot read \(file): \(error)")
    }
    let name = file.split(separator: "/").suffix(2).joined(separator: "/")
    if file.hasSuffix(".csv") {
        measure(name, bytes: bytes.count) {
            let reader = try CSVReader(path: file)
            var records = 0
            while try reader.next() != nil { records += 1 }
            return records
        }
    } else if file.hasSuffix(".json") || file.hasSuffix(".yml") || file.hasSuffix(".yaml") {
        let isJSON = file.hasSuffix(".json")
        measure(name, bytes: bytes.count) {
            let root = isJSON ? try JSONReader.parse(bytes, file: file) : try YAMLReader.parse(bytes, file: file)
            guard case .mapping(let pairs) = root.value else { return 0 }
            return pairs.reduce(0) { total, pair in
                guard case .sequence(let items) = pair.value.value else { return total }
                return total + items.count
            }
        }
    } else {
        fail("bench-parse: \(file) is not .json, .yml, .yaml or .csv")
    }
}
