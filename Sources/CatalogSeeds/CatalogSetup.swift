import CatalogKit

/// The catalog's files and database together: seed them, set them up, open them for reading.
public struct CatalogSetup {
    public var databasePath: String
    /// The migration files: a folder or the built-in migrations.
    public var migrations: FileSource
    /// The seed files: a folder or the built-in seeds.
    public var seeds: FileSource
    /// Seconds to wait for another process's write lock.
    public var lockTimeout: Double

    public init(databasePath: String, migrations: FileSource, seeds: FileSource, lockTimeout: Double = 30) {
        self.databasePath = databasePath
        self.migrations = migrations
        self.seeds = seeds
        self.lockTimeout = lockTimeout
    }

    public init(databasePath: String, migrationsDirectory: String, seedsDirectory: String, lockTimeout: Double = 30) {
        self.init(
            databasePath: databasePath, migrations: .directory(migrationsDirectory), seeds: .directory(seedsDirectory),
            lockTimeout: lockTimeout)
    }

    /// The backend's driver for the database.
    var driver: any MigrationDriver { DatabaseBackend.driver(for: databasePath) }

    /// The database as messages show it (a PostgreSQL URL without its password).
    var databaseName: String { DatabaseBackend.displayName(of: databasePath) }

    var migrator: Migrator {
        Migrator(driver: driver, migrations: migrations, lockTimeout: lockTimeout)
    }

    /// Loads `files` (default: every seed file of `seeds`) into the database, in one
    /// transaction under the write lock. Refuses a missing database and pending migrations.
    public func seed(files: [String]? = nil, options: Seeder.Options = .init(), progress: Seeder.Progress? = nil)
        throws -> SeedSummary
    {
        let seeder = try files.map(Seeder.init(files:)) ?? Seeder(source: seeds)
        let driver = self.driver
        guard driver.databaseExists() else { throw SeedSetupError.databaseMissing(databaseName) }
        let pending = try migrator.status().filter { $0.state == .pending }.count
        if pending > 0 { throw SeedSetupError.pendingMigrations(database: databaseName, count: pending) }
        if options.dryRun {
            let db = try open(forWriting: false)
            return try seeder.seed(db, options: options, progress: progress)
        }
        let lock = try driver.takeWriteLock(timeout: lockTimeout, waiting: { progress?(.waitingForLock($0)) })
        defer { withExtendedLifetime(lock) {} }
        let db = try open(forWriting: true)
        // SQLite's own lock, which another program may hold: the same waiting line.
        if let progress { db.observeLockWaits { progress(.waitingForLock($0)) } }
        defer { db.observeLockWaits(nil) }
        do {
            return try seeder.seed(db, options: options, progress: progress)
        } catch let error as any DatabaseError {
            if error.lockWaitMilliseconds != nil { throw SeedSetupError.busy(message: error.description) }
            throw SeedSetupError.writeFailed(database: databaseName, message: error.description)
        }
    }

    /// `migrate` then `seed` (Rails' `db:setup`).
    public func setup(onEvent: (Migrator.Event) -> Void = { _ in }, progress: Seeder.Progress? = nil) throws -> (
        migrated: Migrator.Report, seeded: SeedSummary
    ) {
        let migrated = try migrator.migrate(onEvent: onEvent)
        return (migrated, try seed(progress: progress))
    }

    /// Opens the catalog for a command that reads it. When the database file does not exist yet,
    /// it is created from the migrations and seeds first, and `note` is told so in one line; when
    /// migrations are pending, this fails naming the command to run.
    public func openForReading(note: (String) -> Void) throws -> any DatabaseConnection {
        if !driver.databaseExists() {
            let (migrated, seeded): (Migrator.Report, SeedSummary)
            do {
                (migrated, seeded) = try setup()
            } catch {
                // Half a setup must not pass for a catalog next time: remove what was created. (A
                // PostgreSQL database is never created here: a missing one is an error, and each
                // migration and the seed commit whole or not at all.)
                if !DatabaseBackend.isPostgres(databasePath) {
                    for suffix in ["", "-wal", "-shm", "-journal"] { FileSystem.remove(databasePath + suffix) }
                }
                throw error
            }
            let rows = seeded.tables.reduce(0) { $0 + $1.inserted }
            note(
                "catalog: created \(databaseName) from \(Self.describe(migrations)) (\(migrated.migrations.count) migrations) "
                    + "and \(Self.describe(seeds)) (\(rows) rows)")
        }
        let db = try open(forWriting: false)
        let pending = try migrator.pendingVersions(in: db).count
        if pending > 0 { throw SeedSetupError.pendingMigrations(database: databaseName, count: pending) }
        return db
    }

    /// `Migrations/` for a folder, `the built-in Migrations` for files in the binary.
    static func describe(_ source: FileSource) -> String {
        source.isBuiltIn ? "the \(source.displayName)" : source.displayName + "/"
    }

    private func open(forWriting: Bool) throws -> any DatabaseConnection {
        let timeout = Timeout.milliseconds(lockTimeout)
        do {
            if !forWriting { return try driver.openForReading(busyTimeoutMilliseconds: timeout) }
            return try driver.openForWriting(creating: false, busyTimeoutMilliseconds: timeout, verify: { _ in })
        } catch let error as DatabaseAccessError {
            throw error  // it names the database and what to do itself
        } catch let error as any DatabaseError {
            throw SeedSetupError.database(path: databaseName, message: error.description)
        }
    }
}
