import CSQLite

extension Connection {
    /// Sets how long, in milliseconds, to wait for another connection's lock.
    ///
    /// The wait is catalog's own busy handler, sleeping as `sqlite3_busy_timeout` does (1, 2,
    /// 5 ... 100 ms), so that a `SQLITE_BUSY` after it says how long it waited and who held the
    /// lock (`SQLiteError.lockWait`); without it SQLite cannot tell a lock that was waited for
    /// from one it refused at once. `PRAGMA busy_timeout` therefore reads 0.
    /// See <https://sqlite.org/c3ref/busy_handler.html>.
    public func setBusyTimeout(_ milliseconds: Int) throws {
        busyWait.milliseconds = max(0, milliseconds)
        try check(
            sqlite3_busy_handler(
                handle,
                { context, attempt in
                    guard let context else { return 0 }
                    return Unmanaged<BusyWait>.fromOpaque(context).takeUnretainedValue().retry(attempt) ? 1 : 0
                }, Unmanaged.passUnretained(busyWait).toOpaque()))
    }
}

extension Connection {
    /// Reports a wait for SQLite's lock once it has lasted half a second, with the process that
    /// holds the lock when the kernel's lock table tells (`ProcessLocks.sqliteWriter`).
    public func observeLockWaits(_ observer: ((LockHolder?) -> Void)?) {
        busyWait.observer = observer
    }
}

/// A connection's busy timeout, and whether its last wait ran out.
final class BusyWait {
    /// The whole wait for one lock, in milliseconds.
    var milliseconds: Int
    /// The database, for messages.
    let database: String
    private var started = ContinuousClock.now
    private var gaveUp = false
    /// Told once per wait, after `reportAfter` (`Connection.observeLockWaits`).
    var observer: ((LockHolder?) -> Void)?
    private var reported = false
    private static let reportAfter: Int64 = 500
    /// SQLite's own pauses between attempts (`sqliteDefaultBusyCallback`), in milliseconds.
    private static let pauses: [Int32] = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100]

    init(milliseconds: Int, database: String) {
        self.milliseconds = milliseconds
        self.database = database
    }

    /// SQLite's question after the `attempt`-th failure to get a lock: try again (after a pause)?
    func retry(_ attempt: Int32) -> Bool {
        let now = ContinuousClock.now
        if attempt == 0 {
            started = now
            gaveUp = false
            reported = false
        }
        let elapsed = started.duration(to: now).components
        let waited = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
        let left = Int64(milliseconds) - waited
        guard left > 0 else {
            gaveUp = true
            return false
        }
        if let observer, !reported, waited >= Self.reportAfter {
            reported = true
            observer(ProcessLocks.sqliteWriter(of: database))
        }
        let pause = Self.pauses[min(Int(attempt), Self.pauses.count - 1)]
        sqlite3_sleep(Int32(min(Int64(pause), left)))
        return true
    }

    /// For a `SQLITE_BUSY` being reported: the wait that ran out before it, once; nil when SQLite
    /// gave up without waiting (`SQLITE_BUSY_SNAPSHOT`, a deadlock it detects).
    func takeExpiredWait() -> SQLiteError.LockWait? {
        guard gaveUp else { return nil }
        gaveUp = false
        return SQLiteError.LockWait(
            milliseconds: milliseconds, database: database, holder: ProcessLocks.sqliteWriter(of: database))
    }
}
