import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// One authorization request SQLite makes while preparing a statement.
/// See <https://sqlite.org/c3ref/set_authorizer.html> and <https://sqlite.org/c3ref/c_alter_table.html>.
public struct AuthorizerRequest: Sendable, Equatable {
    /// The action code (`SQLITE_READ`, `SQLITE_INSERT`, ...).
    public var action: Int32
    /// The action's two arguments, the database name, and the trigger or view, when SQLite gives them.
    public var first: String?
    public var second: String?
    public var database: String?
    public var source: String?

    public static let read = SQLITE_READ
    public static let select = SQLITE_SELECT
    public static let transaction = SQLITE_TRANSACTION
    public static let update = SQLITE_UPDATE
    public static let insert = SQLITE_INSERT
    public static let delete = SQLITE_DELETE
    public static let attach = SQLITE_ATTACH
    public static let detach = SQLITE_DETACH
    public static let pragma = SQLITE_PRAGMA
    public static let function = SQLITE_FUNCTION
    public static let savepoint = SQLITE_SAVEPOINT
    public static let recursive = SQLITE_RECURSIVE
}

/// What the authorizer answers.
public enum AuthorizerDecision: Sendable {
    /// Let the statement do it.
    case allow
    /// Refuse: preparing the statement fails with `SQLITE_AUTH` ("not authorized").
    case deny
    /// Read NULL instead of the column / skip the action.
    case ignore
}

extension Connection {
    /// Installs `policy`, asked for every action of every statement prepared from now on, or
    /// removes the authorizer when `policy` is nil.
    public func setAuthorizer(_ policy: ((AuthorizerRequest) -> AuthorizerDecision)?) {
        // Cached statements were authorized under the old policy.
        clearStatementCache()
        guard let policy else {
            sqlite3_set_authorizer(handle, nil, nil)
            authorizerBox = nil
            return
        }
        let box = AuthorizerBox(policy)
        authorizerBox = box
        sqlite3_set_authorizer(
            handle,
            { context, action, first, second, database, source in
                guard let context else { return SQLITE_DENY }
                let request = AuthorizerRequest(
                    action: action, first: first.map { String(cString: $0) },
                    second: second.map { String(cString: $0) },
                    database: database.map { String(cString: $0) }, source: source.map { String(cString: $0) })
                switch Unmanaged<AuthorizerBox>.fromOpaque(context).takeUnretainedValue().policy(request) {
                case .allow: return SQLITE_OK
                case .deny: return SQLITE_DENY
                case .ignore: return SQLITE_IGNORE
                }
            }, Unmanaged.passUnretained(box).toOpaque())
    }

    /// Calls `body` every `instructions` virtual-machine instructions while a statement runs; when
    /// it returns true the statement stops with `SQLITE_INTERRUPT`. Nil removes the handler.
    /// See <https://sqlite.org/c3ref/progress_handler.html>.
    public func setProgressHandler(every instructions: Int32 = 1_000, _ body: (() -> Bool)?) {
        guard let body else {
            sqlite3_progress_handler(handle, 0, nil, nil)
            progressBox = nil
            return
        }
        let box = ProgressBox(body)
        progressBox = box
        sqlite3_progress_handler(
            handle, instructions,
            { context in
                guard let context else { return 0 }
                return Unmanaged<ProgressBox>.fromOpaque(context).takeUnretainedValue().body() ? 1 : 0
            }, Unmanaged.passUnretained(box).toOpaque())
    }

    /// Sets SQLite's run-time limit `limit` (`SQLITE_LIMIT_LENGTH`, ...) for this connection and
    /// returns the previous value. See <https://sqlite.org/c3ref/limit.html>.
    @discardableResult
    public func setLimit(_ limit: Int32, to value: Int32) -> Int32 {
        sqlite3_limit(handle, limit, value)
    }

    /// Sets the most heap memory SQLite may hold in this process, for every connection, and
    /// returns the previous limit (0: none). Past it, allocations fail with `SQLITE_NOMEM`.
    /// See <https://sqlite.org/c3ref/hard_heap_limit64.html>.
    @discardableResult
    public static func setHardHeapLimit(_ bytes: Int64) -> Int64 {
        sqlite3_hard_heap_limit64(bytes)
    }

    /// Makes a running statement stop with `SQLITE_INTERRUPT` (safe from another thread).
    public func interrupt() {
        sqlite3_interrupt(handle)
    }
}

/// Keeps the authorizer closure alive while SQLite holds a pointer to it.
final class AuthorizerBox {
    let policy: (AuthorizerRequest) -> AuthorizerDecision
    init(_ policy: @escaping (AuthorizerRequest) -> AuthorizerDecision) { self.policy = policy }
}

/// Keeps the progress closure alive while SQLite holds a pointer to it.
final class ProgressBox {
    let body: () -> Bool
    init(_ body: @escaping () -> Bool) { self.body = body }
}

/// Interrupts one SQLite connection (`sqlite3_interrupt`, safe from a signal handler).
struct SQLiteInterrupter: Interrupter, @unchecked Sendable {
    let handle: OpaquePointer

    func interrupt() {
        sqlite3_interrupt(handle)
    }
}

extension Connection {
    /// Stops this connection's running statement when called, from any thread or a signal handler.
    /// Keep the connection open while it may be called.
    public var interrupter: any Interrupter { SQLiteInterrupter(handle: handle) }
}
