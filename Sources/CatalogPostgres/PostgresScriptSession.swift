import CLibPQ
import CatalogDatabase

/// PostgreSQL's side of `catalog sql`. Without `write` it stays read-only in three layers
/// (`PostgresReadOnlyGate` lists them; docs/postgresql.md has the threat model): a role that
/// could reach past the server's checks (a superuser; a member of the file, program, signal or
/// replication roles) is refused at open; each script runs inside `BEGIN READ ONLY` with its
/// snapshot taken, rolled back at the end; and only queries that call no function reaching past
/// the transaction are sent. With `write`, the script runs in one transaction (refused on a
/// standby). The time limit is the server's `statement_timeout` plus a `Watchdog` that cancels
/// the running statement (`PQcancel`), which also serves Ctrl-C.
public final class PostgresScriptSession: ScriptSession {
    public let db: PostgresConnection
    public let allowsWrites: Bool
    /// `maxValueBytes` bounds each row read (rows stream one at a time); `maxMemoryBytes` has
    /// no PostgreSQL counterpart (the server bounds its own memory with `work_mem`).
    public let limits: ScriptLimits
    private var changes = 0
    private let canceller: PostgresCanceller

    public init(url: String, write: Bool, limits: ScriptLimits = .default) throws {
        db = try PostgresConnection(url: url)
        allowsWrites = write
        self.limits = limits
        canceller = PostgresCanceller(handle: db.handle)
        if write {
            if try db.fetchValue("SELECT pg_is_in_recovery()::int", as: Int64.self) == 1 {
                throw PostgresSessionRefusal.standby(PostgresMigrationDriver(url: url).location)
            }
        } else {
            if let role = try db.fetchOne(Self.privilegedRoleSQL) {
                throw PostgresSessionRefusal.privilegedRole(
                    user: role.get(0, as: String.self) ?? "", role: role.get(1, as: String.self) ?? "")
            }
            try db.execute("SET default_transaction_read_only = on")
        }
    }

    /// The first role the session's login role can act as (`SET ROLE`) that no read-only
    /// transaction contains: a superuser, a role with REPLICATION (slots outlive transactions),
    /// or one of the server's roles for files, programs and signalling other sessions. The
    /// login role itself comes first.
    static let privilegedRoleSQL = """
        SELECT session_user::text, r.rolname::text FROM pg_roles r
        WHERE (r.rolsuper OR r.rolreplication OR r.rolname IN ('pg_read_server_files', 'pg_write_server_files',
               'pg_execute_server_program', 'pg_signal_backend', 'pg_signal_autovacuum_worker'))
          AND pg_has_role(session_user, r.oid, 'MEMBER')
        ORDER BY r.rolname = session_user DESC, r.rolsuper DESC, r.rolname
        LIMIT 1
        """

    public var totalChanges: Int { changes }

    public var interrupter: any Interrupter { canceller }

    public var connection: any DatabaseConnection { db }

    public func isComplete(_ sql: String) -> Bool { PostgresScript.isComplete(sql) }

    public func statementCount(in script: String) -> Int { PostgresScript.statements(in: script).count }

    public func forEachUserStatement(in script: String, _ body: (PostgresStatement, Int) throws -> Void) throws {
        // The SELECT takes the transaction's snapshot: from then on the server refuses any
        // switch to read-write (SET TRANSACTION READ WRITE, set_config('transaction_read_only')).
        if !allowsWrites && db.isAutocommit { try db.handle.run("BEGIN READ ONLY; SELECT 1") }
        for piece in PostgresScript.statements(in: script) {
            if !allowsWrites, let action = PostgresReadOnlyGate.refusal(for: piece.text) {
                throw PostgresGateRefusal(action: action, sql: piece.text, offset: piece.offset)
            }
            let statement = try PostgresStatement(connection: db, sql: piece.text, offset: piece.offset, once: true)
            // Rows one at a time: a result of any size streams to the output within the limit.
            statement.streams = true
            statement.maxRowBytes = limits.maxValueBytes
            try body(statement, piece.offset)
            changes += db.changes
            // The script runs inside catalog's transaction; a statement that ended it (COMMIT,
            // ROLLBACK) would let the next ones run outside it, read-only or not. Stop there.
            if db.isAutocommit {
                throw PostgresError(
                    sqlState: "25006", message: "the statement ended catalog's transaction", sql: statement.sql)
            }
        }
    }

