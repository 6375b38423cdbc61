#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file compiled into the binary: its name and its text.
///
/// `catalog` carries the project's own `Migrations/` and `Seeds/` this way (generated Swift source,
/// see `Plugins/EmbedCatalogFiles`), so that a copied binary answers questions with no folder
/// beside it.
public struct BuiltInFile: Sendable, Hashable {
    /// The file name, without a folder (`20241124120000_create_languages.sql`).
    public var name: String
    /// The file's bytes, exactly as they were on disk.
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    public init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }
}

/// Where a set of catalog files comes from: a folder on disk, or files built into the binary.
///
/// Migrations and seeds are read through it, so that both work the same from either place;
/// built-in files are shown as `builtin:<label>/<name>` in messages.
public enum FileSource: Sendable, Hashable {
    /// The files of a folder.
    case directory(String)
    /// Files compiled into the binary; `label` names the set in messages (`Migrations`).
    case builtIn(label: String, files: [BuiltInFile])

    /// True for files compiled into the binary.
    public var isBuiltIn: Bool {
        if case .builtIn = self { return true }
        return false
    }

    /// The folder on disk, for a directory source.
    public var directory: String? {
        if case .directory(let path) = self { return path }
        return nil
    }

    /// How messages name the set: the folder, or `built-in <label>`.
    public var displayName: String {
        switch self {
        case .directory(let path): return path
        case .builtIn(let label, _): return "built-in \(label)"
        }
    }

    /// True when the folder exists (always true for built-in files).
    public var exists: Bool {
        switch self {
        case .directory(let path): return FileSystem.isDirectory(path)
        case .builtIn: return true
        }
    }

    /// The names of the files, unsorted, hidden files included (callers filter).
    public func fileNames() throws -> [String] {
        switch self {
        case .directory(let path): return try FileSystem.contentsOfDirectory(path)
        case .builtIn(_, let files): return files.map(\.name)
        }
    }

    /// The path messages give for the file `name` of this set.
    public func path(of name: String) -> String {
        switch self {
        case .directory(let path): return FileSystem.join(path, name)
        case .builtIn(let label, _): return "builtin:\(label)/\(name)"
        }
    }

    /// The bytes of the file `name`.
    public func read(_ name: String) throws -> [UInt8] {
        switch self {
        case .directory(let path):
            return try FileSystem.readFile(FileSystem.join(path, name))
        case .builtIn(_, let files):
            guard let file = files.first(where: { $0.name == name }) else {
                throw FileSystem.Failure(path: path(of: name), operation: "read", errno: ENOENT)
            }
            return file.bytes
        }
    }
}
