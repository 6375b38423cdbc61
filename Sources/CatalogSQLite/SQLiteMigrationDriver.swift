#if canImport(Glibc)
    import Glibc
#endif

/// The migration driver for one SQLite file: the ledger as a `STRICT` table, the write lock as a
/// `flock` beside the file, foreign keys switched off around each migration and checked with
/// `PRAGMA foreign_key_check` before it commits, and the schema read from `sqlite_schema`.
public struct SQLiteMigrationDriver: MigrationDriver {
    /// The database file.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var location: String { path }

    public func databaseExists() -> Bool {
        access(path, F_OK) == 0
    }

    /// Takes catalog's lock beside the file, after checking that this process may write the file
    /// and its folder at all: a read-only place is named in words (`DatabaseAccessError`) before
    /// the lock file or the database is touched.
    public func writeLock(timeout: Double, waiting: (LockHolder?) -> Void) throws -> any WriteLock {
        if let refusal = FileAccess.writeRefusal(path) { throw refusal }
        return try FileWriteLock(databasePath: path, timeout: timeout, waiting: waiting)
    }

    public func openForWriting(
        creating: Bool, busyTimeoutMilliseconds: Int, verify: (any DatabaseConnection) throws -> Void
    ) throws -> any DatabaseConnection {
        // Look before changing anything: someone else's database keeps its journal mode too.
        let db = try Connection(
            path: path, mode: creating ? .create : .readWrite, busyTimeout: busyTimeoutMilliseconds, wal: false)
        try verify(db)
        try db.enableWAL()
        // A migration or seed must not be able to corrupt the schema: defensive mode refuses
        // `PRAGMA writable_schema` and any write to `sqlite_schema` (a migration that tries fails
        // and rolls back, naming its file and line).
        try db.setConfig(.defensive, to: true)
        return db
    }

    public func openForReading(busyTimeoutMilliseconds: Int) throws -> any DatabaseConnection {
        try Connection.openReadOnly(path: path, busyTimeout: busyTimeoutMilliseconds)
    }

    // MARK: - Ledger

    public var ledgerCreateSQL: String {
        """
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
    }

    public var ledgerInsertSQL: String {
        """
        INSERT INTO schema_migrations (version, name, checksum, batch, sequence, applied_at, duration_ms)
        VALUES (?, ?, ?, ?, (SELECT coalesce(max(sequence), 0) + 1 FROM schema_migrations), \
        strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)
        """
    }

    public var ledgerDeleteSQL: String { "DELETE FROM schema_migrations WHERE version = ?" }

    public var ledgerRepairSQL: String { "UPDATE schema_migrations SET checksum = ?, name = ? WHERE version = ?" }

    public func ledgerExists(_ db: any DatabaseConnection) throws -> Bool {
        try db.fetchValue(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", [.text("schema_migrations")],
            as: Int.self) == 1
    }

    // MARK: - Migrations

    public var beforeTransaction: [String] { ["PRAGMA foreign_keys = OFF"] }
    public var beginTransaction: String { "BEGIN IMMEDIATE" }
    public var commitTransaction: String { "COMMIT" }
    public var afterTransaction: [String] { ["PRAGMA foreign_keys = ON"] }
    public var foreignKeyCheckSQL: String { "PRAGMA foreign_key_check" }

    public func foreignKeyViolations(_ db: any DatabaseConnection, firstOnly: Bool) throws -> [ForeignKeyViolation] {
        var violations: [ForeignKeyViolation] = []
        try db.cachedStatement(sql: foreignKeyCheckSQL).forEachRow { statement in
            guard !(firstOnly && !violations.isEmpty) else { return }
            let row = statement.row()
            violations.append(
                ForeignKeyViolation(
                    table: row.get(0) ?? "?", rowid: row.get(1), parent: row.get(2) ?? "?",
                    constraint: String(row.get(3, as: Int.self) ?? 0)))
        }
        return violations
    }

    public func dropEverything(_ db: any DatabaseConnection) throws -> [String] {
        try db.execute("PRAGMA foreign_keys = OFF")
        defer { try? db.execute("PRAGMA foreign_keys = ON") }
        return try db.transaction {
            var dropped: [String] = []
            // Virtual tables first: dropping one drops its shadow tables with it.
            let order =
                "CASE WHEN type = 'view' THEN 0 WHEN type = 'trigger' THEN 1 WHEN sql LIKE 'CREATE VIRTUAL%' THEN 2 ELSE 3 END"
            while let row = try db.fetchOne(
                """
                SELECT type, name FROM sqlite_schema
                WHERE type IN ('table', 'view', 'trigger') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                ORDER BY \(order), name LIMIT 1
                """)
            {
                let type: String = row.get(0) ?? "table"
                let name: String = row.get(1) ?? ""
                try db.execute("DROP \(type.uppercased()) \(quoteIdentifier(name))")
                dropped.append(name)
            }
            if try db.fetchValue("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_sequence'", as: Int.self) == 1
            {
                try db.execute("DELETE FROM sqlite_sequence")
            }
            return dropped
        }
    }

    public func dryRunPreamble(databaseExists: Bool, ledgerExists: Bool) -> [String] {
        var lines: [String] = []
        if !databaseExists { lines.append("-- the database file does not exist yet; it would be created") }
        lines.append("PRAGMA foreign_keys = ON;")
        lines.append("PRAGMA journal_mode = WAL;")
        if !ledgerExists || !databaseExists { lines.append(ledgerCreateSQL + ";") }
        return lines
    }

    // MARK: - Schema

    public func tableNames(_ db: any DatabaseConnection) throws -> [String] {
        try db.fetchAll(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        ).compactMap { $0.get(0, as: String.self) }
    }

    public func columnNames(of table: String, _ db: any DatabaseConnection) throws -> [String] {
        try db.fetchAll("SELECT name FROM pragma_table_info(?)", [.text(table)]).compactMap {
            $0.get(0, as: String.self)
        }
    }

    public func schemaSQL(_ db: any DatabaseConnection, tables: Set<String>, key: (String) -> String) throws -> String {
        var statements: [String] = []
        let rows = try db.fetchAll(
            """
            SELECT tbl_name, sql FROM sqlite_schema
            WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, name
            """)
        for row in rows {
            guard let table: String = row.get(0), let sql: String = row.get(1) else { continue }
            if tables.isEmpty || tables.contains(key(table)) { statements.append(sql + ";\n") }
        }
        return statements.joined(separator: "\n")
    }
}
