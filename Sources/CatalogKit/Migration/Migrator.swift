import CatalogDatabase

#if canImport(Glibc)
    import Glibc
#endif

/// Applies and rolls back the migrations of one directory on one database, through the
/// backend's `MigrationDriver`: the runner spells no SQL of its own.
///
/// Every command that writes takes the driver's cross-process write lock first (waiting up to
/// `lockTimeout` seconds), then reads the ledger, so concurrent runs apply each migration once.
/// Read-only commands (`status`, dry runs) take no lock and never create the database file.
///
/// ```swift
/// let migrator = Migrator(databasePath: "catalog.sqlite3", migrationsDirectory: "Migrations")
/// let report = try migrator.migrate()
/// ```
public final class Migrator {
    /// Options for `migrate`.
    public struct MigrateOptions: Sendable {
        /// Apply only this many pending migrations.
        public var step: Int?
        /// Apply pending migrations up to and including this version.
        public var target: String?
        /// Apply pending migrations older than the newest applied one.
        public var allowOutOfOrder = false
        /// Run even though applied migrations' files are missing.
        public var ignoreMissing = false
        /// Report the SQL that would run, and change nothing.
        public var dryRun = false

        public init(
            step: Int? = nil, target: String? = nil, allowOutOfOrder: Bool = false, ignoreMissing: Bool = false,
            dryRun: Bool = false
        ) {
            self.step = step
            self.target = target
            self.allowOutOfOrder = allowOutOfOrder
            self.ignoreMissing = ignoreMissing
            self.dryRun = dryRun
        }
    }

    /// Which migrations `rollback` undoes.
    public enum RollbackTarget: Sendable, Equatable {
        /// The last batch (the default).
        case lastBatch
        /// The last `n` migrations, in reverse applied order.
        case steps(Int)
        /// Everything applied after `version` was (the version itself stays).
        case after(version: String)
        /// Everything.
        case all
    }

    /// Something that happened during a run, reported as it happens.
    public enum Event: Sendable {
        /// Another process holds the write lock (`holder`, when the backend can tell); the run
        /// waits for it, up to the lock timeout.
        case waitingForLock(LockHolder?)
        /// A migration starts to run in `direction`; `inTransaction` is false for a section that
        /// runs outside a transaction (its statements commit one by one).
        case starting(Migration, MigrationDirection, inTransaction: Bool)
        /// The running migration's work is done and its COMMIT is about to run.
        case committing(Migration)
        case applied(Migration, milliseconds: Int)
        case rolledBack(Migration, milliseconds: Int)
        /// `fresh` dropped these tables, views and triggers.
        case dropped([String])
    }

    /// What a run did, or in a dry run would do.
    public struct Report: Sendable {
        /// The migrations run, in the order they ran.
        public var migrations: [Migration] = []
        /// The batch recorded for applied migrations.
        public var batch: Int?
        public var milliseconds = 0
        /// For a dry run: the SQL, in order.
        public var dryRunSQL: [String]?
    }

    /// The backend's migration driver for the database.
    public let driver: any MigrationDriver
    /// Where the migration files are: a folder, or the migrations built into the binary.
    public let migrationSource: FileSource
    /// Seconds to wait for another process's write lock and the database's own locks.
    public var lockTimeout: Double

    public init(driver: any MigrationDriver, migrations: FileSource, lockTimeout: Double = 30) {
        self.driver = driver
        self.migrationSource = migrations
        self.lockTimeout = lockTimeout
    }

    /// A migrator for the database at `databasePath` (`DatabaseBackend.driver(for:)` chooses the
    /// backend).
    public convenience init(databasePath: String, migrations: FileSource, lockTimeout: Double = 30) {
        self.init(driver: DatabaseBackend.driver(for: databasePath), migrations: migrations, lockTimeout: lockTimeout)
    }

    public convenience init(databasePath: String, migrationsDirectory: String, lockTimeout: Double = 30) {
        self.init(databasePath: databasePath, migrations: .directory(migrationsDirectory), lockTimeout: lockTimeout)
    }

