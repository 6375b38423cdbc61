import CSQLite
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// SQLite's side of `catalog sql`: a connection where the user's SQL cannot change the database
/// or touch another file unless writes are allowed, and SQLite itself enforces it.
///
/// Without `write`, the file is opened read-only, `SQLITE_DBCONFIG_DEFENSIVE` and
/// `trusted_schema = OFF` are set, and a deny-by-default authorizer allows only reads. Each layer
/// alone has a hole (`PRAGMA query_only` can be turned off, a read-only open still lets
/// `VACUUM INTO` write a file and `ATTACH` read one, `sqlite3_stmt_readonly` is true for ATTACH).
/// With `write`, ATTACH and extension loading stay refused, and so are the user's own
/// transaction statements, since the script runs in one transaction.
public final class SQLiteScriptSession: ScriptSession {
    /// The connection.
    public let db: Connection
    public let allowsWrites: Bool
    private var refused: String?
    /// True while the user's statements are prepared and run (not the session's BEGIN/COMMIT).
    private var runningUserSQL = false

    public let limits: ScriptLimits

    /// Opens `path` for inspection (read-only) or, with `write`, for changes, within `limits`:
    /// `SQLITE_LIMIT_LENGTH` bounds every value and row, and SQLite's hard heap limit its
    /// memory (`HeapLimit`: for the whole process while a session is open).
    ///
    /// A database whose last writer crashed is recovered first (`Connection.openReadOnly`).
    /// With `write`, a file or folder this process may not write is refused first, in words.
    public init(path: String, write: Bool, busyTimeout: Int = 5_000, limits: ScriptLimits = .default) throws {
        if write, let refusal = FileAccess.writeRefusal(path) { throw refusal }
        db =
            write
            ? try Connection(path: path, mode: .readWrite, busyTimeout: busyTimeout)
            : try Connection.openReadOnly(path: path, busyTimeout: busyTimeout)
        allowsWrites = write
        self.limits = limits
        db.setLimit(SQLITE_LIMIT_LENGTH, to: Int32(clamping: limits.maxValueBytes))
        HeapLimit.begin(Int64(limits.maxMemoryBytes))
        try db.setConfig(.defensive, to: true)
        try db.setConfig(.trustedSchema, to: false)
        db.setAuthorizer { [unowned self] request in
            // The session's own BEGIN and COMMIT around a --write script are not the user's.
            if request.action == AuthorizerRequest.transaction && !self.runningUserSQL { return .allow }
            let decision = write ? Self.writePolicy(request) : Self.readPolicy(request)
            if decision == .deny { self.refused = Self.describe(request) }
            return decision
        }
    }

    public var totalChanges: Int { db.totalChanges }

    public var interrupter: any Interrupter { db.interrupter }

    public var connection: any DatabaseConnection { db }

    public func isComplete(_ sql: String) -> Bool { SQLText.isComplete(sql) }

    public func statementCount(in script: String) -> Int { SQLText.statementCount(script) }

    public func forEachUserStatement(in script: String, _ body: (Statement, Int) throws -> Void) throws {
        runningUserSQL = true
        defer { runningUserSQL = false }
        try db.forEachStatement(in: script) { statement, offset in
            refused = nil
            try body(statement, offset)
        }
    }

    deinit {
        HeapLimit.end(Int64(limits.maxMemoryBytes))
    }

    /// A watchdog thread interrupts the connection from the deadline on (`Watchdog`): SQLite
    /// checks an interrupt at every row and loop, where a progress handler (every N
    /// instructions) let one function call or a run of tiny statements go on for seconds.
    public func withDeadline<T>(
        _ deadline: ContinuousClock.Instant?, hardStop: Watchdog.HardStop?, _ body: () throws -> T
    ) throws -> T {
        guard let deadline else { return try body() }
        let watchdog = Watchdog(deadline: deadline, interrupter: db.interrupter, hardStop: hardStop)
        defer { watchdog.cancel() }
        return try body()
    }

    public func refusal(for error: any DatabaseError) -> String? {
        guard let error = error as? SQLiteError, ResultCode.auth ~= error.code else { return nil }
        return refused
    }

    // MARK: - Policies

