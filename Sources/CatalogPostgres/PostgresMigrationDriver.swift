import CatalogDatabase

#if canImport(Glibc)
    import Glibc
#endif

/// The migration driver for one PostgreSQL database (`DatabaseBackend` chooses it for a
/// `postgres://` address): the ledger in the connection's current schema, transactional DDL (a migration
/// and its ledger row commit together), the write lock as a session-level advisory lock on a
/// connection of its own (released by the server when that connection dies), and the schema
/// read from the system catalogs. Foreign keys are checked by the server at each statement (or at
/// commit when deferred), so there is nothing to switch off around a migration.
public struct PostgresMigrationDriver: MigrationDriver {
    /// The libpq connection string or URL.
    public let url: String

    public init(url: String) {
        self.url = url
    }

    /// The URL without its password.
    public var location: String { PostgresHandle.redacted(url, password: PostgresConnection.password(in: url)) }

    public func databaseExists() -> Bool {
        do {
            _ = try PostgresConnection(url: url)
            return true
        } catch let error as PostgresError {
            return error.sqlState != "3D000"
        } catch {
            return true
        }
    }

    /// Creates the URL's database when the server says it does not exist, from the server's
    /// maintenance database (`postgres`, else `template1`), as `createdb` does. Another process
    /// creating it at the same moment is fine; a role without CREATEDB gets the server's refusal.
    public func createIfMissing() throws {
        do {
            _ = try PostgresConnection(url: url)
            return
        } catch let error as PostgresError where error.sqlState == "3D000" {}
        let maintenance: PostgresConnection
        do {
            maintenance = try PostgresConnection(url: url, database: "postgres")
        } catch let error as PostgresError where error.sqlState == "3D000" {
            maintenance = try PostgresConnection(url: url, database: "template1")
        }
        // A standby refuses CREATE DATABASE too, in words that do not say why.
        try refuseStandby(maintenance)
        // libpq's default database is the user's name.
        let name =
            try PostgresConnection.option("dbname", in: url).flatMap { $0.isEmpty ? nil : $0 }
            ?? getenv("PGDATABASE").map { String(cString: $0) }
            ?? maintenance.fetchValue("SELECT current_user", as: String.self) ?? ""
        do {
            try maintenance.execute("CREATE DATABASE \(quoteIdentifier(name))")
        } catch let error as PostgresError where error.sqlState == "42P04" || error.sqlState == "23505" {
            // Created by someone else meanwhile: duplicate_database, or, when two CREATE DATABASE
            // race, the unique index of pg_database (tested with eight processes).
        } catch let error as PostgresError where error.sqlState == "42501" {
            throw PostgresError(
                sqlState: error.sqlState,
                message: "cannot create the database \(name): \(error.message); create it first (createdb) "
                    + "or connect as a role that may (CREATEDB)")
        }
    }

    /// Throws when `db` is a hot standby (a server in recovery, `pg_is_in_recovery()`): it serves
    /// reads, and refuses every change with SQLSTATE 25006 in words about a read-only transaction
    /// that do not say why, or lets some through (an advisory lock, a session setting) to fail
    /// later. Writers are stopped here, before they touch anything, in one line naming the cause.
    ///
    /// ```sql
    /// SELECT pg_is_in_recovery()
    /// ```
    func refuseStandby(_ db: PostgresConnection) throws {
        guard try db.fetchValue("SELECT pg_is_in_recovery()", as: Int64.self) == 1 else { return }
        throw DatabaseAccessError(
            .readOnly,
            "\(location) is a read-only standby (the server is in recovery); nothing was changed: "
                + "run catalog migrate, seed and setup against the primary")
    }

    /// The advisory lock's key: one per database and schema, the same in every catalog process.
    static let lockKeySQL = "SELECT hashtextextended('catalog:' || current_database() || ':' || current_schema(), 0)"

