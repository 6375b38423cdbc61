// bench-latency DB [--company NAME] [--framework NAME] [--feature NAME] [--iterations N] [--warmup W]
//               [--tsv FILE]
//
// Opens DB (a SQLite file, or a postgres:// URL) for reading through CatalogKit, as `catalog
// query` does, once, and answers each question given N times (default 5,000) on that one
// connection, after W warm-up answers (default 500): what `catalog query --company NAME` and
// `--feature NAME` load for the table format (the frameworks with their language), and what
// `--framework NAME` loads for its card (every detail). Prints p50, p90, p99 and max per question
// in microseconds; --tsv FILE also writes them tab-separated after a header line: query,
// iterations, rows, p50_us, p90_us, p99_us, max_us.

import BenchSupport
import CatalogKit
import CatalogSQLite

#if canImport(Glibc)
    import Glibc
#endif

let usage =
    "usage: bench-latency DB [--company NAME] [--framework NAME] [--feature NAME] [--iterations N] [--warmup W] "
    + "[--tsv FILE]"

var database: String?
var company: String?
var framework: String?
var feature: String?
var iterations = 5_000
var warmup = 500
var tsvPath: String?

var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    func value() -> String {
        guard !arguments.isEmpty else { fail(usage, status: 2) }
        return arguments.removeFirst()
    }
    switch argument {
    case "--company": company = value()
    case "--framework": framework = value()
    case "--feature": feature = value()
    case "--iterations":
        guard let count = Int(value()), count > 0 else { fail(usage, status: 2) }
        iterations = count
    case "--warmup":
        guard let count = Int(value()), count >= 0 else { fail(usage, status: 2) }
        warmup = count
    case "--tsv": tsvPath = value()
    default:
        guard database == nil, !argument.hasPrefix("--") else { fail(usage, status: 2) }
        database = argument
    }
}
guard let database, company != nil || framework != nil || feature != nil else { fail(usage, status: 2) }

let db: any DatabaseConnection
do {
    if DatabaseBackend.isPostgres(database) {
        // One connection over the URL's socket or port, as `catalog query` opens it.
        db = try DatabaseBackend.driver(for: database).openForReading(busyTimeoutMilliseconds: 0)
    } else {
        let connection = try Connection.openReadOnly(path: database)
        // A long-lived reader: room in SQLite's page cache for what a framework card reads (about
        // 1,500 scattered company rows), which SQLite's 2 MB default cannot hold, so repeated
        // answers do not re-read pages with pread. The catalog CLI, one query per process, keeps
        // the default.
        try connection.setPageCache(kibibytes: 64 * 1_024)
        db = connection
    }
} catch {
    fail("bench-latency: cannot open \(DatabaseBackend.displayName(of: database)): \(error)")
}
let query = CatalogQuery(db)

struct Question {
    var name: String
    var filters: CatalogQuery.Filters
    var details: Set<CatalogQuery.Detail>
}

let questions =
    (company.map { [Question(name: "--company", filters: .init(companies: [$0]), details: [.language])] } ?? [])
    + (framework.map {
        [Question(name: "--framework", filters: .init(frameworks: [$0]), details: Set(CatalogQuery.Detail.allCases))]
    } ?? [])
    + (feature.map { [Question(name: "--feature", filters: .init(features: [$0]), details: [.language])] } ?? [])

var table: [[String]] = [["query", "rows", "p50 us", "p90 us", "p99 us", "max us"]]
var tsv = "query\titerations\trows\tp50_us\tp90_us\tp99_us\tmax_us\n"
for question in questions {
    var rows = 0
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    do {
        for round in 0..<(warmup + iterations) {
            let start = monotonicNanoseconds()
            let answer = try query.frameworks(question.filters, including: question.details)
            let elapsed = monotonicNanoseconds() - start
            rows = answer.count
            if round >= warmup { samples.append(Double(elapsed) / 1_000) }
        }
    } catch {
        fail("bench-latency: \(question.name) failed: \(error)")
    }
    if rows == 0 { fail("bench-latency: \(question.name) found no framework; pick a name that has an answer") }
    let summary = Summary(samples)
    let figures = [summary.percentile(0.5), summary.percentile(0.9), summary.percentile(0.99), summary.max]
    table.append([question.name, String(rows)] + figures.map { fixed($0, 1) })
    tsv += ([question.name, String(iterations), String(rows)] + figures.map { fixed($0, 1) }).joined(separator: "\t")
    tsv += "\n"
}
let widths = (0..<table[0].count).map { column in table.map { $0[column].count }.max() ?? 0 }
for row in table {
    writeOutput(row.enumerated().map { pad($1, widths[$0]) }.joined(separator: "  ") + "\n")
}
if let tsvPath {
    guard let file = fopen(tsvPath, "w") else { fail("bench-latency: cannot write \(tsvPath)") }
    _ = fputs(tsv, file)
    if fclose(file) != 0 { fail("bench-latency: cannot write \(tsvPath)") }
}
