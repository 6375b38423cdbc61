import CSQLite
@_exported import CatalogDatabase

#if canImport(Glibc)
    import Glibc
#endif

/// An open SQLite database connection.
///
/// Opening applies the settings every catalog connection needs: extended result codes, a busy
/// timeout, `foreign_keys = ON`, and the WAL journal for writable file databases.
/// Not `Sendable`: use one connection from one thread at a time (it is opened with
/// `SQLITE_OPEN_NOMUTEX`). See <https://sqlite.org/c3ref/open.html>.
public final class Connection: DatabaseConnection {
    /// How to open the database file.
    public enum Mode: Sendable {
        /// Read and write an existing database; fail when it does not exist.
        case readWrite
        /// Read only; fail when it does not exist. Writes fail with `SQLITE_READONLY`.
        case readOnly
        /// Read and write, creating the file when it does not exist.
        case create
    }

    let handle: OpaquePointer
    /// The path the connection was opened with (`:memory:` for an in-memory database).
    public let path: String
    /// The mode the connection was opened with.
    public let mode: Mode
    /// True when the file was opened as immutable (`immutable=1`): no locks, no side files, read
    /// only. `openReadOnly` does this only for a file in a folder this process cannot write to.
    public let isImmutable: Bool
    /// SQLite's spelling of generated SQL.
    public var dialect: any SQLDialect { SQLiteDialect() }
    /// The path, for messages.
    public var location: String { path }
    private var statementCache: [String: Statement] = [:]
    private var savepointDepth = 0
    /// The closures installed by `trace(_:)`, `setAuthorizer(_:)` and `setProgressHandler`;
    /// SQLite holds unretained pointers to them.
    var traceBox: TraceBox?
    var authorizerBox: AuthorizerBox?
    var progressBox: ProgressBox?
    /// The busy handler's state (`setBusyTimeout`); SQLite holds an unretained pointer to it.
    let busyWait: BusyWait
    /// How many statements this connection has prepared (cache hits excluded).
    public private(set) var preparationCount = 0

    /// Opens the database at `path`.
    ///
    /// - Parameters:
    ///   - path: a file path, or `:memory:` for a private in-memory database.
    ///   - mode: read-write, read-only, or create-if-missing.
    ///   - busyTimeout: how long, in milliseconds, to wait for another connection's lock.
    ///   - wal: switch a writable file database to the WAL journal (pass false to look at a
    ///     file before changing anything in it, then call `enableWAL()`).
    /// - Throws: `SQLiteError` when the file cannot be opened or is not a database;
    ///   `DatabaseAccessError` when a writing mode finds a file this process may not write
    ///   (SQLite would open it read-only without a word).
    public convenience init(path: String, mode: Mode = .create, busyTimeout: Int = 5_000, wal: Bool = true) throws {
        try self.init(path: path, mode: mode, busyTimeout: busyTimeout, wal: wal, immutable: false)
    }

    /// Opens `path`; with `immutable`, read-only through the URI `file:<path>?immutable=1`, which
    /// makes SQLite take no locks and look for no `-wal`, `-shm` or journal: correct only while
    /// nothing can change the file.
    init(path: String, mode: Mode, busyTimeout: Int, wal: Bool, immutable: Bool) throws {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        if immutable { flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_READONLY | SQLITE_OPEN_URI }
        var db: OpaquePointer?
        let code = sqlite3_open_v2(immutable ? Self.immutableURI(path) : path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let error = SQLiteError(db: db, code: code)
            sqlite3_close_v2(db)
            throw Self.directoryError(path) ?? error
        }
        self.handle = db
        self.path = path
        self.mode = immutable ? .readOnly : mode
        self.isImmutable = immutable
        self.busyWait = BusyWait(milliseconds: busyTimeout, database: path)
        sqlite3_extended_result_codes(db, 1)
        try setBusyTimeout(busyTimeout)
        // The first statement reads the header: a file that is not SQLite fails here.
        do {
            try execute("PRAGMA foreign_keys = ON")
        } catch {
            throw Self.directoryError(path) ?? error
        }
        // SQLite opens a write-protected file read-only without a word; a writer would fail later
        // with "attempt to write a readonly database".
        if self.mode != .readOnly && !isInMemory && sqlite3_db_readonly(db, "main") == 1 {
            throw FileAccess.writeRefusal(path)
                ?? DatabaseAccessError(.readOnly, "cannot change \(path): SQLite could open it only read-only")
        }
        if self.mode != .readOnly && !isInMemory && wal { try enableWAL() }
    }

