#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file operations catalog needs, on the C library directly so that the binary does
/// not load Foundation (which costs several milliseconds at start-up).
public enum FileSystem {
    /// An error from the operating system, with the path it concerns.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var operation: String
        public var errno: Int32

        public var reason: String { String(cString: strerror(errno)) }
        public var description: String { "cannot \(operation) \(path): \(reason.lowercased())" }
        /// True when the path exists already.
        public var alreadyExists: Bool { errno == EEXIST }
    }

    /// The whole content of the file at `path`.
    public static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, operation: "read", errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var info = stat()
        if fstat(fd, &info) == 0, info.st_size > 0 { bytes.reserveCapacity(Int(info.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, operation: "read", errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// Creates `path` with `contents`, failing when it exists already (never overwrites).
    public static func createFile(_ path: String, contents: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, operation: "create", errno: errno) }
        defer { close(fd) }
        var bytes = Array(contents.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, operation: "write", errno: errno)
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Writes `contents` to `path`, replacing the file atomically (a temporary file renamed over it).
    public static func replaceFile(_ path: String, contents: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        try createFile(temporary, contents: contents)
        if rename(temporary, path) != 0 {
            let error = errno
            unlink(temporary)
            throw Failure(path: path, operation: "write", errno: error)
        }
    }

    /// Removes the file at `path`, if there is one.
    public static func remove(_ path: String) {
        unlink(path)
    }

    /// The names in directory `path` (without `.` and `..`), unsorted.
    public static func contentsOfDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw Failure(path: path, operation: "list", errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// True when something exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// The size in bytes of the file at `path`, or nil when it cannot be read.
    public static func size(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// True when `path` is a directory.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates directory `path` (one level); succeeds when it exists already.
    public static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw Failure(path: path, operation: "create directory", errno: errno)
        }
    }

    /// Creates `path` and any missing parent folders (`mkdir -p`), each with mode 0700 when
    /// `private`, else 0755.
    public static func makeDirectories(_ path: String, private isPrivate: Bool = false) throws {
        if isDirectory(path) { return }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]), private: isPrivate)
        }
        if mkdir(path, isPrivate ? 0o700 : 0o755) != 0 && errno != EEXIST {
            throw Failure(path: path, operation: "create directory", errno: errno)
        }
    }

    /// `path` joined to `name` with one slash.
    public static func join(_ path: String, _ name: String) -> String {
        if path.isEmpty { return name }
        return path.hasSuffix("/") ? path + name : path + "/" + name
    }

    /// The directory part of `path` (`.` when there is none).
    public static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