    /// The database, as the driver names it in messages.
    public var databasePath: String { driver.location }

    // MARK: - Reading

    /// The migration files, validated and sorted.
    public func loadMigrations() throws -> [Migration] {
        try MigrationParser.load(migrationSource)
    }

    /// The union of files and ledger. Opens the database read-only; a missing database shows
    /// every migration as pending and is not created.
    public func status() throws -> [MigrationStatus] {
        let migrations = try loadMigrations()
        let records = try withReadOnlyDatabase { db in try db.map { try Ledger.records($0, driver) } ?? [] }
        return MigrationStatus.compute(migrations: migrations, records: records)
    }

    /// The versions of migration files not in the ledger of `db`, judged by file names alone.
    ///
    /// The cheap check for commands that only read: it reads no file and computes no checksum
    /// (`status()` does both), so it costs one directory listing and one query.
    public func pendingVersions(in db: any DatabaseConnection) throws -> [String] {
        let names = try MigrationParser.fileNames(in: migrationSource)
        try Ledger.verify(db, driver)
        let versions = names.compactMap { MigrationParser.splitFileName($0)?.0 }
        let applied = Set(try Ledger.records(db, driver).map(\.version))
        return versions.filter { !applied.contains($0) }.sorted()
    }

    // MARK: - Migrating

    /// Applies pending migrations in version order as one new batch.
    @discardableResult
    public func migrate(_ options: MigrateOptions = MigrateOptions(), onEvent: (Event) -> Void = { _ in }) throws
        -> Report
    {
        let migrations = try loadMigrations()
        if options.dryRun {
            return try withReadOnlyDatabase { db in
                let records = try db.map { try Ledger.records($0, driver) } ?? []
                let statuses = MigrationStatus.compute(migrations: migrations, records: records)
                let selected = try Self.selectPending(statuses, options: options)
                let runner = DryRunStepRunner(driver: driver)
                describeSetup(runner, databaseExists: db != nil, ledgerExists: !records.isEmpty || db != nil)
                let batch = (records.map(\.batch).max() ?? 0) + 1
                for migration in selected {
                    runner.emit("")
                    runner.emit("-- \(migration.fileName) (up, batch \(batch))")
                    _ = try MigrationSteps.run(migration, direction: .up, batch: batch, runner: runner)
                }
                return Report(migrations: selected, batch: selected.isEmpty ? nil : batch, dryRunSQL: runner.lines)
            }
        }
        return try withLockedDatabase(onEvent: onEvent) { db in
            let records = try Ledger.records(db, driver)
            let statuses = MigrationStatus.compute(migrations: migrations, records: records)
            let selected = try Self.selectPending(statuses, options: options)
            return try Self.apply(
                selected, batch: Ledger.nextBatch(records), on: db, driver: driver, onEvent: onEvent)
        }
    }

    // MARK: - Rolling back

    /// Undoes migrations in reverse applied order, each in its own transaction with its ledger row.
    @discardableResult
    public func rollback(
        _ target: RollbackTarget = .lastBatch, dryRun: Bool = false, onEvent: (Event) -> Void = { _ in }
    ) throws -> Report {
        let migrations = try loadMigrations()
        if dryRun {
            return try withReadOnlyDatabase { db in
                let records = try db.map { try Ledger.records($0, driver) } ?? []
                let selected = try Self.selectForRollback(records, migrations: migrations, target: target)
                let runner = DryRunStepRunner(driver: driver)
                describeSetup(runner, databaseExists: db != nil, ledgerExists: true)
                for migration in selected {
                    runner.emit("")
                    runner.emit("-- \(migration.fileName) (down)")
                    _ = try MigrationSteps.run(migration, direction: .down, batch: 0, runner: runner)
                }
                return Report(migrations: selected, dryRunSQL: runner.lines)
            }
        }
        return try withLockedDatabase(creating: false, onEvent: onEvent) { db in
            let selected = try Self.selectForRollback(
                try Ledger.records(db, driver), migrations: migrations, target: target)
            return try Self.undo(selected, on: db, driver: driver, onEvent: onEvent)
        }
    }

