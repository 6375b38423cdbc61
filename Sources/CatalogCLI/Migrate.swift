import ArgumentParser
import CatalogKit

/// `catalog migrate ...`: apply, inspect and roll back schema migrations. `catalog migrate` alone
/// runs `up`, its default subcommand.
///
/// The options of `up` cannot be declared on `migrate` itself: argument-parser lets a parent take
/// its options from anywhere on the command line, so `migrate rollback --to X` would hand `--to`
/// to the parent. `MigrateSyntax` describes `migrate` with them for help and shell completion.
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending migrations (the default), or inspect and roll them back.",
        discussion: """
            Each migration runs in one BEGIN IMMEDIATE transaction together with its ledger row in \
            schema_migrations, so a failure leaves nothing half-applied. Concurrent runs wait for each other. \
            `catalog migrate status` shows which migrations (a project's Migrations/ or the built-in ones) \
            and which database are in use.
            """,
        subcommands: [Up.self, Status.self, Rollback.self, Redo.self, Reset.self, Fresh.self, New.self, Repair.self],
        defaultSubcommand: Up.self
    )
}

/// `catalog migrate` as users see it: its default subcommand's options are its own. Used only to
/// print `catalog migrate --help` and to generate completion scripts and the manual, never to parse.
struct MigrateSyntax: ParsableCommand {
    static let configuration = Migrate.configuration

    @OptionGroup var up: UpOptions
}

/// The options of `catalog migrate` and `catalog migrate up`.
struct UpOptions: ParsableArguments {
    @OptionGroup var options: DatabaseOptions

    @Option(help: ArgumentHelp("Apply only the next N pending migrations.", valueName: "n"))
    var step: Int?

    @Option(help: ArgumentHelp("Apply pending migrations up to and including VERSION.", valueName: "version"))
    var to: String?

    @Flag(help: "Print the SQL that would run, in order, and change nothing (not even create the file).")
    var dryRun = false

    @Flag(help: "Apply pending migrations older than the newest applied one (merged from another branch).")
    var allowOutOfOrder = false

    @Flag(help: "Run even though files of applied migrations are missing.")
    var ignoreMissing = false

    @OptionGroup var quiet: QuietOption

    func validate() throws {
        if let step, step < 1 { throw ValidationError("--step must be 1 or more") }
    }

    func run() throws {
        let migrator = try options.makeMigrator(creating: !dryRun)
        let progress = ProgressReport(quiet: quiet.quiet)
        let report = try progress.run {
            try migrator.migrate(
                Migrator.MigrateOptions(
                    step: step, target: to, allowOutOfOrder: allowOutOfOrder, ignoreMissing: ignoreMissing,
                    dryRun: dryRun),
                onEvent: progress.migrationEvent)
        }
        if Report.printDryRun(report) { return }
        Report.printApplied(report)
    }
}

