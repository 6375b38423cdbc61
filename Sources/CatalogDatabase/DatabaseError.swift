/// What went wrong, in words every backend shares, so that callers can decide without knowing
/// which database they talk to (SQLite's `SQLITE_BUSY` and PostgreSQL's `55P03` are both `.busy`).
public enum DatabaseErrorKind: Sendable, Hashable {
    /// A constraint failed: unique, foreign key, not null, check.
    case constraint
    /// Another connection holds a lock the statement needed, past the wait allowed.
    case busy
    /// A write on a read-only connection, file or transaction.
    case readOnly
    /// Stopped by an interrupt, a cancel or a time limit.
    case interrupted
    /// Refused by the backend's access control or our authorizer.
    case notAuthorized
    /// The SQL text is wrong (syntax, unknown table or column, wrong parameter count).
    case sql
    /// The file or server is not a database of this kind.
    case notADatabase
    /// The database could not be opened or reached.
    case cannotOpen
    /// The connection to a database server broke in the middle of a session (the server restarted,
    /// shut down or ended it): the server rolled back what was not committed.
    case connectionLost
    /// Out of disk or quota.
    case full
    /// An input/output error below the database.
    case io
    /// The database's own structures are damaged.
    case corrupt
    /// A value or statement is larger than a limit allows (`ScriptLimits.maxValueBytes`).
    case tooBig
    /// The backend ran out of memory, or of the memory it may use (`ScriptLimits.maxMemoryBytes`).
    case outOfMemory
    /// Anything else.
    case other
}

/// An error reported by a database backend: a backend-neutral kind, plus the backend's own code
/// and message for people and logs.
///
/// ```swift
/// catch let error as any DatabaseError where error.kind == .busy { ... }
/// ```
public protocol DatabaseError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in backend-neutral terms.
    var kind: DatabaseErrorKind { get }
    /// The backend's own name for the code, e.g. `SQLITE_CONSTRAINT` or SQLSTATE `23505`.
    var backendCode: String { get }
    /// The backend's own message.
    var message: String { get }
    /// The SQL being prepared or run, when there was one.
    var sql: String? { get }
    /// The UTF-8 byte offset in `sql` the backend blames, when it names one.
    var offset: Int? { get }
    /// For an error that came after waiting for another connection's lock: how long the backend
    /// waited, in milliseconds, before it gave up (a longer wait might have succeeded). Nil when
    /// it did not wait.
    var lockWaitMilliseconds: Int? { get }
}

extension DatabaseError {
    public var lockWaitMilliseconds: Int? { nil }
}

/// A database this process may not change, or cannot read without writing beside it, found by
/// looking at the files (their permissions, the file system, the backend's side files) before or
/// instead of the backend's own low-level error. The message names the path and what to do, and
/// nothing was changed.
public struct DatabaseAccessError: DatabaseError {
    /// `.readOnly` when a change was refused, `.cannotOpen` when reading is impossible here.
    public var kind: DatabaseErrorKind
    public var backendCode: String { "access" }
    public var message: String
    public var sql: String? { nil }
    public var offset: Int? { nil }

    public init(_ kind: DatabaseErrorKind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// A misuse of the database layer found before reaching a backend (a wrong number of values,
/// an empty statement).
public struct DatabaseUsageError: DatabaseError {
    public var kind: DatabaseErrorKind { .sql }
    public var backendCode: String { "usage" }
    public var message: String
    public var sql: String?
    public var offset: Int? { nil }

    public init(_ message: String, sql: String? = nil) {
        self.message = message
        self.sql = sql
    }

    public var description: String { message }
}