    /// `file:<path>?immutable=1`, with the characters a URI gives meaning to escaped.
    static func immutableURI(_ path: String) -> String {
        var bytes: [UInt8] = []
        for byte in path.utf8 {
            if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") {
                let hex = Array("0123456789ABCDEF".utf8)
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            } else {
                bytes.append(byte)
            }
        }
        // "file://" before an absolute path leaves the authority empty, so "//x" stays a path.
        return (path.hasPrefix("/") ? "file://" : "file:") + String(decoding: bytes, as: UTF8.self) + "?immutable=1"
    }

    /// The error for `path` when it is a directory: SQLite opens one and then fails with a bare
    /// "disk I/O error" or "unable to open", so this is asked only after a failure.
    private static func directoryError(_ path: String) -> SQLiteError? {
        var info = stat()
        guard stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR else { return nil }
        return SQLiteError(
            code: .cantOpen,
            message: "a directory, not a database file; name the file (for example \(path)/catalog.sqlite3)")
    }

    /// Switches the database to the WAL journal (a no-op when it is already WAL).
    public func enableWAL() throws {
        let journal = try fetchOne("PRAGMA journal_mode = WAL")?.get(0, as: String.self)
        if journal?.lowercased() != "wal" {
            throw SQLiteError(
                code: .error, message: "could not switch \(path) to WAL (journal mode is \(journal ?? "?"))")
        }
    }

    /// Opens `path` read-only: in a read-only folder or on read-only media too, and recovering
    /// the file first when its last writer crashed.
    ///
    /// A read-only connection cannot roll back a hot journal or rebuild a WAL index, so after a
    /// crash its first read fails (`SQLITE_READONLY_ROLLBACK`, `SQLITE_READONLY_RECOVERY`). Then a
    /// read-write connection opens the file and reads its schema, which makes SQLite recover
    /// it (running no other SQL), and the read-only connection is opened again.
    ///
    /// A WAL database can be read only by creating its `-shm` file beside it (and `-wal`, when
    /// missing). Where this process cannot create files there, the file is read as immutable, but
    /// only when no `-wal` or rollback journal holds content (the file alone is then the whole
    /// database) and nobody can write there either (`FileAccess.isFrozen`: a read-only file
    /// system or a folder without write permission for anyone). Otherwise reading it would return old data, and a `DatabaseAccessError` says so
    /// and what to do. See <https://sqlite.org/wal.html#readonly>.
    public static func openReadOnly(path: String, busyTimeout: Int = 5_000) throws -> Connection {
        do {
            return try readingSchema(Connection(path: path, mode: .readOnly, busyTimeout: busyTimeout))
        } catch let failure as SQLiteError
            where ResultCode.readOnly ~= failure.code || ResultCode.cantOpen ~= failure.code
        {
            if !FileAccess.canCreateFiles(beside: path) {
                if let refusal = FileAccess.readRefusal(path) { throw refusal }
                if !FileAccess.isFrozen(path) { throw FileAccess.frozenRefusal(path) }
                do {
                    return try readingSchema(
                        Connection(path: path, mode: .readOnly, busyTimeout: busyTimeout, wal: false, immutable: true))
                } catch {
                    throw failure  // a file that cannot be read at all: the first failure says why
                }
            }
            guard recoverable.contains(failure.code.rawValue) else { throw failure }
            do {
                // wal: false: recovering someone else's file must not change its journal mode.
                _ = try Connection(path: path, mode: .readWrite, busyTimeout: busyTimeout, wal: false)
                    .fetchValue("SELECT count(*) FROM sqlite_schema", as: Int.self)
            } catch is DatabaseAccessError {
                throw failure  // a file this process may not write: it cannot recover it either
            }
            return try Connection(path: path, mode: .readOnly, busyTimeout: busyTimeout)
        }
    }

    /// `db`, once its schema is read: the read where a file that needs recovery fails.
    private static func readingSchema(_ db: Connection) throws -> Connection {
        _ = try db.fetchValue("SELECT count(*) FROM sqlite_schema", as: Int.self)
        return db
    }

    /// `SQLITE_READONLY_RECOVERY`, `SQLITE_READONLY_ROLLBACK` and `SQLITE_READONLY_CANTINIT`: what a
    /// read-only connection says when a crashed writer left work only a writer can finish.
    private static let recoverable: Set<Int32> = [
        SQLITE_READONLY | (1 << 8), SQLITE_READONLY | (3 << 8), SQLITE_READONLY | (5 << 8),
    ]

    /// Opens a private in-memory database.
    public static func inMemory() throws -> Connection {
        try Connection(path: ":memory:", mode: .create)
    }

    deinit {
        statementCache.removeAll()
        if traceBox != nil { sqlite3_trace_v2(handle, 0, nil, nil) }
        if authorizerBox != nil { sqlite3_set_authorizer(handle, nil, nil) }
        if progressBox != nil { sqlite3_progress_handler(handle, 0, nil, nil) }
        sqlite3_close_v2(handle)
    }

    /// True for `:memory:` and temporary databases.
    public var isInMemory: Bool { path.isEmpty || path == ":memory:" || path.hasPrefix("file::memory:") }

    /// True when no transaction is open (`sqlite3_get_autocommit`).
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// The rowid of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// `lastInsertRowID`, for the seam: SQLite always reports it.
    public var lastInsertedID: Int64? { lastInsertRowID }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Rows changed since the connection opened.
    public var totalChanges: Int { Int(sqlite3_total_changes64(handle)) }

    /// An integer option of `sqlite3_db_config`. See <https://sqlite.org/c3ref/c_dbconfig_defensive.html>.
    public struct ConfigOption: Sendable {
        public let rawValue: Int32

        /// `SQLITE_DBCONFIG_DEFENSIVE`: forbid writes that could corrupt the file (`writable_schema`, ...).
        public static let defensive = ConfigOption(rawValue: SQLITE_DBCONFIG_DEFENSIVE)
        /// `SQLITE_DBCONFIG_TRUSTED_SCHEMA`: let views and triggers call functions with side effects.
        public static let trustedSchema = ConfigOption(rawValue: SQLITE_DBCONFIG_TRUSTED_SCHEMA)
        /// `SQLITE_DBCONFIG_ENABLE_FKEY`: enforce foreign keys (same as `PRAGMA foreign_keys`).
        public static let enableForeignKeys = ConfigOption(rawValue: SQLITE_DBCONFIG_ENABLE_FKEY)
    }

    /// Sets an integer `sqlite3_db_config` option and returns its new state.
    /// See <https://sqlite.org/c3ref/db_config.html>.
    @discardableResult
    public func setConfig(_ option: ConfigOption, to value: Bool) throws -> Bool {
        var result: Int32 = -1
        try check(catalog_sqlite3_db_config_int(handle, option.rawValue, value ? 1 : 0, &result))
        return result != 0
    }

    // MARK: - Statements

    /// Prepares exactly one statement. Trailing whitespace and comments are allowed;
    /// a second statement is an error.
    public func makeStatement(sql: String) throws -> Statement {
        var found: Statement?
        try forEachStatement(in: sql) { statement, _ in
            guard found == nil else {
                throw SQLiteError(
                    code: .misuse, message: "expected one statement, found several", sql: sql)
            }
            found = statement
        }
        guard let found else {
            throw SQLiteError(code: .misuse, message: "no SQL statement to run", sql: sql)
        }
        return found
    }

    /// Returns a prepared statement for `sql` from this connection's cache, preparing it once.
    ///
    /// The statement comes back reset with its bindings cleared. Do not keep it across another
    /// call for the same SQL.
    public func cachedStatement(sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            statement.clearBindings()
            return statement
        }
        let statement = try makeStatement(sql: sql)
        statementCache[sql] = statement
        return statement
    }

    /// Finalizes every cached statement.
    public func clearStatementCache() {
        statementCache.removeAll()
    }

    /// The number of statements in the cache.
    public var cachedStatementCount: Int { statementCache.count }

    /// Prepares the statements of `script` one after another and hands each to `body` with the
    /// UTF-8 byte offset in `script` where its text starts (leading comments and spaces skipped).
    ///
    /// SQLite's own parser splits the script (`sqlite3_prepare_v2` and its tail pointer), so
    /// triggers, strings and comments holding `;` are split correctly. A statement is prepared
    /// only after the one before it ran, so later statements may use tables made earlier.
    /// A `SQLiteError` thrown while preparing or inside `body` carries an offset relative to
    /// `script`: the failing token's when SQLite names one, else the statement's start.
    public func forEachStatement(in script: String, _ body: (Statement, Int) throws -> Void) throws {
        let bytes = Array(script.utf8CString)
        let length = bytes.count - 1  // without the NUL terminator
        try bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < length {
                let start = SQLText.skipSpaceAndComments(buffer, from: offset, length: length)
                if start >= length { break }
                var statementHandle: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let code = sqlite3_prepare_v2(
                    handle, base + start, Int32(length - start), &statementHandle, &tail)
                guard code == SQLITE_OK else {
                    var error = SQLiteError(
                        db: handle, code: code, sql: SQLText.statementText(buffer, from: start, length: length))
                    error.offset = error.offset.map { $0 + start } ?? start
                    if ResultCode.busy ~= error.code { error.lockWait = busyWait.takeExpiredWait() }
                    throw error
                }
                let next = tail.map { base.distance(to: $0) } ?? length
                preparationCount += 1
                guard let statementHandle else {
                    offset = max(next, start + 1)
                    continue
                }
                let statement = Statement(handle: statementHandle, busyWait: busyWait)
                do {
                    try body(statement, start)
                } catch var error as SQLiteError {
                    // Offsets SQLite reports are relative to this statement; make them script-relative.
                    error.offset = (error.offset ?? 0) + start
                    throw error
                }
                offset = max(next, start + 1)
            }
        }
    }

    /// Runs every statement in `sql`, in order. Rows are ignored.
    public func execute(_ sql: String) throws {
        try forEachStatement(in: sql) { statement, _ in
            while try statement.step() {}
        }
    }

    // MARK: - Transactions

    /// Runs `body` inside `BEGIN <kind>` ... `COMMIT`, rolling back when it throws.
    ///
    /// Use `.immediate` (the default) for any transaction that writes.
    public func transaction<T>(_ kind: TransactionMode, _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind.rawValue) TRANSACTION")
        let result: T
        do {
            result = try body()
            try execute("COMMIT TRANSACTION")
        } catch {
            rollbackQuietly()
            throw error
        }
        return result
    }

    /// Runs `body` inside a savepoint; on error only the savepoint's work is undone.
    ///
    /// Savepoints nest, and work inside or outside a transaction (outside, the outermost
    /// savepoint acts as a deferred transaction).
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepointDepth += 1
        let name = "catalog_savepoint_\(savepointDepth)"
        defer { savepointDepth -= 1 }
        try execute("SAVEPOINT \(name)")
        do {
            let result = try body()
            try execute("RELEASE SAVEPOINT \(name)")
            return result
        } catch {
            // The savepoint may already be gone if SQLite rolled the whole transaction back.
            try? execute("ROLLBACK TO SAVEPOINT \(name)")
            try? execute("RELEASE SAVEPOINT \(name)")
            throw error
        }
    }

    /// Rolls back the open transaction, if any, ignoring errors (SQLite may have rolled it back
    /// already, for example after `SQLITE_FULL`).
    public func rollbackQuietly() {
        if !isAutocommit {
            try? execute("ROLLBACK TRANSACTION")
        }
    }

    func check(_ code: Int32, sql: String? = nil) throws {
        guard code == SQLITE_OK else {
            throw SQLiteError(db: handle, code: code, sql: sql)
        }
    }
}