extension Migrate {
    struct Up: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "up",
            abstract: "Apply pending migrations in version order, as one new batch (what `catalog migrate` does).")

        @OptionGroup var up: UpOptions

        func run() throws { try up.run() }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show every migration, from the files and the ledger: applied, pending, missing or changed.")

        @OptionGroup var options: DatabaseOptions
        @OptionGroup var output: OutputOptions

        @Flag(help: "Exit with 1 when any migration is pending, missing or changed.")
        var exitCode = false

        func run() throws {
            let location = try options.locate()
            let statuses = try Migrator(
                databasePath: location.databasePath, migrations: location.migrations, lockTimeout: options.lockTimeout
            ).status()
            if output.format == .table {
                let exists = DatabaseBackend.driver(for: location.databasePath).databaseExists()
                print("database:   \(location.databaseName)\(exists ? "" : " (does not exist yet)")")
                print("migrations: \(location.migrationsDescription)")
                print()
            }
            output.print(MigrationStatus.table(statuses))
            if exitCode && statuses.contains(where: { $0.state != .applied }) {
                throw ExitCode(1)
            }
        }
    }

    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rollback",
            abstract: "Undo the last batch of migrations, newest applied first.")

        @OptionGroup var options: DatabaseOptions

        @Option(help: ArgumentHelp("Undo the last N migrations instead of the last batch.", valueName: "n"))
        var step: Int?

        @Option(help: ArgumentHelp("Undo every migration applied after VERSION.", valueName: "version"))
        var to: String?

        @Flag(help: "Print the SQL that would run, in order, and change nothing.")
        var dryRun = false

        @OptionGroup var quiet: QuietOption

        func validate() throws {
            if step != nil && to != nil { throw ValidationError("give --step or --to, not both") }
            if let step, step < 1 { throw ValidationError("--step must be 1 or more") }
        }

        func run() throws {
            let target: Migrator.RollbackTarget =
                if let step { .steps(step) } else if let to { .after(version: to) } else { .lastBatch }
            let progress = ProgressReport(quiet: quiet.quiet)
            let report = try progress.run {
                try options.makeMigrator().rollback(target, dryRun: dryRun, onEvent: progress.migrationEvent)
            }
            if Report.printDryRun(report) { return }
            Report.printRolledBack(report)
        }
    }

    struct Redo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "redo",
            abstract: "Roll back the last N migrations (default 1) and apply them again.")

        @OptionGroup var options: DatabaseOptions

        @Option(help: ArgumentHelp("How many migrations to redo.", valueName: "n"))
        var step = 1

        @OptionGroup var quiet: QuietOption

        func validate() throws {
            if step < 1 { throw ValidationError("--step must be 1 or more") }
        }

        func run() throws {
            let progress = ProgressReport(quiet: quiet.quiet)
            let (undone, applied) = try progress.run {
                try options.makeMigrator().redo(steps: step, onEvent: progress.migrationEvent)
            }
            if undone.migrations.isEmpty {
                print("Nothing to redo: no migration is applied.")
                return
            }
            print(
                "Redid \(Report.count(applied.migrations.count)) in batch \(applied.batch ?? 0) (\(undone.milliseconds + applied.milliseconds) ms)."
            )
        }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset",
            abstract: "Roll back every applied migration (destroys data: asks first, or needs --force).")

        @OptionGroup var options: DatabaseOptions

        @Flag(help: "Do not ask for confirmation.")
        var force = false

        @Flag(help: "Print the SQL that would run, in order, and change nothing.")
        var dryRun = false

        @OptionGroup var quiet: QuietOption

        func run() throws {
            let migrator = try options.makeMigrator()
            if dryRun {
                Report.printDryRun(try migrator.reset(dryRun: true))
                return
            }
            try Terminal.confirm(
                "This rolls back every migration in \(try options.databaseName) and destroys its data.", force: force,
                command: "migrate reset")
            let progress = ProgressReport(quiet: quiet.quiet)
            Report.printRolledBack(try progress.run { try migrator.reset(onEvent: progress.migrationEvent) })
        }
    }

    struct Fresh: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fresh",
            abstract: "Drop every table, view, index and trigger, then apply every migration (asks first, or --force).")

        @OptionGroup var options: DatabaseOptions

        @OptionGroup var seedOptions: SeedDirectoryOptions
        @OptionGroup var output: OutputOptions

        @Flag(help: "Do not ask for confirmation.")
        var force = false

        @Flag(help: "Load the seeds after migrating.")
        var seed = false

        @OptionGroup var quiet: QuietOption

        func run() throws {
            try Terminal.confirm(
                "This drops everything in \(try options.databaseName) and migrates it from scratch.", force: force,
                command: "migrate fresh")
            let progress = ProgressReport(quiet: quiet.quiet)
            let (_, applied) = try progress.run {
                try options.makeMigrator(creating: true).fresh(onEvent: progress.migrationEvent)
            }
            Report.printApplied(applied)
            if seed { try SeedReport.seed(seedOptions, options, output: output, progress: progress) }
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Create Migrations/<UTC timestamp>_<name>.sql with both section markers.")

        @OptionGroup var options: DatabaseOptions

        @Argument(
            help: ArgumentHelp("The migration's name, in snake_case (e.g. add_company_aliases).", valueName: "name"))
        var name: String

        func run() throws {
            guard let directory = try options.locate().migrations.directory else {
                throw CommandFailure(
                    "the built-in migrations cannot take a new file: run this in a project folder (one with a "
                        + "Migrations/ folder; create it to start one) or pass --migrations DIR")
            }
            let path = try Migrator.createMigration(named: name, in: directory, version: Migrator.versionForNow())
            print(path)
        }
    }

    struct Repair: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "repair",
            abstract: "Accept a deliberate edit of an applied migration by recording its new checksum.")

        @OptionGroup var options: DatabaseOptions

        @Argument(help: ArgumentHelp("The version of the edited migration.", valueName: "version"))
        var version: String

        func run() throws {
            let migration = try options.makeMigrator().repair(version: version)
            print("Recorded the new checksum of \(migration.path).")
        }
    }
}

/// The lines commands print about a run.
enum Report {
    static func printEvent(_ event: Migrator.Event) {
        switch event {
        case .waitingForLock, .starting, .committing:
            break  // the status line's (`ProgressReport`)
        case .applied(let migration, let milliseconds):
            print("Applied \(migration.identifier) (\(milliseconds) ms)")
        case .rolledBack(let migration, let milliseconds):
            print("Rolled back \(migration.identifier) (\(milliseconds) ms)")
        case .dropped(let names):
            print(
                "Dropped \(names.count) \(names.count == 1 ? "table, view or trigger" : "tables, views and triggers").")
        }
    }

    /// Prints a dry run's SQL, one statement or comment per line; false when `report` is a real run.
    @discardableResult
    static func printDryRun(_ report: Migrator.Report) -> Bool {
        guard let sql = report.dryRunSQL else { return false }
        for line in sql { print(line) }
        return true
    }

    static func printApplied(_ report: Migrator.Report) {
        if report.migrations.isEmpty {
            print("Nothing to migrate: the database is up to date.")
        } else {
            print(
                "Migrated \(count(report.migrations.count)) in batch \(report.batch ?? 0) (\(report.milliseconds) ms).")
        }
    }

    static func printRolledBack(_ report: Migrator.Report) {
        if report.migrations.isEmpty {
            print("Nothing to roll back.")
        } else {
            print("Rolled back \(count(report.migrations.count)) (\(report.milliseconds) ms).")
        }
    }

    static func count(_ n: Int) -> String { n == 1 ? "1 migration" : "\(n) migrations" }
}
