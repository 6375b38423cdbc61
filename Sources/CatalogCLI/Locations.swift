import CatalogBuiltIns
import CatalogKit

#if canImport(Glibc)
    import Glibc
#endif

/// Where this run's database, migrations and seeds are, and how each was chosen.
///
/// In order: an option (`--database`, `--migrations`, `--seeds`), its environment variable
/// (`CATALOG_DATABASE`, `CATALOG_MIGRATIONS`, `CATALOG_SEEDS`), the project folder (the nearest
/// folder, from the working directory up, holding a `Migrations/` folder that is empty or holds
/// `.sql` files: its `Migrations/`, `Seeds/` and `catalog.sqlite3`), and last the catalog built
/// into the binary with the database at `$XDG_DATA_HOME/catalog/catalog.sqlite3`.
struct CatalogLocation {
    /// How the database path was chosen.
    enum Origin: Equatable {
        case option
        case environment(String)
        case project
        case userDefault
    }

    var databasePath: String
    var databaseOrigin: Origin
    var migrations: FileSource
    var seeds: FileSource

    /// Where things are for `database`, `migrations` and `seeds` given as options (nil: not given).
    static func resolve(database: String?, migrations: String?, seeds: String?) throws -> CatalogLocation {
        let context = CLIContext.current
        let project = findProject()
        func inProject(_ name: String) -> String? {
            project.map { $0 == "." ? context.resolve(name) : FileSystem.join($0, name) }
        }
        let databasePath: String
        let origin: Origin
        if let database {
            (databasePath, origin) = (try address(database), .option)
        } else if let database = context.environment("CATALOG_DATABASE") {
            (databasePath, origin) = (try address(database), .environment("CATALOG_DATABASE"))
        } else if let url = context.environment("DATABASE_URL"), DatabaseBackend.isPostgres(url) {
            // dbmate's variable, for a PostgreSQL URL only: a Rails or Django app's sqlite3:
            // DATABASE_URL must not turn every catalog command toward that app's database.
            (databasePath, origin) = (url, .environment("DATABASE_URL"))
        } else if let path = inProject("catalog.sqlite3") {
            (databasePath, origin) = (path, .project)
        } else {
            (databasePath, origin) = (try userDatabasePath(), .userDefault)
        }
        // PostgreSQL has migrations of its own: the project's Migrations/postgresql/, or the
        // built-in ones.
        let postgres = DatabaseBackend.isPostgres(databasePath)
        // The built-in files are only touched when no folder is chosen (they cost a copy each).
        func source(_ option: String?, _ variable: String, _ folder: String, _ builtIn: () -> [BuiltInFile])
            -> FileSource
        {
            if let directory = option ?? context.environment(variable) { return .directory(context.resolve(directory)) }
            if let directory = inProject(folder) { return .directory(directory) }
            return .builtIn(label: folder, files: builtIn())
        }
        return CatalogLocation(
            databasePath: databasePath, databaseOrigin: origin,
            migrations: postgres
                ? source(migrations, "CATALOG_MIGRATIONS", "Migrations/postgresql") {
                    BuiltInCatalog.postgresMigrations
                }
                : source(migrations, "CATALOG_MIGRATIONS", "Migrations") { BuiltInCatalog.migrations },
            seeds: source(seeds, "CATALOG_SEEDS", "Seeds") { BuiltInCatalog.seeds })
    }

    /// The database `database` names: a SQLite file (a path or `sqlite:PATH`, resolved against
    /// the working directory) or a PostgreSQL URL as given. Another scheme is refused before
    /// anything is opened, since a URL read as a path would create a file named after it.
    static func address(_ database: String) throws -> String {
        switch try DatabaseAddress.parse(database) {
        case .sqlite(let path): return CLIContext.current.resolve(path)
        case .postgres(let url): return url
        }
    }

    /// The database as messages show it (a PostgreSQL URL without its password).
    var databaseName: String { DatabaseBackend.displayName(of: databasePath) }

    /// The nearest project folder: `.` when it is the working directory (so messages keep short
    /// relative paths), else an absolute path.
    static func findProject() -> String? {
        let context = CLIContext.current
        if isProject(context.resolve("Migrations")) { return "." }
        var folder = context.workingDirectory ?? currentDirectory()
        while let slash = folder.lastIndex(of: "/"), folder != "/" {
            folder = slash == folder.startIndex ? "/" : String(folder[..<slash])
            if isProject(FileSystem.join(folder, "Migrations")) { return folder }
        }
        return nil
    }

    /// A `Migrations` folder counts when it is empty (a new project) or holds `.sql` files, so
    /// another tool's `Migrations/` (Entity Framework's C# files) is not mistaken for ours.
    private static func isProject(_ migrations: String) -> Bool {
        guard FileSystem.isDirectory(migrations), let names = try? FileSystem.contentsOfDirectory(migrations) else {
            return false
        }
        let visible = names.filter { !$0.hasPrefix(".") }
        return visible.isEmpty || visible.contains { $0.hasSuffix(".sql") }
    }

    private static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map(UInt8.init), as: UTF8.self)
    }

    /// `$XDG_DATA_HOME/catalog/catalog.sqlite3`, else `~/.local/share/catalog/catalog.sqlite3`
    /// (the XDG Base Directory default; a relative XDG_DATA_HOME is ignored, as the spec says).
    /// HOME is not looked up in the password database: `getpwuid` in the static build would need
    /// glibc's NSS modules at run time.
    static func userDatabasePath() throws -> String {
        let context = CLIContext.current
        if let data = context.environment("XDG_DATA_HOME"), data.hasPrefix("/") {
            return FileSystem.join(data, "catalog/catalog.sqlite3")
        }
        guard let home = context.environment("HOME"), home.hasPrefix("/") else {
            throw CommandFailure(
                "cannot tell where the catalog lives: HOME is not set; pass --database PATH or set CATALOG_DATABASE")
        }
        return FileSystem.join(home, ".local/share/catalog/catalog.sqlite3")
    }

    /// Makes the folder of a default database (`~/.local/share/catalog`) before it is created.
    func prepareDatabaseFolder() throws {
        guard databaseOrigin == .userDefault, let slash = databasePath.lastIndex(of: "/") else { return }
        try FileSystem.makeDirectories(String(databasePath[..<slash]), private: true)
    }

    /// How messages name the migrations: `Migrations/` or `the built-in migrations`.
    var migrationsDescription: String { Self.describe(migrations) }

    static func describe(_ source: FileSource) -> String {
        switch source {
        case .directory(let path): return path.hasSuffix("/") ? path : path + "/"
        case .builtIn(let label, let files): return "built-in \(label.lowercased()) (\(files.count) files)"
        }
    }
}

/// `text` quoted for a POSIX shell when it needs to be, for commands that messages suggest.
func shellQuoted(_ text: String) -> String {
    let safe = text.unicodeScalars.allSatisfy { scalar in
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "/._-+:@%,=".unicodeScalars.contains(scalar)
    }
    if safe && !text.isEmpty { return text }
    return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
}