    /// Rolls back the last `steps` migrations and applies the same ones again, as a new batch.
    @discardableResult
    public func redo(steps: Int = 1, onEvent: (Event) -> Void = { _ in }) throws -> (
        rolledBack: Report, applied: Report
    ) {
        let migrations = try loadMigrations()
        return try withLockedDatabase(creating: false, onEvent: onEvent) { db in
            let records = try Ledger.records(db, driver)
            let selected = try Self.selectForRollback(records, migrations: migrations, target: .steps(steps))
            let undone = try Self.undo(selected, on: db, driver: driver, onEvent: onEvent)
            let undoneVersions = Set(selected.map(\.version))
            let again = try Self.apply(
                selected.sorted { $0.version < $1.version },
                batch: Ledger.nextBatch(records.filter { !undoneVersions.contains($0.version) }), on: db,
                driver: driver, onEvent: onEvent)
            return (undone, again)
        }
    }

    /// Rolls back every applied migration.
    @discardableResult
    public func reset(dryRun: Bool = false, onEvent: (Event) -> Void = { _ in }) throws -> Report {
        try rollback(.all, dryRun: dryRun, onEvent: onEvent)
    }

    /// Drops every table, view, index and trigger (the ledger too), then applies every migration.
    @discardableResult
    public func fresh(onEvent: (Event) -> Void = { _ in }) throws -> (dropped: [String], applied: Report) {
        let migrations = try loadMigrations()
        return try withLockedDatabase(onEvent: onEvent) { db in
            let dropped = try driver.dropEverything(db)
            onEvent(.dropped(dropped))
            try db.execute(driver.ledgerCreateSQL)
            let statuses = MigrationStatus.compute(migrations: migrations, records: [])
            let selected = try Self.selectPending(statuses, options: MigrateOptions())
            return (dropped, try Self.apply(selected, batch: 1, on: db, driver: driver, onEvent: onEvent))
        }
    }

    /// Records the current checksum of an applied migration whose file was edited on purpose.
    @discardableResult
    public func repair(version: String) throws -> Migration {
        let migrations = try loadMigrations()
        return try withLockedDatabase(creating: false) { db in
            guard let migration = migrations.first(where: { $0.version == version }) else {
                throw MigrationError.unknownVersion(version)
            }
            guard let record = try Ledger.records(db, driver).first(where: { $0.version == version }) else {
                throw MigrationError.notApplied(version)
            }
            guard record.checksum != migration.checksum || record.name != migration.name else {
                throw MigrationError.nothingToRepair(version: version)
            }
            try db.transaction {
                try db.execute(
                    driver.ledgerRepairSQL, [.text(migration.checksum), .text(migration.name), .text(version)])
            }
            return migration
        }
    }

    // MARK: - A connection of your own

    /// Applies the pending ones of `migrations` to `db`, a connection the caller owns (for
    /// example an in-memory database in a test), with the same per-migration transactions and
    /// checks as `migrate()`, but without the cross-process lock.
    @discardableResult
    public static func migrate(
        _ db: any DatabaseConnection, with migrations: [Migration], driver: (any MigrationDriver)? = nil
    ) throws -> Report {
        let driver = driver ?? DatabaseBackend.driver(for: db)
        try Ledger.verify(db, driver)
        try db.execute(driver.ledgerCreateSQL)
        let records = try Ledger.records(db, driver)
        let statuses = MigrationStatus.compute(migrations: migrations, records: records)
        return try apply(
            try selectPending(statuses, options: MigrateOptions()), batch: Ledger.nextBatch(records), on: db,
            driver: driver, onEvent: { _ in })
    }

    // MARK: - New files

