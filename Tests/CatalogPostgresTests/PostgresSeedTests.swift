import CatalogDatabase
import CatalogSQLite
import Foundation
import Testing

@testable import CatalogKit
@testable import CatalogPostgres
@testable import CatalogSeeds

/// A generated catalog of about 10,000 rows (3,000 companies, 6,000 links) with hostile names,
/// as seed files: JSON for the records (any text can be written in it) and CSV for most links.
/// `revision` 1 changes it the way a later edit of the files would: 500 companies gone, 300 new,
/// spellings and descriptions changed, an alias moved to another company.
struct GeneratedCatalog {
    let directory: String

    static let hostileCompanies = hostileTexts.filter { !$0.isEmpty && !$0.allSatisfy { $0 == " " } }.enumerated()
        .map { "\($1) [\($0)]" }

    init(revision: Int = 0) throws {
        directory = NSTemporaryDirectory() + "generated-catalog-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let languages = (0..<20).map { "Lang \($0)" } + ["Tab\tLang", "Émoji 🐍"]
        let features = (0..<300).map { "Feature \($0)" } + ["Back\\slash \\N", "NFD e\u{301}cole"]
        let kept = revision == 0 ? 0..<3_000 : 500..<3_300
        var companies: [[String: Any]] = kept.map { index in
            // Revision 1 spells some names differently (same name ignoring ASCII case).
            let name = revision == 1 && index % 100 == 0 ? "COMPANY \(index)" : "Company \(index)"
            var aliases = index % 7 == 0 ? ["Co \(index)"] : []
            if revision == 1 && index == 707 { aliases = [] }
            if revision == 1 && index == 708 { aliases = ["Co 707"] }
            return ["name": name, "aliases": aliases]
        }
        companies += Self.hostileCompanies.map { ["name": $0] }
        let frameworks: [[String: Any]] = (0..<60).map { index in
            var framework: [String: Any] = [
                "name": "Framework \(index)", "language": languages[index % languages.count],
                "released": 1_990 + index % 30, "kind": index % 2 == 0 ? "full-stack" : "microframework",
                "open_source": index % 5 != 0,
                "features": (0..<5).map { features[(index * 11 + $0 * 3) % features.count] },
                "capabilities": (0..<2).map { features[(index * 5 + $0) % features.count] },
                "companies": Self.hostileCompanies.indices.filter { $0 % 60 == index % 60 || $0 == index }
                    .map { Self.hostileCompanies[$0] },
            ]
            if index % 4 != 0 { framework["architecture"] = ["MVC", "Layered\\Tiered", "Event\tdriven"][index % 3] }
            if index % 3 == 0 { framework["aliases"] = ["FW \(index)"] }
            if index % 2 == 1 {
                framework["description"] =
                    "Line one\nline two\t\\N \\. \(revision == 1 && index % 10 == 1 ? "v2" : "v1")"
            }
            return framework
        }
        try Self.writeJSON(
            directory + "/languages.json", ["languages": languages.map { ["name": $0, "aliases": ["\($0) alias"]] }])
        try Self.writeJSON(directory + "/features.json", ["features": features.map { ["name": $0] }])
        try Self.writeJSON(directory + "/companies.json", ["companies": companies])
        try Self.writeJSON(directory + "/frameworks.json", ["frameworks": frameworks])
        var links = "framework,company\n"
        // Four frameworks per company: 12,000 links, above the loader's bulk threshold.
        for index in kept {
            for framework in Set([index * 7 % 60, (index * 13 + 1) % 60, (index * 17 + 2) % 60, (index + 3) % 60]) {
                links += "Framework \(framework),Company \(index)\n"
            }
        }
        try links.write(toFile: directory + "/framework_companies.csv", atomically: true, encoding: .utf8)
    }

    static func writeJSON(_ path: String, _ object: Any) throws {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
    }

