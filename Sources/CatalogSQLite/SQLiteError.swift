import CSQLite

/// An error reported by SQLite, with the context needed to explain it.
public struct SQLiteError: DatabaseError {
    /// The extended result code.
    public var code: ResultCode
    /// SQLite's own message (`sqlite3_errmsg`), or the code's description.
    public var message: String
    /// The SQL being prepared or run, when there was one.
    public var sql: String?
    /// The byte offset in `sql` that SQLite blames (`sqlite3_error_offset`), when it knows one.
    public var offset: Int?
    /// For `SQLITE_BUSY` after the connection's busy timeout ran out: the wait, the database and
    /// who held the lock when that is known.
    public var lockWait: LockWait?

    /// A wait for another connection's lock that ran out.
    public struct LockWait: Sendable, Hashable {
        /// How long the connection waited (its busy timeout), in milliseconds.
        public var milliseconds: Int
        /// The database, as the connection was opened.
        public var database: String
        /// The process holding SQLite's write lock, when the kernel's lock table names it.
        public var holder: LockHolder?
    }

    public init(code: ResultCode, message: String? = nil, sql: String? = nil, offset: Int? = nil) {
        self.code = code
        self.message = message ?? code.description
        self.sql = sql
        self.offset = offset
    }

    /// Builds the error for the last failure on `db`, reading code, message and offset there.
    init(db: OpaquePointer?, code: Int32, sql: String? = nil) {
        let extended = db.map { sqlite3_extended_errcode($0) } ?? code
        // Prefer the extended code only when it extends the code we were handed.
        let resolved = (extended & 0xFF) == (code & 0xFF) ? extended : code
        let message = db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        let offset = db.map { Int(sqlite3_error_offset($0)) }.flatMap { $0 >= 0 ? $0 : nil }
        self.init(code: ResultCode(rawValue: resolved), message: message, sql: sql, offset: offset)
    }

    /// One line: the message and the result code; the SQL is kept apart for callers to show.
    /// A busy timeout that ran out says instead what held the database and how long it waited.
    public var description: String {
        if let lockWait {
            let waited = "gave up after waiting \(Timeout.describe(milliseconds: lockWait.milliseconds))"
            guard let holder = lockWait.holder else {
                return "\(lockWait.database) is locked by another connection that is writing to it (SQLite does not "
                    + "say which process); \(waited)"
            }
            return "\(lockWait.database) is locked by another process, \(holder), which holds SQLite's write lock; "
                + waited
        }
        return "\(message) (\(ResultCode(rawValue: code.rawValue).codeName))"
    }

    public var lockWaitMilliseconds: Int? { lockWait?.milliseconds }
}

extension SQLiteError {
    /// The backend-neutral kind of the result code.
    public var kind: DatabaseErrorKind {
        switch code.primary {
        case .constraint: return .constraint
        case .busy, .locked: return .busy
        case .readOnly: return .readOnly
        case .interrupt: return .interrupted
        case .auth, .permission: return .notAuthorized
        case .error, .range, .mismatch, .misuse, .schema: return .sql
        case .notADatabase: return .notADatabase
        case .cantOpen: return .cannotOpen
        case .full: return .full
        case .ioError: return .io
        case .corrupt: return .corrupt
        case .tooBig: return .tooBig
        case .noMemory: return .outOfMemory
        default: return .other
        }
    }

    /// The C name of the primary result code, e.g. `SQLITE_CONSTRAINT`.
    public var backendCode: String { code.codeName }
}

extension ResultCode {
    /// The C name of the primary code, e.g. `SQLITE_CONSTRAINT`, for error messages.
    public var codeName: String {
        let names: [Int32: String] = [
            SQLITE_ERROR: "SQLITE_ERROR", SQLITE_INTERNAL: "SQLITE_INTERNAL", SQLITE_PERM: "SQLITE_PERM",
            SQLITE_ABORT: "SQLITE_ABORT", SQLITE_BUSY: "SQLITE_BUSY", SQLITE_LOCKED: "SQLITE_LOCKED",
            SQLITE_NOMEM: "SQLITE_NOMEM", SQLITE_READONLY: "SQLITE_READONLY",
            SQLITE_INTERRUPT: "SQLITE_INTERRUPT", SQLITE_IOERR: "SQLITE_IOERR",
            SQLITE_CORRUPT: "SQLITE_CORRUPT", SQLITE_NOTFOUND: "SQLITE_NOTFOUND", SQLITE_FULL: "SQLITE_FULL",
            SQLITE_CANTOPEN: "SQLITE_CANTOPEN", SQLITE_PROTOCOL: "SQLITE_PROTOCOL",
            SQLITE_SCHEMA: "SQLITE_SCHEMA", SQLITE_TOOBIG: "SQLITE_TOOBIG",
            SQLITE_CONSTRAINT: "SQLITE_CONSTRAINT", SQLITE_MISMATCH: "SQLITE_MISMATCH",
            SQLITE_MISUSE: "SQLITE_MISUSE", SQLITE_AUTH: "SQLITE_AUTH", SQLITE_RANGE: "SQLITE_RANGE",
            SQLITE_NOTADB: "SQLITE_NOTADB",
        ]
        return names[primary.rawValue] ?? "SQLite result code \(rawValue)"
    }
}
