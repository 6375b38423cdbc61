/// How a transaction takes its locks.
public enum TransactionMode: String, Sendable {
    /// Takes no lock until the first read or write: for read-only work. (In SQLite's WAL mode a
    /// deferred transaction that reads and then writes fails when another connection committed
    /// in between, whatever the busy timeout.)
    case deferred = "DEFERRED"
    /// Takes the write lock at once, waiting for it: for every transaction that writes.
    case immediate = "IMMEDIATE"
    /// Like immediate, and keeps readers out where the backend can.
    case exclusive = "EXCLUSIVE"
}

/// A statement prepared once and run any number of times with new values.
///
/// Not `Sendable`: a statement belongs to its connection's thread.
public protocol PreparedStatement: AnyObject {
    /// The SQL of this statement alone.
    var sql: String { get }
    /// The names of the result columns (empty for a statement that returns no rows).
    var columnNames: [String] { get }
    /// The number of parameters to bind.
    var parameterCount: Int { get }

    /// Binds `values` to parameters 1...n, in order; the count must match.
    func bind(_ values: [DatabaseValue]) throws
    /// Advances to the next row: true when a row is ready, false when the statement is done.
    @discardableResult func step() throws -> Bool
    /// Rewinds the statement so it can run again.
    func reset()

    /// The value of column `index` in the current row.
    func value(at index: Int) -> DatabaseValue
    /// Column `index` of the current row as a 64-bit integer (0 for NULL).
    func int64(at index: Int) -> Int64
    /// The current row, copied out.
    func row() -> Row
}

extension PreparedStatement {
    /// The number of result columns.
    public var columnCount: Int { columnNames.count }

    /// Runs the statement to completion with `values` bound, ignoring any rows.
    public func execute(_ values: [DatabaseValue]? = nil) throws {
        reset()
        if let values { try bind(values) }
        defer { reset() }
        while try step() {}
    }

    /// Binds `values`, runs the statement and calls `body` for each row; read the row through
    /// the statement (`value(at:)`, `int64(at:)`, `row()`).
    public func forEachRow(_ values: [DatabaseValue]? = nil, _ body: (Self) throws -> Void) throws {
        reset()
        if let values { try bind(values) }
        defer { reset() }
        while try step() {
            try body(self)
        }
    }

    /// Binds `values` and returns every row.
    public func fetchAll(_ values: [DatabaseValue]? = nil) throws -> [Row] {
        var rows: [Row] = []
        try forEachRow(values) { rows.append($0.row()) }
        return rows
    }

    /// Binds `values` and returns the first row, or nil.
    public func fetchOne(_ values: [DatabaseValue]? = nil) throws -> Row? {
        reset()
        if let values { try bind(values) }
        defer { reset() }
        return try step() ? row() : nil
    }
}

/// One connection to a database, whatever the backend: what CatalogKit's ORM, migrator, seed
/// loader and queries use. Only a backend module (CatalogSQLite) talks to a C API.
///
/// Not `Sendable`: use one connection from one thread at a time.
public protocol DatabaseConnection<Statement>: AnyObject {
    /// The backend's prepared statement.
    associatedtype Statement: PreparedStatement

    /// How this backend spells generated SQL.
    var dialect: any SQLDialect { get }
    /// What the connection is to, for messages: a file path, or a URL without its password.
    var location: String { get }
    /// True when no transaction is open.
    var isAutocommit: Bool { get }
    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { get }
    /// The id of the row the last INSERT added, when the backend reports it without `RETURNING`
    /// (SQLite's `sqlite3_last_insert_rowid`); nil for a backend that does not. A bulk insert reads
    /// it instead of `RETURNING`, which SQLite implements with a temporary table per statement
    /// (measured: 9% of the CPU time of seeding a million companies).
    var lastInsertedID: Int64? { get }

    /// Prepares exactly one statement (not cached).
    func makeStatement(sql: String) throws -> Statement
    /// A prepared statement for `sql` from this connection's cache, reset, its bindings cleared.
    /// Do not keep it across another call for the same SQL.
    func cachedStatement(sql: String) throws -> Statement
    /// Prepares and hands over the statements of `script` one after another, each with the
    /// UTF-8 byte offset in `script` where its text starts. A statement is prepared only after
    /// the one before it ran. Errors carry offsets relative to `script`.
    func forEachStatement(in script: String, _ body: (Statement, Int) throws -> Void) throws
    /// Runs every statement of `script`, in order, ignoring rows.
    func execute(_ script: String) throws