    /// Creates `<directory>/<UTC now>_<name>.sql` with both section markers and returns its path.
    /// Never overwrites; refuses a name that is not snake_case and a version already taken.
    public static func createMigration(named name: String, in directory: String, version: String) throws -> String {
        guard MigrationParser.isSnakeCase(name) else { throw MigrationError.invalidName(name) }
        try FileSystem.makeDirectory(directory)
        let fileName = "\(version)_\(name).sql"
        let path = FileSystem.join(directory, fileName)
        if let taken = try FileSystem.contentsOfDirectory(directory).first(where: {
            $0.hasPrefix(version + "_") && $0.hasSuffix(".sql") && $0 != fileName
        }) {
            throw MigrationError.versionTaken(version: version, file: FileSystem.join(directory, taken))
        }
        do {
            try FileSystem.createFile(path, contents: "-- migrate:up\n\n\n-- migrate:down\n\n")
        } catch let failure as FileSystem.Failure where failure.alreadyExists {
            throw MigrationError.fileExists(path)
        }
        return path
    }

    // MARK: - Internals

    /// Applies `selected` as batch `batch` (one more than the largest in the ledger the caller read).
    private static func apply(
        _ selected: [Migration], batch: Int, on db: any DatabaseConnection, driver: any MigrationDriver,
        onEvent: (Event) -> Void
    ) throws -> Report {
        let start = ContinuousClock.now
        var report = Report(batch: selected.isEmpty ? nil : batch)
        let runner = DatabaseStepRunner(db: db, driver: driver)
        for migration in selected {
            onEvent(.starting(migration, .up, inTransaction: migration.up.isTransactional))
            let milliseconds = try MigrationSteps.run(
                migration, direction: .up, batch: batch, runner: runner, willCommit: { onEvent(.committing(migration)) }
            )
            report.migrations.append(migration)
            onEvent(.applied(migration, milliseconds: milliseconds))
        }
        report.milliseconds = runner.elapsed(since: start)
        return report
    }

    private static func undo(
        _ selected: [Migration], on db: any DatabaseConnection, driver: any MigrationDriver,
        onEvent: (Event) -> Void
    ) throws -> Report {
        let start = ContinuousClock.now
        var report = Report()
        let runner = DatabaseStepRunner(db: db, driver: driver)
        for migration in selected {
            onEvent(.starting(migration, .down, inTransaction: migration.down.isTransactional))
            let milliseconds = try MigrationSteps.run(
                migration, direction: .down, batch: 0, runner: runner, willCommit: { onEvent(.committing(migration)) })
            report.migrations.append(migration)
            onEvent(.rolledBack(migration, milliseconds: milliseconds))
        }
        report.milliseconds = runner.elapsed(since: start)
        return report
    }

    /// The pending migrations to apply, after refusing changed, missing and out-of-order ones.
    static func selectPending(_ statuses: [MigrationStatus], options: MigrateOptions) throws -> [Migration] {
        if let changed = statuses.first(where: { $0.state == .changed }), let file = changed.migration?.path {
            throw MigrationError.changed(version: changed.version, file: file)
        }
        let missing = statuses.filter { $0.state == .missing }
        if let first = missing.first, !options.ignoreMissing {
            throw MigrationError.missing(version: first.version, name: first.name, more: missing.count - 1)
        }
        if let target = options.target, !statuses.contains(where: { $0.version == target && $0.migration != nil }) {
            throw MigrationError.unknownVersion(target)
        }
        var pending = statuses.filter { $0.state == .pending }.compactMap(\.migration)
        if let newest = statuses.filter({ $0.state != .pending }).map(\.version).max() {
            let early = pending.filter { $0.version < newest }
            if !early.isEmpty && !options.allowOutOfOrder {
                throw MigrationError.outOfOrder(files: early.map(\.path), newestApplied: newest)
            }
        }
        if let target = options.target { pending = pending.filter { $0.version <= target } }
        if let step = options.step { pending = Array(pending.prefix(max(step, 0))) }
        return pending
    }

