#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive, cross-process lock that serialises every command that changes a database's
/// schema or ledger: an advisory `flock` on `<database>-lock`.
///
/// SQLite's own locks cover one transaction; a migration run is many transactions and must not
/// interleave with another run. `flock` is released by the kernel when the process dies, so a
/// crash never leaves a stale lock to clear by hand. A separate file is used because SQLite's
/// POSIX locks on the database file are dropped by any `close()` of that file in the process.
final class MigrationLock {
    private let fd: Int32
    let path: String

    /// Waits up to `timeout` seconds for the lock on `databasePath`.
    init(databasePath: String, timeout: Double) throws {
        path = databasePath + "-lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let failure = FileSystem.Failure(path: path, operation: "create lock file", errno: errno)
            throw MigrationError.database(path: databasePath, message: failure.description)
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int(timeout * 1000)))
        var pause = 2  // milliseconds, doubled up to 50
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let error = errno
            guard error == EWOULDBLOCK || error == EINTR else {
                close(fd)
                let failure = FileSystem.Failure(path: path, operation: "lock", errno: error)
                throw MigrationError.database(path: databasePath, message: failure.description)
            }
            guard clock.now < deadline else {
                close(fd)
                throw MigrationError.lockTimeout(path: databasePath, seconds: timeout)
            }
            usleep(useconds_t(pause * 1000))
            pause = min(pause * 2, 50)
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