    /// Takes the session-level advisory lock on a connection of its own, polling every 50 ms up to
    /// `timeout` seconds; the holder is named from `pg_locks` for `waiting` and when the wait runs
    /// out. The lock's connection then names this process in its `application_name` (`catalog pid
    /// 4242`), which every role may read in `pg_stat_activity`, so that a waiter can say which
    /// catalog process holds the lock, not only which server session.
    /// A hot standby is refused before any wait (`refuseStandby`): every command that writes
    /// takes this lock first.
    public func writeLock(timeout: Double, waiting: (LockHolder?) -> Void) throws -> any WriteLock {
        let db = try PostgresConnection(url: url)
        try refuseStandby(db)
        guard let key = try db.fetchValue(Self.lockKeySQL, as: Int64.self) else {
            throw WriteLockError.failed("the server gave no advisory lock key")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Timeout.milliseconds(timeout)))
        var told = false
        while true {
            if try db.fetchValue("SELECT pg_try_advisory_lock($1)", [.integer(key)], as: Int64.self) == 1 {
                // Best effort, like SQLite's lock record: a lock that cannot say who holds it still locks.
                try? db.execute("SET application_name = '\(Self.applicationNamePrefix)\(getpid())'")
                return AdvisoryLock(db: db, key: key)
            }
            if clock.now >= deadline {
                throw WriteLockError.timedOut(seconds: timeout, holder: try? Self.holder(of: key, db))
            }
            if !told {
                told = true
                waiting(try? Self.holder(of: key, db))
            }
            usleep(50_000)
        }
    }

    /// How the lock's connection starts its `application_name`, before the process id.
    static let applicationNamePrefix = "catalog pid "

    /// The session holding the advisory lock `key`: the catalog process when the session names it
    /// (`application_name` `catalog pid 4242`), else the server process, with the program
    /// (`application_name`) and where it connected from.
    static func holder(of key: Int64, _ db: PostgresConnection) throws -> LockHolder? {
        let row = try db.fetchOne(
            """
            SELECT l.pid, a.application_name, host(a.client_addr),
                   to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = $1
            """, [.integer(key)])
        guard let row, let pid = row.get(0, as: Int64.self) else { return nil }
        let name = row.get(1, as: String.self) ?? ""
        let from = row.get(2, as: String.self).map { "from \($0)" } ?? "over a local socket"
        if name.hasPrefix(applicationNamePrefix), let client = Int32(name.dropFirst(applicationNamePrefix.count)) {
            return LockHolder(pid: client, command: "catalog, server session \(pid) \(from)", since: row.get(3))
        }
        let program = name.isEmpty ? "a client" : name
        return LockHolder(
            pid: Int32(truncatingIfNeeded: pid), command: "server session of \(program) \(from)", since: row.get(3))
    }

    public func openForWriting(
        creating: Bool, busyTimeoutMilliseconds: Int, verify: (any DatabaseConnection) throws -> Void
    ) throws -> any DatabaseConnection {
        let db = try PostgresConnection(url: url)
        try refuseStandby(db)
        // A lock wait is bounded like SQLite's busy timeout.
        try db.execute("SET lock_timeout = \(max(busyTimeoutMilliseconds, 1))")
        try verify(db)
        return db
    }

    public func openForReading(busyTimeoutMilliseconds: Int) throws -> any DatabaseConnection {
        try PostgresConnection(url: url)
    }

    // MARK: - Ledger

    public var ledgerCreateSQL: String {
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     text   NOT NULL PRIMARY KEY,
            name        text   NOT NULL,
            checksum    text   NOT NULL,
            batch       bigint NOT NULL,
            sequence    bigint NOT NULL UNIQUE,
            applied_at  text   NOT NULL,
            duration_ms bigint NOT NULL
        )
        """
    }

    public var ledgerInsertSQL: String {
        """
        INSERT INTO schema_migrations (version, name, checksum, batch, sequence, applied_at, duration_ms)
        VALUES ($1, $2, $3, $4, (SELECT coalesce(max(sequence), 0) + 1 FROM schema_migrations),
        to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), $5)
        """
    }

    public var ledgerDeleteSQL: String { "DELETE FROM schema_migrations WHERE version = $1" }

    public var ledgerRepairSQL: String { "UPDATE schema_migrations SET checksum = $1, name = $2 WHERE version = $3" }

    public func ledgerExists(_ db: any DatabaseConnection) throws -> Bool {
        try db.fetchValue(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migrations'",
            as: Int.self) == 1
    }

    // MARK: - Migrations

    public var beforeTransaction: [String] { [] }
    public var beginTransaction: String { "BEGIN" }
    public var commitTransaction: String { "COMMIT" }
    public var afterTransaction: [String] { [] }
    /// The server checks foreign keys itself; nothing to ask afterwards (and nothing for a dry
    /// run to print).
    public var foreignKeyCheckSQL: String { "" }

    public func foreignKeyViolations(_ db: any DatabaseConnection, firstOnly: Bool) throws -> [ForeignKeyViolation] {
        []
    }

    /// Drops every table, view and sequence of the current schema (`fresh`), nothing outside it.
    public func dropEverything(_ db: any DatabaseConnection) throws -> [String] {
        try db.transaction {
            var dropped: [String] = []
            let rows = try db.fetchAll(
                """
                SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                       ELSE 'TABLE' END, c.relname
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                ORDER BY CASE c.relkind WHEN 'v' THEN 0 WHEN 'm' THEN 1 WHEN 'S' THEN 3 ELSE 2 END, c.relname
                """)
            for row in rows {
                guard let kind: String = row.get(0), let name: String = row.get(1) else { continue }
                try db.execute("DROP \(kind) IF EXISTS \(quoteIdentifier(name)) CASCADE")
                dropped.append(name)
            }
            return dropped
        }
    }

    public func dryRunPreamble(databaseExists: Bool, ledgerExists: Bool) -> [String] {
        var lines: [String] = []
        if !databaseExists { lines.append("-- the database does not exist yet; it would be created (CREATE DATABASE)") }
        if !ledgerExists || !databaseExists { lines.append(ledgerCreateSQL + ";") }
        return lines
    }

    // MARK: - Schema

    public func tableNames(_ db: any DatabaseConnection) throws -> [String] {
        try db.fetchAll("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
            .compactMap { $0.get(0, as: String.self) }
    }

    public func columnNames(of table: String, _ db: any DatabaseConnection) throws -> [String] {
        try db.fetchAll(
            """
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
            """, [.text(table)]
        ).compactMap { $0.get(0, as: String.self) }
    }

    /// The tables (columns with types, nullability and defaults, then constraints) and indexes
    /// of the current schema, in name order, from the system catalogs: deterministic without
    /// pg_dump.
    public func schemaSQL(_ db: any DatabaseConnection, tables: Set<String>, key: (String) -> String) throws -> String {
        var out = ""
        for table in try tableNames(db) where tables.isEmpty || tables.contains(key(table)) {
            var lines = try db.fetchAll(
                """
                SELECT quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
                       || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                       || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
                FROM pg_attribute a
                LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE a.attrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass
                  AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum
                """, [.text(table)]
            ).compactMap { $0.get(0, as: String.self) }
            lines += try db.fetchAll(
                """
                SELECT 'CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid)
                FROM pg_constraint
                WHERE conrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass
                ORDER BY conname
                """, [.text(table)]
            ).compactMap { $0.get(0, as: String.self) }
            out += "CREATE TABLE \(quoteIdentifier(table)) (\n    " + lines.joined(separator: ",\n    ") + "\n);\n"
            let indexes = try db.fetchAll(
                """
                SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
                ORDER BY c.relname
                """, [.text(table)]
            ).compactMap { $0.get(0, as: String.self) }
            for index in indexes {
                // Without the schema name, which differs between databases holding the same schema.
                out += index.replacingSchemaPrefix() + ";\n"
            }
        }
        return out
    }
}

extension String {
    /// `CREATE INDEX x ON s.t USING ...` as `CREATE INDEX x ON t USING ...`.
    fileprivate func replacingSchemaPrefix() -> String {
        guard let on = firstRange(of: " ON "), let using = self[on.upperBound...].firstRange(of: " USING ") else {
            return self
        }
        let target = self[on.upperBound..<using.lowerBound]
        guard let dot = target.lastIndex(of: ".") else { return self }
        return String(self[..<on.upperBound]) + String(target[target.index(after: dot)...])
            + String(self[using.lowerBound...])
    }
}

/// The session-level advisory lock, held by its own connection; released when this value goes
/// (or, if the process dies, when the server notices the connection is gone).
final class AdvisoryLock: WriteLock {
    private let db: PostgresConnection
    private let key: Int64

    init(db: PostgresConnection, key: Int64) {
        self.db = db
        self.key = key
    }

    deinit {
        _ = try? db.fetchValue("SELECT pg_advisory_unlock($1)", [.integer(key)], as: Int64.self)
    }
}