    /// Runs `body` in a transaction begun in `mode`, committed when it returns and rolled back
    /// when it throws.
    func transaction<T>(_ mode: TransactionMode, _ body: () throws -> T) throws -> T
    /// Runs `body` in a savepoint: on error only its work is undone. Savepoints nest.
    func savepoint<T>(_ body: () throws -> T) throws -> T
    /// Rolls back the open transaction, if any, ignoring errors.
    func rollbackQuietly()

    /// Runs `body`, a load of about `rows` rows inside the caller's transaction, with whatever
    /// settings make a large load fast on this backend (SQLite: a larger page cache).
    func bulkLoad<T>(rows: Int, _ body: () throws -> T) throws -> T
    /// Runs `body`, which inserts many rows into `table`, inside the caller's transaction, with
    /// the table's secondary indexes built once afterwards where the backend gains from it.
    func deferringIndexes<T>(of table: String, _ body: () throws -> T) throws -> T

    /// True when `copyRows` writes many rows much faster than a prepared insert per row: a server
    /// backend, where each statement is a round trip (PostgreSQL's `COPY`). False where inserting
    /// row by row is already the fast path (SQLite, in process); the default.
    var prefersBulkCopy: Bool { get }
    /// Writes `count` new rows into `columns` of `table`, inside the caller's transaction.
    /// `row(index, &values)` sets the values of row `index`, one per column in order (`values` is
    /// reused from row to row, so a row costs no array of its own).
    ///
    /// ```swift
    /// try db.copyRows(into: "companies", columns: ["id", "name"], count: names.count) { index, values in
    ///     values[0] = .integer(ids[index])
    ///     values[1] = .text(names[index])
    /// }
    /// ```
    ///
    /// A row that breaks a constraint fails the call with the constraint error; rows already
    /// written stay until the caller's transaction rolls back. An error thrown by `row` stops the
    /// copy and is rethrown as it is. The default runs one cached `INSERT` per row; PostgreSQL
    /// streams `COPY ... FROM STDIN`.
    func copyRows(
        into table: String, columns: [String], count: Int,
        _ row: (_ index: Int, _ values: inout [DatabaseValue]) throws -> Void
    ) throws
    /// `count` ids for new rows of `table` (an integer primary key named `id`), ascending, that the
    /// database will not hand out itself afterwards: rows written with them (`copyRows` with an
    /// `id` column) are what inserts without ids would have made, and their ids are known before
    /// anything that refers to them is written.
    ///
    /// The default returns the ids after the largest stored one, what SQLite gives a table without
    /// `AUTOINCREMENT`; that holds only inside a write transaction. PostgreSQL takes them from the
    /// column's identity sequence.
    func reserveIDs(_ count: Int, in table: String) throws -> [Int64]

    /// Calls `observer` once per wait when a statement has waited half a second for a lock that
    /// another process holds, with that process when the backend can tell (the progress line's
    /// "waiting for the write lock held by ..."); nil stops it. SQLite's database lock, which a
    /// program other than catalog may hold (the sqlite3 shell), is the case; the default does
    /// nothing (a server's row locks are not waited on by catalog's writers, which hold its
    /// advisory lock).
    func observeLockWaits(_ observer: ((LockHolder?) -> Void)?)
}

extension DatabaseConnection {
    public func observeLockWaits(_ observer: ((LockHolder?) -> Void)?) {}

    /// Runs `body` in a write transaction (`TransactionMode.immediate`).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try transaction(.immediate, body)
    }

    /// Runs one statement with bound values, using the statement cache.
    public func execute(_ sql: String, _ values: [DatabaseValue]) throws {
        try cachedStatement(sql: sql).execute(values)
    }

    /// Every row of one statement, with bound values.
    public func fetchAll(_ sql: String, _ values: [DatabaseValue] = []) throws -> [Row] {
        try cachedStatement(sql: sql).fetchAll(values)
    }

    /// The first row of one statement, with bound values, or nil.
    public func fetchOne(_ sql: String, _ values: [DatabaseValue] = []) throws -> Row? {
        try cachedStatement(sql: sql).fetchOne(values)
    }

    /// The first column of the first row, converted to `T`, or nil.
    public func fetchValue<T: DatabaseValueConvertible>(
        _ sql: String, _ values: [DatabaseValue] = [], as type: T.Type = T.self
    ) throws -> T? {
        try fetchOne(sql, values)?.get(0, as: T.self)
    }
}
