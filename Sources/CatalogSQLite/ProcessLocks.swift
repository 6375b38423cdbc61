#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which process holds a lock on a file, from the kernel's table of locks (`/proc/locks` on
/// Linux), for messages about a lock that was not released in time. Where there is no such
/// table, or no entry matches, the answer is nil and the message says the holder is unknown:
/// a holder is never guessed.
enum ProcessLocks {
    /// SQLite's WAL write lock: byte 120 of the `-shm` file (`UNIX_SHM_BASE`, lock slot 0).
    static let walWriteLockByte: Int64 = 120

    /// The other process holding SQLite's write lock on the database at `path`: the WAL write
    /// lock on its `-shm` file, or (rollback journal, checkpoint on close) a write lock on the file
    /// itself. Nil for this process: SQLite's locks are per process, so the kernel cannot tell
    /// which of its connections holds one.
    static func sqliteWriter(of path: String) -> LockHolder? {
        let real = FileWriteLock.resolve(path)
        let holder =
            holder(of: real + "-shm", kind: "POSIX", byte: walWriteLockByte)
            ?? holder(of: real, kind: "POSIX", byte: nil)
        return holder?.pid == getpid() ? nil : holder
    }

    /// The process holding a write lock of `kind` (`FLOCK`, `POSIX`) on the file at `path`,
    /// covering `byte` when one is given, with its command line when that is readable.
    static func holder(of path: String, kind: String, byte: Int64?) -> LockHolder? {
        var info = stat()
        guard stat(path, &info) == 0, let table = readSmallFile("/proc/locks", limit: 1 << 20) else { return nil }
        // dev_t as glibc's gnu_dev_major and gnu_dev_minor split it.
        let device = (
            major: (info.st_dev >> 8) & 0xfff | (info.st_dev >> 32) & ~0xfff,
            minor: info.st_dev & 0xff | (info.st_dev >> 12) & ~0xff
        )
        var sameInode: [Int32] = []
        for line in String(decoding: table, as: UTF8.self).split(separator: "\n") {
            // "1: POSIX  ADVISORY  WRITE 4242 fe:00:16433933 120 120" (device in hex, inode in
            // decimal); a waiter has "->" in field 1 and holds nothing.
            let fields = line.split(separator: " ")
            guard fields.count >= 8, fields[1] == kind, fields[3] == "WRITE",
                let pid = Int32(fields[4]), pid > 0
            else { continue }
            let id = fields[5].split(separator: ":")
            guard id.count == 3, let inode = UInt64(id[2]), inode == UInt64(info.st_ino) else { continue }
            if let byte {
                guard let start = Int64(fields[6]), start <= byte else { continue }
                if fields[7] != "EOF" {
                    guard let end = Int64(fields[7]), byte <= end else { continue }
                }
            }
            if UInt64(id[0], radix: 16) == UInt64(device.major) && UInt64(id[1], radix: 16) == UInt64(device.minor) {
                return LockHolder(pid: pid, command: commandLine(of: pid))
            }
            sameInode.append(pid)
        }
        // Some file systems (overlayfs) report another device in /proc/locks than stat() does:
        // the inode alone matches then, and is believed only for a process that has the file open.
        let real = FileWriteLock.resolve(path)
        for pid in sameInode where hasOpen(real, pid: pid) {
            return LockHolder(pid: pid, command: commandLine(of: pid))
        }
        return nil
    }

    /// The command line of process `pid`, its arguments joined by spaces with the program's
    /// folder left out, at most 200 characters; nil when it cannot be read.
    static func commandLine(of pid: Int32) -> String? {
        guard let bytes = readSmallFile("/proc/\(pid)/cmdline", limit: 64 << 10), !bytes.isEmpty else { return nil }
        let arguments = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        return shownCommand(arguments.last == "" ? Array(arguments.dropLast()) : arguments)
    }

    /// `arguments` as one line for a message: the program without its folder, line breaks as
    /// spaces, cut at 200 characters.
    static func shownCommand(_ arguments: [String]) -> String {
        var parts = arguments
        if let program = parts.first, let slash = program.lastIndex(of: "/") {
            parts[0] = String(program[program.index(after: slash)...])
        }
        let line = parts.joined(separator: " ").map { $0 == "\n" || $0 == "\r" ? " " : $0 }
        return line.count > 200 ? String(line.prefix(197)) + "..." : String(line)
    }

    /// True when process `pid` has the file `path` open (any of its descriptors links to it).
    private static func hasOpen(_ path: String, pid: Int32) -> Bool {
        guard let directory = opendir("/proc/\(pid)/fd") else { return false }
        defer { closedir(directory) }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            let count = readlink("/proc/\(pid)/fd/\(name)", &buffer, buffer.count - 1)
            guard count > 0 else { continue }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if target == path { return true }
        }
        return false
    }

    /// The bytes of a small file (a `/proc` file reports size 0, so it is read to its end).
    static func readSmallFile(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }
}
