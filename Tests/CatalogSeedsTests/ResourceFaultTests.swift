import CatalogKit
import CatalogSQLite
import Foundation
import Testing

@testable import CatalogSeeds

/// A full disk in the middle of a migration or a seed: clean rollback, clear error, usable database.
@Suite struct ResourceFaultTests {
    @Test func aFullDatabaseMidMigrationRollsItBackCompletely() throws {
        let sandbox = try SeedSandbox(migrate: false)
        let dir = sandbox.root + "/Migrations"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "-- migrate:up\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n"
            .write(toFile: dir + "/20240101000000_small.sql", atomically: true, encoding: .utf8)
        try """
        -- migrate:up
        CREATE TABLE big(x);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
        INSERT INTO big SELECT randomblob(200) FROM n;
        -- migrate:down
        DROP TABLE big;
        """.write(toFile: dir + "/20240102000000_big.sql", atomically: true, encoding: .utf8)
        let migrations = try MigrationParser.load(directory: dir)
        let db = try Connection(path: sandbox.database)
        try Migrator.migrate(db, with: Array(migrations.prefix(1)))
        let pages = try #require(try db.fetchValue("PRAGMA page_count", as: Int.self))
        try db.execute("PRAGMA max_page_count = \(pages + 20)")
        var message = ""
        do {
            try Migrator.migrate(db, with: migrations)
            Issue.record("expected the disk to fill")
        } catch let error as MigrationError {
            message = error.description
        }
        #expect(message.contains("20240102000000_big.sql:3: migrate:up failed: database or disk is full (SQLITE_FULL)"))
        #expect(try db.fetchValue("SELECT count(*) FROM sqlite_schema WHERE name = 'big'", as: Int.self) == 0)
        #expect(try db.fetchValue("SELECT count(*) FROM schema_migrations", as: Int.self) == 1)
        #expect(try db.fetchValue("PRAGMA integrity_check", as: String.self) == "ok")
        // With room again, the same migration applies.
        try db.execute("PRAGMA max_page_count = 1000000")
        try Migrator.migrate(db, with: migrations)
        #expect(try db.fetchValue("SELECT count(*) FROM big", as: Int.self) == 20000)
    }

    @Test func aFullDatabaseMidSeedRollsItBackCompletely() throws {
        let sandbox = try SeedSandbox()
        try sandbox.seed()
        var csv = "name\n"
        for index in 0..<20_000 { csv += "Filler company number \(index)\n" }
        try sandbox.write("filler.companies.csv", csv)
        let before = try sandbox.dump()
        let db = try sandbox.open()
        let pages = try #require(try db.fetchValue("PRAGMA page_count", as: Int.self))
        try db.execute("PRAGMA max_page_count = \(pages + 10)")
        let seeder = try Seeder(directory: sandbox.seeds)
        let error = try #require(throws: SQLiteError.self) { try seeder.seed(db) }
        #expect(ResultCode.full ~= error.code)
        #expect(try sandbox.dump() == before)
        try db.execute("PRAGMA max_page_count = 1000000")
        #expect(try seeder.seed(db).tables.first { $0.table == "companies" }?.inserted == 20_000)
    }
}
