/// One row of the migrations ledger (`schema_migrations`): a migration that is applied.
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

    public init(
        version: String, name: String, checksum: String, batch: Int, sequence: Int, appliedAt: String,
        durationMilliseconds: Int
    ) {
        self.version = version
        self.name = name
        self.checksum = checksum
        self.batch = batch
        self.sequence = sequence
        self.appliedAt = appliedAt
        self.durationMilliseconds = durationMilliseconds
    }
}

/// A row whose foreign key points at no parent row.
public struct ForeignKeyViolation: Hashable, Sendable {
    /// The child table.
    public var table: String
    /// The child row, when the backend can name it.
    public var rowid: Int64?
    /// The parent table.
    public var parent: String
    /// The backend's number or name for the constraint, to tell two violations of one row apart.
    public var constraint: String

    public init(table: String, rowid: Int64?, parent: String, constraint: String) {
        self.table = table
        self.rowid = rowid
        self.parent = parent
        self.constraint = constraint
    }
}

/// A process that holds a lock, as far as the backend can tell: its process id, and its command
/// line and the time it took the lock when those are known.
public struct LockHolder: Sendable, Hashable, CustomStringConvertible {
    /// The process id.
    public var pid: Int32
    /// Its command line, for a person (program name without its folder), when readable.
    public var command: String?
    /// When it took the lock, UTC ISO 8601 (`2026-11-29T21:30:05Z`), when it recorded that.
    public var since: String?

    public init(pid: Int32, command: String? = nil, since: String? = nil) {
        self.pid = pid
        self.command = command
        self.since = since
    }

    /// `pid 4242 (catalog seed --prune, since 2026-11-29T21:30:05Z)`, `pid 4242 (sqlite3 x)`, `pid 4242`.
    public var description: String {
        let details = [command, since.map { "since \($0)" }].compactMap { $0 }
        return "pid \(pid)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")
    }
}

/// Why the cross-process write lock could not be taken.
public enum WriteLockError: Error, Sendable, Equatable {
    /// Another process held it for longer than the wait allowed; `holder` is that process when
    /// the backend can tell.
    case timedOut(seconds: Double, holder: LockHolder?)
    /// The lock itself failed (its file could not be created, the server refused).
    case failed(String)
}

/// A cross-process lock held by every command that changes a database's schema, ledger or
/// seeded data, released when the value is released (or the process dies).
public protocol WriteLock: AnyObject {}

/// What the migration runner needs from one kind of database, and nothing more: the runner
/// (CatalogKit's `Migrator`) spells no SQL of its own. dbmate's `Driver` interface is the model:
/// one implementation per backend, each tested against its own database.
///
/// The ledger keeps the same columns everywhere: `version`, `name`, `checksum`, `batch`,
/// `sequence`, `applied_at`, `duration_ms`.
public protocol MigrationDriver: Sendable {
    /// The database, for messages: a file path or a URL without its password.
    var location: String { get }

    /// True when the database exists (a file that is there; a server database that answers).
    func databaseExists() -> Bool
    /// Creates the database when it is missing and the backend cannot create it on open (a
    /// PostgreSQL database; a SQLite file is created by `openForWriting(creating: true)`).
    /// Called before the write lock is taken, which may need the database.
    func createIfMissing() throws
    /// Takes the cross-process write lock, waiting up to `timeout` seconds. When the lock is busy,
    /// `waiting` is told once, before the wait, who holds it (nil when the backend cannot tell).
    func writeLock(timeout: Double, waiting: (LockHolder?) -> Void) throws -> any WriteLock
    /// Opens the database to change it, creating it when `creating` and it is missing.
    /// `verify` looks at the database before the driver changes any setting of it (SQLite's
    /// journal mode), so someone else's database is refused untouched.
    func openForWriting(
        creating: Bool, busyTimeoutMilliseconds: Int, verify: (any DatabaseConnection) throws -> Void
    ) throws -> any DatabaseConnection
    /// Opens the database only to read it (recovering it first where the backend must).
    func openForReading(busyTimeoutMilliseconds: Int) throws -> any DatabaseConnection

    // MARK: Ledger

