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
///
/// The holder writes who it is into the file (`pid`, `since`, `command` lines) and empties it
/// before it lets go, so that a process that gives up waiting can name it. A record left by a
/// killed holder is believed only while its process lives (and, where `/proc/locks` tells,
/// holds the lock).
public final class FileWriteLock: WriteLock {
    private let fd: Int32
    /// The lock file.
    public let path: String

    /// Waits up to `timeout` seconds for the lock on `databasePath`; when another process holds
    /// it, `waiting` is told who (its record, or the kernel's lock table) before the wait.
    public init(databasePath: String, timeout: Double, waiting: (LockHolder?) -> Void = { _ in }) throws {
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
        var told = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let error = errno
            guard error == EWOULDBLOCK || error == EINTR else {
                close(fd)
                throw WriteLockError.failed("cannot lock \(path): \(Self.reason(error))")
            }
            guard clock.now < deadline else {
                let holder = Self.holder(of: path, fd: fd)
                close(fd)
                throw WriteLockError.timedOut(seconds: timeout, holder: holder)
            }
            if !told {
                told = true
                waiting(Self.holder(of: path, fd: fd))
            }
            usleep(useconds_t(pause * 1000))
            pause = min(pause * 2, 50)
        }
        Self.record(in: fd)
    }

    // MARK: - Who holds it

    /// Writes this process into the lock file: best effort, a lock that cannot say who holds it
    /// still locks.
    private static func record(in fd: Int32) {
        let command = ProcessLocks.shownCommand(CommandLine.arguments)
        let text = "pid \(getpid())\nsince \(utcNow())\ncommand \(command)\n"
        guard ftruncate(fd, 0) == 0 else { return }
        _ = text.utf8CString.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count - 1, 0) }
    }

    /// The process that holds the lock on `path` (opened as `fd`): its own record when the kernel
    /// agrees or cannot tell and the process lives, else what the kernel's lock table says.
    static func holder(of path: String, fd: Int32) -> LockHolder? {
        let kernel = ProcessLocks.holder(of: path, kind: "FLOCK", byte: nil)
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        if count > 0, let recorded = parseRecord(String(decoding: bytes[0..<count], as: UTF8.self)) {
            let alive = kill(recorded.pid, 0) == 0 || errno == EPERM
            if kernel.map({ $0.pid == recorded.pid }) ?? alive { return recorded }
        }
        return kernel
    }

    /// The holder described by a lock file's text (`pid`, `since`, `command` lines).
    static func parseRecord(_ text: String) -> LockHolder? {
        var fields: [Substring: String] = [:]
        for line in text.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            fields[line[..<space]] = String(line[line.index(after: space)...])
        }
        guard let pid = fields["pid"].flatMap({ Int32($0) }), pid > 0 else { return nil }
        return LockHolder(pid: pid, command: fields["command"], since: fields["since"])
    }

    /// The current time, UTC, as `2026-11-29T21:30:05Z`.
    private static func utcNow() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):"
            + "\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
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
        // Empty the record first, while the lock is still ours.
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