    /// The migrations to roll back, newest applied first, after checking that each can be.
    static func selectForRollback(_ records: [LedgerRecord], migrations: [Migration], target: RollbackTarget) throws
        -> [Migration]
    {
        let newestFirst = records.sorted { $0.sequence > $1.sequence }
        let chosen: [LedgerRecord]
        switch target {
        case .lastBatch:
            let batch = newestFirst.first?.batch
            chosen = newestFirst.filter { $0.batch == batch }
        case .steps(let count):
            chosen = Array(newestFirst.prefix(max(count, 0)))
        case .after(let version):
            guard let record = records.first(where: { $0.version == version }) else {
                if migrations.contains(where: { $0.version == version }) { throw MigrationError.notApplied(version) }
                throw MigrationError.unknownVersion(version)
            }
            chosen = newestFirst.filter { $0.sequence > record.sequence }
        case .all:
            chosen = newestFirst
        }
        let files = Dictionary(migrations.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        return try chosen.map { record in
            guard let migration = files[record.version] else {
                throw MigrationError.fileMissingForRollback(version: record.version, name: record.name)
            }
            if migration.checksum != record.checksum {
                throw MigrationError.changed(version: record.version, file: migration.path)
            }
            if migration.down.isEmpty { throw MigrationError.irreversible(file: migration.path) }
            return migration
        }
    }

    private func describeSetup(_ runner: DryRunStepRunner, databaseExists: Bool, ledgerExists: Bool) {
        runner.emit("-- dry run: nothing below has been executed")
        for line in driver.dryRunPreamble(databaseExists: databaseExists, ledgerExists: ledgerExists) {
            runner.emit(line)
        }
    }

    /// Opens the database read-only, or passes nil when the file does not exist. A database
    /// catalog would refuse to change is refused here too, so a dry run never promises more.
    private func withReadOnlyDatabase<T>(_ body: ((any DatabaseConnection)?) throws -> T) throws -> T {
        guard driver.databaseExists() else { return try body(nil) }
        return try wrappingDatabaseErrors {
            let db = try driver.openForReading(busyTimeoutMilliseconds: Timeout.milliseconds(lockTimeout))
            try Ledger.verify(db, driver)
            return try body(db)
        }
    }

    /// Takes the write lock, opens (creating) the database and makes sure of its ledger.
    /// Runs `body` on the database under the write lock. Only commands that apply migrations
    /// create a missing database (`creating`); undoing or repairing refuses one, before even the
    /// lock file is made.
    private func withLockedDatabase<T>(
        creating: Bool = true, onEvent: (Event) -> Void = { _ in }, _ body: (any DatabaseConnection) throws -> T
    ) throws -> T {
        if !creating && !driver.databaseExists() { throw MigrationError.databaseMissing(databasePath) }
        if creating { try wrappingDatabaseErrors { try driver.createIfMissing() } }
        let lock = try driver.takeWriteLock(timeout: lockTimeout, waiting: { onEvent(.waitingForLock($0)) })
        defer { withExtendedLifetime(lock) {} }
        return try wrappingDatabaseErrors {
            let db = try driver.openForWriting(
                creating: creating, busyTimeoutMilliseconds: Timeout.milliseconds(lockTimeout),
                verify: { try Ledger.verify($0, driver) })
            // SQLite's own lock, which another program may hold: the same waiting line. The
            // observer is removed before this returns, so `onEvent` does not outlive the call.
            return try withoutActuallyEscaping(onEvent) { onEvent in
                db.observeLockWaits { onEvent(.waitingForLock($0)) }
                defer { db.observeLockWaits(nil) }
                try db.execute(driver.ledgerCreateSQL)
                return try body(db)
            }
        }
    }

    private func wrappingDatabaseErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseAccessError {
            throw error  // it names the database and what to do itself
        } catch let error as any DatabaseError {
            throw MigrationError.wrap(error, path: databasePath)
        }
    }
}

extension Migrator {
    /// The current UTC time as a migration version, `YYYYMMDDHHMMSS`.
    public static func versionForNow() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)" + two(parts.tm_mon + 1) + two(parts.tm_mday) + two(parts.tm_hour)
            + two(parts.tm_min) + two(parts.tm_sec)
    }
}