    /// Pragmas that only report, with or without an argument naming what to report on.
    static let reportingPragmas: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
        "foreign_key_check", "integrity_check", "quick_check", "database_list", "collation_list", "function_list",
        "module_list", "pragma_list", "compile_options",
    ]

    /// Pragmas that are settings: readable without an argument, never settable here.
    static let settingPragmas: Set<String> = [
        "user_version", "schema_version", "application_id", "page_count", "page_size", "freelist_count",
        "journal_mode", "foreign_keys", "encoding", "data_version", "cache_size", "busy_timeout", "query_only",
        "auto_vacuum", "synchronous", "max_page_count", "recursive_triggers", "case_sensitive_like",
    ]

    static func readPolicy(_ request: AuthorizerRequest) -> AuthorizerDecision {
        switch request.action {
        case AuthorizerRequest.select, AuthorizerRequest.read, AuthorizerRequest.recursive,
            AuthorizerRequest.transaction, AuthorizerRequest.savepoint:
            return .allow
        case AuthorizerRequest.function:
            return deniedFunctions.contains((request.second ?? "").lowercased()) ? .deny : .allow
        case AuthorizerRequest.pragma:
            let name = (request.first ?? "").lowercased()
            if reportingPragmas.contains(name) { return .allow }
            return settingPragmas.contains(name) && request.second == nil ? .allow : .deny
        case AuthorizerRequest.update:
            // SQLite asks this of its own schema table while it sets up table-valued pragma
            // functions (`pragma_table_info('t')`); the read-only open and defensive mode refuse
            // a user's write to it anyway.
            let schema = request.first == "sqlite_master" || request.first == "sqlite_schema"
            return schema && request.source == nil ? .allow : .deny
        default:
            return .deny
        }
    }

    /// Functions refused in both modes: `load_extension` runs native code, and the two-argument
    /// `fts3_tokenizer` (this SQLite is built with `ENABLE_FTS3_TOKENIZER`) registers a native
    /// function pointer, while its one-argument form leaks a heap address.
    static let deniedFunctions: Set<String> = ["load_extension", "fts3_tokenizer"]

    static func writePolicy(_ request: AuthorizerRequest) -> AuthorizerDecision {
        switch request.action {
        case AuthorizerRequest.attach, AuthorizerRequest.detach: return .deny
        // catalog's own transaction wraps the script: a user's COMMIT would end it early.
        case AuthorizerRequest.transaction: return .deny
        case AuthorizerRequest.function:
            return deniedFunctions.contains((request.second ?? "").lowercased()) ? .deny : .allow
        case AuthorizerRequest.pragma:
            let name = (request.first ?? "").lowercased()
            return ["writable_schema", "journal_mode", "query_only", "trusted_schema"].contains(name)
                && request.second != nil ? .deny : .allow
        default: return .allow
        }
    }

    /// Words for what a refused request would do.
    static func describe(_ request: AuthorizerRequest) -> String {
        let target = request.first.map { " \($0)" } ?? ""
        switch request.action {
        // Plain VACUUM attaches a temporary database with no file name.
        case AuthorizerRequest.attach where (request.first ?? "").isEmpty: return "VACUUM"
        case AuthorizerRequest.attach: return "ATTACH or VACUUM INTO of" + target
        case AuthorizerRequest.detach: return "DETACH" + target
        case AuthorizerRequest.pragma:
            return "PRAGMA " + (request.first ?? "") + (request.second.map { " = \($0)" } ?? "")
        case AuthorizerRequest.function: return "the function " + (request.second ?? "")
        case AuthorizerRequest.transaction:
            return (request.first ?? "a transaction statement") + " (--write runs everything in one transaction)"
        case AuthorizerRequest.insert: return "INSERT INTO" + target
        case AuthorizerRequest.update: return "UPDATE" + target
        case AuthorizerRequest.delete: return "DELETE FROM" + target
        default: return "a change (SQLite action \(request.action)\(target))"
        }
    }
}

/// SQLite's hard heap limit is one setting for the whole process. While script sessions are
/// open it is the largest of their limits (memory is shared, so the loosest one governs); when
/// the last one closes, the setting from before the first comes back.
enum HeapLimit {
    private struct State {
        var sessions: [Int64] = []
        var saved: Int64 = 0
    }

    private static let state = Mutex(State())

    static func begin(_ bytes: Int64) {
        state.withLock { state in
            if state.sessions.isEmpty { state.saved = Connection.setHardHeapLimit(bytes) }
            state.sessions.append(bytes)
            Connection.setHardHeapLimit(state.sessions.max() ?? bytes)
        }
    }

    static func end(_ bytes: Int64) {
        state.withLock { state in
            guard let index = state.sessions.firstIndex(of: bytes) else { return }
            state.sessions.remove(at: index)
            Connection.setHardHeapLimit(state.sessions.max() ?? state.saved)
        }
    }
}
