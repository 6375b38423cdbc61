import CatalogKit
import CatalogSQLite
import Foundation
import Testing

@testable import CatalogSeeds

/// The bulk path (many new links: sorted inserts, reverse indexes rebuilt at the end, a large
/// page cache) must end in exactly the database the row-by-row path makes, and keep every
/// guarantee of a seed run.
@Suite struct BulkSeedTests {
    static let frameworks = ["Django", "Laravel", "Express", "Spring Boot", "Ruby on Rails", "Flask", "ASP.NET"]

    /// 3,000 companies, each linked to five of the seven frameworks: 15,000 links, above the
    /// bulk threshold. With `limit`, only the first `limit` links are written.
    static func writeLinks(_ sandbox: SeedSandbox, limit: Int? = nil) throws {
        var companies = "name\n"
        var links: [String] = []
        for index in 0..<3_000 {
            let name = "Bulk Company \(index)"
            companies += "\(name)\n"
            for offset in 0..<5 { links.append("\(frameworks[(index + offset) % 7]),\(name)") }
        }
        // Not in key order: the loader sorts.
        links.reverse()
        try sandbox.write("bulk.companies.csv", companies)
        let kept = limit.map { Array(links.prefix($0)) } ?? links
        try sandbox.write("bulk.framework_companies.csv", "framework,company\n" + kept.joined(separator: "\n") + "\n")
    }

    static func schema(_ sandbox: SeedSandbox) throws -> [String] {
        try sandbox.open().fetchAll("SELECT type, name, sql FROM sqlite_schema ORDER BY name").map {
            $0.values.map { "\($0)" }.joined(separator: "|")
        }
    }

    @Test func aBulkLoadEndsInTheDatabaseRowByRowInsertsMake() throws {
        #expect(15_000 >= SeedPlan.bulkThreshold)
        let bulk = try SeedSandbox()
        let schemaBefore = try Self.schema(bulk)
        try Self.writeLinks(bulk)
        let summary = try bulk.seed()
        // The new links and the article's 34.
        #expect(summary.tables.first { $0.table == "framework_companies" }?.inserted == 15_000 + 34)

        // The same data in two runs, each below the threshold: the row-by-row path.
        let rowByRow = try SeedSandbox()
        try Self.writeLinks(rowByRow, limit: 9_000)
        try rowByRow.seed()
        try Self.writeLinks(rowByRow)
        #expect(try rowByRow.seed().tables.first { $0.table == "framework_companies" }?.inserted == 6_000)

        #expect(try bulk.dump() == rowByRow.dump())
        #expect(try Self.schema(bulk) == schemaBefore)
        #expect(try bulk.open().fetchValue("PRAGMA integrity_check", as: String.self) == "ok")
        #expect(try bulk.seed().isUnchanged)
        // The rebuilt reverse index serves "which frameworks does this company use".
        let plan = try bulk.open().fetchAll(
            "EXPLAIN QUERY PLAN SELECT framework_id FROM framework_companies WHERE company_id = 5"
        ).map { "\($0[3])" }.joined()
        #expect(plan.contains("framework_companies_company_id"))
    }

    @Test func aFullDiskDuringABulkLoadLeavesRowsAndIndexesAsTheyWere() throws {
        let sandbox = try SeedSandbox()
        try sandbox.seed()
        try Self.writeLinks(sandbox)
        let before = try sandbox.dump()
        let schemaBefore = try Self.schema(sandbox)
        let db = try sandbox.open()
        let pages = try #require(try db.fetchValue("PRAGMA page_count", as: Int.self))
        try db.execute("PRAGMA max_page_count = \(pages + 40)")
        let seeder = try Seeder(directory: sandbox.seeds)
        let error = try #require(throws: SQLiteError.self) { try seeder.seed(db) }
        #expect(ResultCode.full ~= error.code)
        #expect(try sandbox.dump() == before)
        #expect(try Self.schema(sandbox) == schemaBefore)
        #expect(try db.fetchValue("PRAGMA integrity_check", as: String.self) == "ok")
        try db.execute("PRAGMA max_page_count = 1000000")
        #expect(try seeder.seed(db).tables.first { $0.table == "framework_companies" }?.inserted == 15_000)
        #expect(try Self.schema(sandbox) == schemaBefore)
    }

    @Test func linkFilesStreamAndStillNameEveryBadRow() throws {
        let sandbox = try SeedSandbox()
        try Self.writeLinks(sandbox)
        var text = try sandbox.read("bulk.framework_companies.csv")
        text += "Djangoo,Bulk Company 1\nFlask,Bulk Compny 12\nFlask,\n"
        try sandbox.write("bulk.framework_companies.csv", text)
        let before = try sandbox.dump()
        func issues() -> [String] {
            sandbox.issues().map { $0.replacingOccurrences(of: sandbox.seeds + "/", with: "") }
        }
        #expect(
            issues() == [
                "bulk.framework_companies.csv:15004:1: a framework-company link needs 'company'"
            ])
        // Without the row that is broken in itself, the references are checked.
        try sandbox.write("bulk.framework_companies.csv", String(text.dropLast("Flask,\n".count)))
        #expect(
            issues() == [
                "bulk.framework_companies.csv:15002:1: unknown framework \"Djangoo\" (did you mean \"Django\"?)",
                "bulk.framework_companies.csv:15003:7: unknown company \"Bulk Compny 12\" (did you mean \"Bulk Company 12\"?)",
            ])
        #expect(try sandbox.dump() == before)
    }
}