    public func withDeadline<T>(
        _ deadline: ContinuousClock.Instant?, hardStop: Watchdog.HardStop?, _ body: () throws -> T
    ) throws -> T {
        guard let deadline else { return try body() }
        let left = ContinuousClock().now.duration(to: deadline)
        // Rounded up: the server's timer must not run out before `deadline`, or its cancel would
        // read as an interruption (Ctrl-C) instead of the time limit (seen once, with tests in parallel).
        let milliseconds = max(
            Int(left.components.seconds) * 1000
                + Int((left.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000), 1)
        try db.handle.run("SET statement_timeout = \(milliseconds)")
        defer {
            // A failed transaction refuses even SET; it can only roll back (which the caller
            // would do next), and the timeout must not outlive this script.
            if db.isInFailedTransaction { db.rollbackQuietly() }
            _ = try? db.handle.run("SET statement_timeout = 0")
        }
        let watchdog = Watchdog(deadline: deadline, interrupter: interrupter, hardStop: hardStop)
        defer { watchdog.cancel() }
        return try body()
    }

    /// A change refused by the read-only transaction: what the statement would have done, in
    /// its own first words.
    public func refusal(for error: any DatabaseError) -> String? {
        if let error = error as? PostgresGateRefusal { return error.action }
        guard let error = error as? PostgresError, error.sqlState == "25006", let sql = error.sql else { return nil }
        return SQLText.leadingWords(sql, count: 3).joined(separator: " ")
    }
}

/// A session `catalog sql` will not open: read-only as a role it cannot keep read-only, or
/// writing to a standby.
public struct PostgresSessionRefusal: DatabaseError {
    public var kind: DatabaseErrorKind
    public var message: String
    public var backendCode: String { "catalog" }
    public var sql: String? { nil }
    public var offset: Int? { nil }
    public var description: String { message }

    static func privilegedRole(user: String, role: String) -> PostgresSessionRefusal {
        let who =
            user == role
            ? "\(quoteIdentifier(user)), a superuser or replication role"
            : "\(quoteIdentifier(user)), which can act as \(quoteIdentifier(role))"
        return PostgresSessionRefusal(
            kind: .notAuthorized,
            message: "catalog sql without --write cannot stay read-only as \(who): its SQL could reach server files, "
                + "programs or other sessions, past any read-only transaction. Connect as a reader instead "
                + "(catalog setup --reader NAME creates one; then put NAME as the user in the URL), or add --write "
                + "to run the SQL as \(quoteIdentifier(user)) in one transaction")
    }

    static func standby(_ location: String) -> PostgresSessionRefusal {
        PostgresSessionRefusal(
            kind: .readOnly,
            message: "\(location) is a read-only standby (the server is in recovery); nothing was changed: run "
                + "catalog sql --write against the primary")
    }
}

/// A statement the read-only gate did not send (`PostgresReadOnlyGate`): `action` names it.
struct PostgresGateRefusal: DatabaseError {
    var action: String
    var sql: String?
    var offset: Int?
    var kind: DatabaseErrorKind { .readOnly }
    var backendCode: String { "catalog" }
    var message: String { "catalog sql without --write does not run \(action)" }
    var description: String { message }
}

/// Cancels the statement running on a connection (`PQcancel`), from any thread.
final class PostgresCanceller: Interrupter, @unchecked Sendable {
    private let cancel: OpaquePointer?

    init(handle: PostgresHandle) {
        cancel = pq.PQgetCancel(handle.conn)
    }

    deinit {
        if let cancel { pq.PQfreeCancel(cancel) }
    }

    func interrupt() {
        guard let cancel else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = pq.PQcancel(cancel, &buffer, Int32(buffer.count))
    }
}
