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

    var migrator: Migrator {
        Migrator(databasePath: databasePath, migrations: migrations, lockTimeout: lockTimeout)
    }

    /// Loads `files` (default: every seed file of `seeds`) into the database, in one
    /// transaction under the write lock. Refuses a missing database and pending migrations.
    public func seed(files: [String]? = nil, options: Seeder.Options = .init(), progress: Seeder.Progress? = nil)
        throws -> SeedSummary
    {
        let seeder = try files.map(Seeder.init(files:)) ?? Seeder(source: seeds)
        guard FileSystem.exists(databasePath) else { throw SeedSetupError.databaseMissing(databasePath) }
        let pending = try migrator.status().filter { $0.state == .pending }.count
        if pending > 0 { throw SeedSetupError.pendingMigrations(database: databasePath, count: pending) }
        if options.dryRun {
            let db = try open(.readOnly)
            return try seeder.seed(db, options: options, progress: progress)
        }
        let lock = try MigrationLock(databasePath: databasePath, timeout: lockTimeout)
        defer { withExtendedLifetime(lock) {} }
        let db = try open(.readWrite)
        do {
            return try seeder.seed(db, options: options, progress: progress)
        } catch let error as SQLiteError {
            throw SeedSetupError.writeFailed(database: databasePath, message: error.description)
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
    public func openForReading(note: (String) -> Void) throws -> Connection {
        if !FileSystem.exists(databasePath) {
            let (migrated, seeded): (Migrator.Report, SeedSummary)
            do {
                (migrated, seeded) = try setup()
            } catch {
                // Half a setup must not pass for a catalog next time: remove what was created.
                for suffix in ["", "-wal", "-shm", "-journal"] { FileSystem.remove(databasePath + suffix) }
                throw error
            }
            let rows = seeded.tables.reduce(0) { $0 + $1.inserted }
            note(
                "catalog: created \(databasePath) from \(Self.describe(migrations)) (\(migrated.migrations.count) migrations) "
                    + "and \(Self.describe(seeds)) (\(rows) rows)")
        }
        let db = try open(.readOnly)
        let pending = try migrator.pendingVersions(in: db).count
        if pending > 0 { throw SeedSetupError.pendingMigrations(database: databasePath, count: pending) }
        return db
    }

    /// `Migrations/` for a folder, `the built-in Migrations` for files in the binary.
    static func describe(_ source: FileSource) -> String {
        source.isBuiltIn ? "the \(source.displayName)" : source.displayName + "/"
    }

    private func open(_ mode: Connection.Mode) throws -> Connection {
        let timeout = Migrator.milliseconds(lockTimeout)
        do {
            if mode == .readOnly { return try Connection.openReadOnly(path: databasePath, busyTimeout: timeout) }
            return try Connection(path: databasePath, mode: mode, busyTimeout: timeout)
        } catch let error as SQLiteError {
            throw MigrationError.database(path: databasePath, message: error.description)
        }
    }
}
