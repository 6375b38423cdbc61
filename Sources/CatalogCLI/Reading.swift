import CatalogKit
import CatalogSeeds

/// Opening the catalog for commands that only read it.
enum CatalogReader {
    /// Opens the catalog read-only. A missing database at the default place (the project's or the
    /// per-user one) is created from the migrations and seeds, with one line on stderr; a missing
    /// one named by `--database` or CATALOG_DATABASE is an error naming `catalog setup`, so a typo
    /// never leaves an empty catalog behind.
    static func open(_ options: ReadingOptions) throws -> any DatabaseConnection {
        let location = try options.database.locate(seeds: options.seedOptions.seeds)
        let path = location.databasePath
        if DatabaseBackend.isPostgres(path) { return try openServer(location, options) }
        if !DatabaseBackend.driver(for: path).databaseExists() {
            try missing(location, options)
            try location.prepareDatabaseFolder()
        }
        let setup = CatalogSetup(
            databasePath: path, migrations: location.migrations, seeds: location.seeds,
            lockTimeout: options.database.lockTimeout)
        return try setup.openForReading { note in Terminal.writeError(note) }
    }

    /// A PostgreSQL database, opened with one connection: a missing one is the server's refusal
    /// to connect, not a connection of its own asking first (which cost one more connection,
    /// about a millisecond, per command). Then, as `CatalogSetup.openForReading` does: the
    /// same messages for a failure to connect and for pending migrations. A server database is
    /// never created by a reader, so there is nothing to set up.
    private static func openServer(_ location: CatalogLocation, _ options: ReadingOptions) throws
        -> any DatabaseConnection
    {
        let db: any DatabaseConnection
        do {
            let timeout = Timeout.milliseconds(options.database.lockTimeout)
            guard
                let opened = try DatabaseBackend.openExisting(
                    forReading: location.databasePath, busyTimeoutMilliseconds: timeout)
            else {
                try missing(location, options)
                throw SeedSetupError.databaseMissing(location.databaseName)
            }
            db = opened
        } catch let error as DatabaseAccessError {
            throw error
        } catch let error as any DatabaseError {
            throw SeedSetupError.database(path: location.databaseName, message: error.description)
        }
        let pending = try DatabaseBackend.pendingVersions(of: location.migrations, in: db).count
        if pending > 0 { throw SeedSetupError.pendingMigrations(database: location.databaseName, count: pending) }
        return db
    }

    /// Refuses a missing database named by `--database` or an environment variable, naming
    /// `catalog setup`; returns for one at a default place, which a reader creates.
    private static func missing(_ location: CatalogLocation, _ options: ReadingOptions) throws {
        switch location.databaseOrigin {
        case .option:
            let given = options.database.database ?? location.databasePath
            let named = DatabaseBackend.displayName(of: given)
            // A URL whose password is hidden cannot be repeated in the suggestion.
            let argument = named == given ? shellQuoted(named) : "URL"
            throw CommandFailure(
                "no catalog database at \(named); to create one there, run: catalog setup --database \(argument)")
        case .environment(let variable):
            throw CommandFailure(
                "no catalog database at \(location.databaseName) (from \(variable)); to create one there, run: catalog setup"
            )
        case .project, .userDefault:
            return
        }
    }

    /// Runs `answer`; when it is empty, or names something the catalog does not hold, and the
    /// catalog has no frameworks at all, the real problem is an unseeded catalog: say so.
    static func explainingEmpty<T: Collection>(_ query: CatalogQuery, _ answer: () throws -> T) throws -> T {
        let result: T
        do {
            result = try answer()
        } catch let error as CatalogQuery.UnknownName {
            if try query.isEmpty() { throw emptyCatalog }
            throw error
        }
        if result.isEmpty, try query.isEmpty() { throw emptyCatalog }
        return result
    }

    private static var emptyCatalog: CommandFailure {
        CommandFailure("the catalog has no data yet (its schema is migrated but nothing is seeded); run: catalog seed")
    }
}