    var seeder: Seeder { get throws { try Seeder(directory: directory) } }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Every row of every table the seed writes, by id or key, as bytes (NFC and NFD must differ).
func catalogRows(_ db: any DatabaseConnection) throws -> [[UInt8]] {
    let tables = [
        "languages", "language_aliases", "features", "companies", "company_aliases", "frameworks",
        "framework_aliases", "framework_features", "framework_capabilities", "framework_companies",
    ]
    var rows: [[UInt8]] = []
    for table in tables {
        rows.append(Array("-- \(table)".utf8))
        for row in try db.fetchAll("SELECT * FROM \(quoteIdentifier(table)) ORDER BY 1, 2") {
            var line: [UInt8] = []
            for value in row.values {
                if case .text(let text) = value {
                    line += Array("text:".utf8) + Array(text.utf8)
                } else {
                    line += Array("\(value)".utf8)
                }
                line.append(0x1F)
            }
            rows.append(line)
        }
    }
    return rows
}

/// The seed loader on PostgreSQL through COPY: the same rows as SQLite and as PostgreSQL row by
/// row, idempotent, pruning, all or nothing.
@Suite(.enabled(if: PostgresServer.isConfigured)) struct PostgresSeedTests {
    static let root = PostgresSandbox.projectRoot

    /// A SQLite database migrated from `Migrations/`.
    static func sqlite() throws -> Connection {
        let path = NSTemporaryDirectory() + "seed-copy-" + UUID().uuidString + ".sqlite3"
        try Migrator(databasePath: path, migrationsDirectory: root + "/Migrations").migrate()
        return try Connection(path: path, mode: .readWrite)
    }

    /// A migrated schema whose INSERT statements are counted per table (a COPY fires statement
    /// triggers once; a row-by-row load once per row).
    static func countedSandbox() throws -> PostgresSandbox {
        let sandbox = try PostgresSandbox()
        try sandbox.migrateCatalog()
        try sandbox.db.execute(
            """
            CREATE TABLE insert_statements (table_name text NOT NULL);
            CREATE FUNCTION count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO insert_statements VALUES (TG_TABLE_NAME); RETURN NULL; END $$;
            """)
        for table in ["companies", "company_aliases", "frameworks", "framework_companies"] {
            try sandbox.db.execute(
                "CREATE TRIGGER count_\(table) AFTER INSERT ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION count_insert()"
            )
        }
        return sandbox
    }

    static func insertStatements(_ db: PostgresConnection) throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        for row in try db.fetchAll("SELECT table_name, count(*) FROM insert_statements GROUP BY 1") {
            counts[row.get(0, as: String.self) ?? ""] = row.get(1, as: Int64.self)
        }
        return counts
    }