    /// `CREATE TABLE IF NOT EXISTS schema_migrations (...)`.
    var ledgerCreateSQL: String { get }
    /// Inserts a ledger row from five values: version, name, checksum, batch, duration in
    /// milliseconds; the next sequence number and the time come from the database.
    var ledgerInsertSQL: String { get }
    /// Deletes the ledger row of one version.
    var ledgerDeleteSQL: String { get }
    /// Sets checksum and name (values 1 and 2) of the ledger row of a version (value 3).
    var ledgerRepairSQL: String { get }
    /// True when the ledger table exists.
    func ledgerExists(_ db: any DatabaseConnection) throws -> Bool
    /// The ledger table's column names.
    func ledgerColumns(_ db: any DatabaseConnection) throws -> [String]
    /// Every ledger row, in the order applied.
    func ledgerRecords(_ db: any DatabaseConnection) throws -> [LedgerRecord]

    // MARK: Migrations

    /// Statements run before a migration's transaction begins (SQLite: foreign keys off, since
    /// that pragma is a no-op inside a transaction).
    var beforeTransaction: [String] { get }
    /// The statement that begins a migration's transaction, taking the write lock at once.
    var beginTransaction: String { get }
    /// The statement that commits it.
    var commitTransaction: String { get }
    /// Statements run after the transaction ends, committed or not.
    var afterTransaction: [String] { get }
    /// The statement that lists foreign-key violations, as a dry run prints it ("" when the
    /// database checks them itself at each statement: nothing is printed).
    var foreignKeyCheckSQL: String { get }
    /// The foreign-key violations in the database (at most one when `firstOnly`).
    func foreignKeyViolations(_ db: any DatabaseConnection, firstOnly: Bool) throws -> [ForeignKeyViolation]
    /// True for a statement that would end the runner's transaction (BEGIN, COMMIT, END,
    /// ROLLBACK but not ROLLBACK TO).
    func endsTransaction(_ statement: any PreparedStatement) -> Bool
    /// Drops every table, view and trigger of the catalog (the ledger too) and returns their
    /// names, in the order dropped, in one transaction.
    func dropEverything(_ db: any DatabaseConnection) throws -> [String]
    /// What a dry run prints before the migrations: comments and the setup statements a real
    /// run executes (connection settings, the ledger's creation when it is missing).
    func dryRunPreamble(databaseExists: Bool, ledgerExists: Bool) -> [String]

    // MARK: Schema

    /// The names of the catalog's tables, sorted (the backend's internal tables left out).
    func tableNames(_ db: any DatabaseConnection) throws -> [String]
    /// The column names of `table`, in order.
    func columnNames(of table: String, _ db: any DatabaseConnection) throws -> [String]
    /// The schema as deterministic SQL: tables, then indexes, views and triggers, each by name,
    /// limited to the objects of `tables` (compared by `key`) when any are given.
    func schemaSQL(_ db: any DatabaseConnection, tables: Set<String>, key: (String) -> String) throws -> String
}

extension MigrationDriver {
    public func createIfMissing() throws {}

    /// Takes the cross-process write lock, waiting up to `timeout` seconds without a word.
    public func writeLock(timeout: Double) throws -> any WriteLock {
        try writeLock(timeout: timeout, waiting: { _ in })
    }

    /// The ledger's columns, through `columnNames(of:)`.
    public func ledgerColumns(_ db: any DatabaseConnection) throws -> [String] {
        try columnNames(of: "schema_migrations", db)
    }

    /// Every ledger row, in the order applied: the same SQL on every backend.
    public func ledgerRecords(_ db: any DatabaseConnection) throws -> [LedgerRecord] {
        try db.fetchAll(
            "SELECT version, name, checksum, batch, sequence, applied_at, duration_ms FROM schema_migrations ORDER BY sequence"
        ).map { row in
            LedgerRecord(
                version: row.get(0) ?? "", name: row.get(1) ?? "", checksum: row.get(2) ?? "",
                batch: row.get(3) ?? 0, sequence: row.get(4) ?? 0, appliedAt: row.get(5) ?? "",
                durationMilliseconds: row.get(6) ?? 0)
        }
    }

    public func endsTransaction(_ statement: any PreparedStatement) -> Bool {
        SQLText.endsTransaction(statement.sql)
    }
}
