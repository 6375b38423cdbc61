import CatalogDatabase
import CatalogSQLite
import Foundation
import Testing

@testable import CatalogKit
@testable import CatalogPostgres

/// The catalog's schema is the same on both backends (issue 14): `Migrations/` migrated into
/// SQLite and `Migrations/postgresql/` into PostgreSQL give the same versions, tables, columns,
/// types, nullability, foreign keys with their ON DELETE, indexes, and case-insensitive
/// uniqueness of names that folds ASCII letters only.
@Suite(.enabled(if: PostgresServer.isConfigured)) struct SchemaParityTests {
    static let root = PostgresSandbox.projectRoot

    /// A column as both backends can describe it.
    struct ColumnShape: Hashable, CustomStringConvertible {
        var table: String
        var name: String
        var type: String
        var notNull: Bool
        var description: String { "\(table).\(name) \(type)\(notNull ? " NOT NULL" : "")" }
    }

    struct ForeignKeyShape: Hashable {
        var table: String
        var column: String
        var parent: String
        var parentColumn: String
        var onDelete: String
    }

    func sqlite() throws -> Connection {
        let path = NSTemporaryDirectory() + "parity-" + UUID().uuidString + ".sqlite3"
        try Migrator(databasePath: path, migrationsDirectory: Self.root + "/Migrations").migrate()
        return try Connection(path: path, mode: .readWrite)
    }

    @Test func bothBackendsHoldTheSameSchema() throws {
        let lite = try sqlite()
        let sandbox = try PostgresSandbox()
        try sandbox.migrateCatalog()
        let driver = sandbox.driver
        let pg = sandbox.db

        // Versions and names.
        let liteLedger = try SQLiteMigrationDriver(path: lite.path).ledgerRecords(lite).map {
            "\($0.version) \($0.name)"
        }
        let pgLedger = try driver.ledgerRecords(pg).map { "\($0.version) \($0.name)" }
        #expect(liteLedger == pgLedger)
        #expect(liteLedger.count == 7)

        // Tables, columns, types, nullability.
        let tables = try SQLiteMigrationDriver(path: lite.path).tableNames(lite)
        #expect(try driver.tableNames(pg) == tables)
        var liteColumns: [ColumnShape] = []
        for table in tables {
            for row in try lite.fetchAll("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)", [.text(table)])
            {
                let type = (row.get(1, as: String.self) ?? "").uppercased() == "INTEGER" ? "bigint" : "text"
                // SQLite's INTEGER PRIMARY KEY is never NULL even without the word.
                let notNull = row.get(2, as: Int.self) == 1 || (row.get(3, as: Int.self) ?? 0) > 0
                liteColumns.append(ColumnShape(table: table, name: row.get(0) ?? "", type: type, notNull: notNull))
            }
        }
        let pgColumns = try pg.fetchAll(
            """
            SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
            WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position
            """
        ).map {
            ColumnShape(
                table: $0.get(0) ?? "", name: $0.get(1) ?? "", type: $0.get(2) ?? "", notNull: $0.get(3) == "NO")
        }
        #expect(pgColumns == liteColumns)

        // Foreign keys and their ON DELETE.
        var liteKeys: Set<ForeignKeyShape> = []
        for table in tables {
            for row in try lite.fetchAll(
                "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?)", [.text(table)])
            {
                liteKeys.insert(
                    ForeignKeyShape(
                        table: table, column: row.get(1) ?? "", parent: row.get(0) ?? "",
                        parentColumn: row.get(2) ?? "",
                        onDelete: row.get(3) ?? ""))
            }
        }
        let pgKeys = Set(
            try pg.fetchAll(
                """
                SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, f.attname,
                       CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'r' THEN 'RESTRICT' WHEN 'n' THEN 'SET NULL'
                            WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END
                FROM pg_constraint c
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1]
                WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
                """
            ).map {
                ForeignKeyShape(
                    table: $0.get(0) ?? "", column: $0.get(1) ?? "", parent: $0.get(2) ?? "",
                    parentColumn: $0.get(3) ?? "", onDelete: $0.get(4) ?? "")
            })
        #expect(pgKeys == liteKeys)
        #expect(pgKeys.count == 10)

        // Indexes by name (SQLite's own automatic ones aside; PostgreSQL's primary keys aside).
        let liteIndexes = Set(
            try lite.fetchAll(
                "SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            ).compactMap { $0.get(0, as: String.self) })
        // SQLite names its name uniqueness as table constraints (`CONSTRAINT x_unique UNIQUE`).
        var liteUnique: Set<String> = []
        for row in try lite.fetchAll("SELECT sql FROM sqlite_schema WHERE type = 'table'") {
            let sql: String = row.get(0) ?? ""
            for match in sql.matches(of: /CONSTRAINT (\w+_unique) UNIQUE/) { liteUnique.insert(String(match.1)) }
        }
        let pgIndexes = Set(
            try pg.fetchAll(
                """
                SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey'
                  AND tablename <> 'schema_migrations'
                """
            ).compactMap { $0.get(0, as: String.self) })
        // PostgreSQL has the same names, its uniqueness as expression indexes on lower(... "C").
        #expect(pgIndexes.filter { !$0.hasSuffix("_unique") } == liteIndexes)
        #expect(pgIndexes.filter { $0.hasSuffix("_unique") } == liteUnique)
        #expect(liteUnique.count == 7)

        // Names are unique ignoring ASCII case only, the same way on both.
        for db in [lite as any DatabaseConnection, pg as any DatabaseConnection] {
            try db.execute("INSERT INTO companies (name) VALUES ('PayPal')", [])
            #expect(throws: (any Error).self) { try db.execute("INSERT INTO companies (name) VALUES ('paypal')", []) }
            try db.execute("INSERT INTO companies (name) VALUES ('École')", [])
            try db.execute("INSERT INTO companies (name) VALUES ('école')", [])
            #expect(try db.fetchValue("SELECT count(*) FROM companies", as: Int64.self) == 3)
        }
    }
}