    @Test func aGeneratedCatalogSeedsTheSameRowsAsSQLiteAndAsRowByRowAndAgainChangesNothing() throws {
        let first = try GeneratedCatalog()
        defer { first.remove() }
        let second = try GeneratedCatalog(revision: 1)
        defer { second.remove() }

        let lite = try Self.sqlite()
        let copied = try Self.countedSandbox()
        #expect(copied.db.prefersBulkCopy)
        let rowByRow = try PostgresSandbox()
        try rowByRow.migrateCatalog()
        rowByRow.db.prefersBulkCopy = false

        let liteSummary = try first.seeder.seed(lite)
        let copySummary = try first.seeder.seed(copied.db)
        let rowSummary = try first.seeder.seed(rowByRow.db)
        #expect(
            liteSummary.tables.first { $0.table == "companies" }?.inserted == 3_000
                + GeneratedCatalog.hostileCompanies.count)
        #expect(liteSummary.tables.first { $0.table == "framework_companies" }?.inserted ?? 0 > SeedPlan.bulkThreshold)
        #expect(String(describing: copySummary.tables) == String(describing: liteSummary.tables))
        #expect(String(describing: rowSummary.tables) == String(describing: liteSummary.tables))
        let liteRows = try catalogRows(lite)
        #expect(liteRows.count > 10_000)
        #expect(try catalogRows(copied.db) == liteRows)
        #expect(try catalogRows(rowByRow.db) == liteRows)
        // One COPY per table, not a statement per row.
        #expect(
            try Self.insertStatements(copied.db) == [
                "companies": 1, "company_aliases": 1, "frameworks": 1, "framework_companies": 1,
            ])

        // Idempotent: a second run changes nothing, and writes nothing.
        #expect(try first.seeder.seed(copied.db).isUnchanged)
        #expect(try first.seeder.seed(lite).isUnchanged)
        #expect(try catalogRows(copied.db) == liteRows)
        #expect(try Self.insertStatements(copied.db).values.reduce(0, +) == 4)

        // A later revision with pruning: updates, moves, deletions and new rows, the same on all three.
        let options = Seeder.Options(prune: true)
        let litePruned = try second.seeder.seed(lite, options: options)
        let copyPruned = try second.seeder.seed(copied.db, options: options)
        let rowPruned = try second.seeder.seed(rowByRow.db, options: options)
        #expect(litePruned.tables.first { $0.table == "companies" }?.pruned == 500)
        #expect(litePruned.tables.first { $0.table == "companies" }?.updated == 25)
        #expect(String(describing: copyPruned.tables) == String(describing: litePruned.tables))
        #expect(String(describing: rowPruned.tables) == String(describing: litePruned.tables))
        let prunedRows = try catalogRows(lite)
        #expect(prunedRows != liteRows)
        #expect(try catalogRows(copied.db) == prunedRows)
        #expect(try catalogRows(rowByRow.db) == prunedRows)
        #expect(try second.seeder.seed(copied.db, options: options).isUnchanged)
        #expect(try catalogRows(copied.db) == prunedRows)
    }

    /// A trigger that refuses to link `Company 3299` (revision 1's last company).
    static let refuseLastCompany = """
        CREATE OR REPLACE FUNCTION refuse_last_company() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT name FROM companies WHERE id = NEW.company_id) = 'Company 3299' THEN
                RAISE EXCEPTION 'Company 3299 may not be linked' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_last_company BEFORE INSERT ON framework_companies
            FOR EACH ROW EXECUTE FUNCTION refuse_last_company();
        """

    @Test func aSeedThatFailsLateLeavesTheDatabaseExactlyAsBefore() throws {
        let first = try GeneratedCatalog()
        defer { first.remove() }
        let second = try GeneratedCatalog(revision: 1)
        defer { second.remove() }
        let sandbox = try PostgresSandbox()
        try sandbox.migrateCatalog()
        let empty = try catalogRows(sandbox.db)
        try sandbox.db.execute(Self.refuseLastCompany)
        // A first load that fails in its last COPY leaves the catalog empty.
        #expect(throws: PostgresError.self) { try second.seeder.seed(sandbox.db) }
        #expect(try catalogRows(sandbox.db) == empty)
        #expect(try sandbox.db.fetchValue("SELECT count(*) FROM companies", as: Int64.self) == 0)
        try sandbox.db.execute("DROP TRIGGER refuse_last_company ON framework_companies")

        _ = try first.seeder.seed(sandbox.db)
        let before = try catalogRows(sandbox.db)

        // The last company of revision 1 may not be linked: found in the last COPY, after every
        // record, alias and the other links were written in the same transaction.
        try sandbox.db.execute(Self.refuseLastCompany)
        let error = #expect(throws: PostgresError.self) {
            try second.seeder.seed(sandbox.db, options: Seeder.Options(prune: true))
        }
        #expect(error?.sqlState == "23514")
        #expect(error?.kind == .constraint)
        #expect(error?.message == "Company 3299 may not be linked")
        #expect(sandbox.db.isAutocommit)
        #expect(try catalogRows(sandbox.db) == before)

        // Without the trigger the same connection seeds the revision.
        try sandbox.db.execute("DROP TRIGGER refuse_last_company ON framework_companies")
        #expect(try second.seeder.seed(sandbox.db, options: Seeder.Options(prune: true)).isUnchanged == false)
        #expect(try catalogRows(sandbox.db) != before)
    }
}
