import CatalogKit

#if canImport(Glibc)
    import Glibc
#endif

/// What needs the seed files, in `catalog`: it has no seed loader (YAML needs Yams, and Yams
/// Foundation, which would cost every command about a millisecond to load), so it replaces itself,
/// same arguments, with catalog-seed: these commands built with the loader
/// (Sources/catalog-seed/SeedBackend.swift).
enum SeedBackend {
    static func seed(_ command: Seed) throws { try requireSeedLoader() }

    static func setup(_ command: Setup) throws { try requireSeedLoader() }

    static func seed(database: DatabaseOptions, seedOptions: SeedDirectoryOptions, output: OutputOptions) throws {
        try requireSeedLoader()
    }

    /// Opens the catalog read-only; creating it (and the error for pending migrations) is
    /// catalog-seed's.
    static func openForReading(_ options: ReadingOptions) throws -> Connection {
        let path = options.database.databasePath
        if !FileSystem.exists(path) { try requireSeedLoader() }
        let db: Connection
        do {
            db = try Connection.openReadOnly(
                path: path, busyTimeout: Migrator.milliseconds(options.database.lockTimeout))
        } catch let error as SQLiteError {
            throw MigrationError.database(path: path, message: error.description)
        }
        if try !options.database.makeMigrator().pendingVersions(in: db).isEmpty { try requireSeedLoader() }
        return db
    }

    static func message(for error: Error) -> String? { nil }

    /// Runs catalog-seed with this process's arguments: installed next to catalog as
    /// catalog-seed, built by SwiftPM next to it as catalog-seed-tool.
    static func requireSeedLoader() throws -> Never {
        let directory = executableDirectory()
        fflush(nil)
        var argv = CommandLine.arguments.map { strdup($0) } + [nil]
        for name in ["catalog-seed", "catalog-seed-tool"] { execv(directory + "/" + name, &argv) }
        throw CommandFailure(
            "cannot run \(directory)/catalog-seed, which loads seeds: \(String(cString: strerror(errno)))")
    }

    private static func executableDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path =
            count > 0
            ? String(decoding: buffer.prefix(count).map(UInt8.init), as: UTF8.self) : CommandLine.arguments[0]
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}
