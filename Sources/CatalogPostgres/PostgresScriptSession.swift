import CLibPQ
import CatalogDatabase

/// PostgreSQL's side of `catalog sql` (issue 14, first part; the hardening against a superuser
/// is part 2): without `write`, the session's transactions are read-only
/// (`default_transaction_read_only`) and the script runs inside `BEGIN READ ONLY`, so the server
/// refuses any change with SQLSTATE 25006; with `write`, the script runs in one transaction.
/// The time limit is the server's `statement_timeout` plus a `Watchdog` that cancels the running
/// statement (`PQcancel`), which also serves Ctrl-C.
public final class PostgresScriptSession: ScriptSession {
    public let db: PostgresConnection
    public let allowsWrites: Bool
    /// `maxValueBytes` and `maxMemoryBytes` have no PostgreSQL setting of their own yet: the
    /// server bounds its own memory (`work_mem`), and values are read whole.
    public let limits: ScriptLimits
    private var changes = 0
    private let canceller: PostgresCanceller

    public init(url: String, write: Bool, limits: ScriptLimits = .default) throws {
        db = try PostgresConnection(url: url)
        allowsWrites = write
        self.limits = limits
        canceller = PostgresCanceller(handle: db.handle)
        if !write { try db.execute("SET default_transaction_read_only = on") }
    }

    public var totalChanges: Int { changes }

    public var interrupter: any Interrupter { canceller }

    public var connection: any DatabaseConnection { db }

    public func isComplete(_ sql: String) -> Bool { PostgresScript.isComplete(sql) }

    public func forEachUserStatement(in script: String, _ body: (PostgresStatement, Int) throws -> Void) throws {
        if !allowsWrites && db.isAutocommit { try db.handle.run("BEGIN READ ONLY") }
        try db.forEachStatement(in: script) { statement, offset in
            try body(statement, offset)
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
        let milliseconds = max(
            Int(left.components.seconds) * 1000 + Int(left.components.attoseconds / 1_000_000_000_000_000), 1)
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
        guard let error = error as? PostgresError, error.sqlState == "25006", let sql = error.sql else { return nil }
        return SQLText.leadingWords(sql, count: 3).joined(separator: " ")
    }
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
