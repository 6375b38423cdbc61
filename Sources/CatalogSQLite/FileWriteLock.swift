#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SQLite's write lock: an exclusive, cross-process advisory `flock` on `<database>-lock`, held
/// by every command that changes a database's schema, ledger or seeded data.
///
/// SQLite's own locks cover one transaction; a migration run is many transactions and must not
/// interleave with another run. `flock` is released by the kernel when the process dies, so a
/// crash never leaves a stale lock to clear by hand. A separate file is used because SQLite's
/// POSIX locks on the database file are dropped by any `close()` of that file in the process.
public final class FileWriteLock: WriteLock {
    private let fd: Int32
    /// The lock file.
    public let path: String

    /// Waits up to `timeout` seconds for the lock on `databasePath`.
    public init(databasePath: String, timeout: Double) throws {
        // Name the lock after the real file, as SQLite names its -wal and -shm files, so that a
        // symbolic link to the database and the database itself share one lock.
        path = Self.resolve(databasePath) + "-lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw WriteLockError.failed("cannot create lock file \(path): \(Self.reason(errno))")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Timeout.milliseconds(timeout)))
        var pause = 2  // milliseconds, doubled up to 50
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let error = errno
            guard error == EWOULDBLOCK || error == EINTR else {
                close(fd)
                throw WriteLockError.failed("cannot lock \(path): \(Self.reason(error))")
            }
            guard clock.now < deadline else {
                close(fd)
                throw WriteLockError.timedOut(seconds: timeout)
            }
            usleep(useconds_t(pause * 1000))
            pause = min(pause * 2, 50)
        }
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }

    /// `path` with symbolic links resolved; for a file that does not exist yet, its directory's.
    static func resolve(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        // A link to a database that does not exist yet: follow it by hand, as SQLite does.
        var path = path
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        for _ in 0..<40 {
            let count = readlink(path, &buffer, buffer.count - 1)
            guard count > 0 else { break }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            path = target.hasPrefix("/") ? target : Self.join(Self.directoryName(path), target)
        }
        let directory = Self.directoryName(path)
        guard let real = realpath(directory, nil) else { return path }
        defer { free(real) }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return Self.join(String(cString: real), name)
    }

    private static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
