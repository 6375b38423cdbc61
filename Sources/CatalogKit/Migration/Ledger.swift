import CatalogSQLite

/// One row of `schema_migrations`: a migration that is applied.
public struct LedgerRecord: Sendable, Hashable {
    public var version: String
    public var name: String
    public var checksum: String
    /// Migrations applied by one command share a batch; rollback undoes the last batch.
    public var batch: Int
    /// Increases with every migration applied: the true order of application.
    public var sequence: Int
    /// UTC, ISO 8601 (`2024-11-24T12:00:00Z`).
    public var appliedAt: String
    public var durationMilliseconds: Int
}

/// The `schema_migrations` table: which migrations are applied, when, in what order.
enum Ledger {
    static let table = "schema_migrations"

    static let createSQL = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     TEXT    NOT NULL PRIMARY KEY,
            name        TEXT    NOT NULL,
            checksum    TEXT    NOT NULL,
            batch       INTEGER NOT NULL,
            sequence    INTEGER NOT NULL UNIQUE,
            applied_at  TEXT    NOT NULL,
            duration_ms INTEGER NOT NULL
        ) STRICT
        """

    static let insertSQL = """
        INSERT INTO schema_migrations (version, name, checksum, batch, sequence, applied_at, duration_ms)
        VALUES (?, ?, ?, ?, (SELECT coalesce(max(sequence), 0) + 1 FROM schema_migrations), \
        strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)
        """

    static let deleteSQL = "DELETE FROM schema_migrations WHERE version = ?"

    static let columns = ["version", "name", "checksum", "batch", "sequence", "applied_at", "duration_ms"]

    /// True when the table exists.
    static func exists(in db: Connection) throws -> Bool {
        try db.fetchValue(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", [.text(table)], as: Int.self) == 1
    }

    /// Tables other than SQLite's own, for telling a catalog database from someone else's.
    static func userTables(in db: Connection) throws -> [String] {
        try db.fetchAll(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        ).compactMap { $0.get(0, as: String.self) }
    }

    /// Checks that the database is one catalog may change: empty, or holding our ledger.
    static func verify(_ db: Connection) throws {
        if try exists(in: db) {
            let present = Set(
                try db.fetchAll("SELECT name FROM pragma_table_info(?)", [.text(table)])
                    .compactMap { $0.get(0, as: String.self) })
            let missing = columns.filter { !present.contains($0) }
            if !missing.isEmpty { throw MigrationError.unexpectedLedger(path: db.path, missingColumns: missing) }
        } else {
            let tables = try userTables(in: db)
            if !tables.isEmpty { throw MigrationError.notACatalogDatabase(path: db.path, tables: tables) }
        }
    }

    /// The batch number for the next run: one more than the largest recorded.
    static func nextBatch(in db: Connection) throws -> Int {
        (try db.fetchValue("SELECT max(batch) FROM schema_migrations", as: Int.self) ?? 0) + 1
    }

    /// All records, in the order they were applied.
    static func records(in db: Connection) throws -> [LedgerRecord] {
        guard try exists(in: db) else { return [] }
        return try db.fetchAll(
            "SELECT version, name, checksum, batch, sequence, applied_at, duration_ms FROM schema_migrations ORDER BY sequence"
        ).map { row in
            LedgerRecord(
                version: row.get(0) ?? "", name: row.get(1) ?? "", checksum: row.get(2) ?? "",
                batch: row.get(3) ?? 0, sequence: row.get(4) ?? 0, appliedAt: row.get(5) ?? "",
                durationMilliseconds: row.get(6) ?? 0)
        }
    }
}
