import ArgumentParser
import CatalogKit
import CatalogSeeds

/// Where the seed files are.
struct SeedDirectoryOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The folder of seed files (default: $CATALOG_SEEDS, else the project folder's Seeds/, else the built-in seeds).",
            valueName: "dir"),
        completion: .directory)
    var seeds: String?
}

/// `catalog seed`: make the database match the seed files.
struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load the seeds into the database: idempotent, all-or-nothing, keyed on names.",
        discussion: """
            Every file is validated first; any problem is reported with its file, line and column and \
            nothing is written. Records are matched by name (ignoring case), so ids never change and \
            a second run changes nothing.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seedOptions: SeedDirectoryOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var quiet: QuietOption

    @Flag(help: "Also delete records, aliases and links that are no longer in the files.")
    var prune = false

    @Flag(help: "Report what would change per table and write nothing.")
    var dryRun = false

    @Argument(
        help: ArgumentHelp("Seed files to load instead of every file in the seeds folder.", valueName: "file"),
        completion: .file(extensions: ["yml", "yaml", "json", "csv"]))
    var files: [String] = []

    func validate() throws {
        if prune && !files.isEmpty {
            throw ValidationError(
                "--prune deletes whatever the files do not mention, so it works on the whole seeds folder, not on a list of files"
            )
        }
    }

    func run() throws {
        let progress = ProgressReport(quiet: quiet.quiet)
        try SeedReport.seed(
            seedOptions, database, output: output, files: files.isEmpty ? nil : files.map(CLIContext.current.resolve),
            options: Seeder.Options(prune: prune, dryRun: dryRun), progress: progress)
    }
}

/// `catalog setup`: migrate, then seed.
struct Setup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Create or update the catalog: apply pending migrations, then load the seeds.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seedOptions: SeedDirectoryOptions

    @Option(
        help: ArgumentHelp(
            "On PostgreSQL, also create this login role (if missing) and let it read the catalog and nothing else: "
                + "what catalog sql connects as.",
            valueName: "role"))
    var reader: String?

    @OptionGroup var output: OutputOptions
    @OptionGroup var quiet: QuietOption

    func run() throws {
        let (setup, location) = try SeedReport.makeSetup(seedOptions, database)
        if reader != nil && !DatabaseBackend.isPostgres(location.databasePath) {
            throw ValidationError(
                "--reader creates a PostgreSQL role, and \(location.databaseName) is a SQLite file, where "
                    + "catalog sql is read-only for everyone")
        }
        try location.prepareDatabaseFolder()
        let progress = ProgressReport(quiet: quiet.quiet)
        let (migrated, seeded) = try progress.run {
            try setup.setup(onEvent: progress.migrationEvent, progress: progress.seedProgress)
        }
        progress.seedEnded(changed: !seeded.isUnchanged)
        Report.printApplied(migrated)
        SeedReport.report(seeded, output: output, database: location.databaseName)
        if let reader {
            progress.note("the reader role \(reader) may not be set up (run catalog setup --reader again)")
            let role = try ReaderRole.grant(reader, at: location.databasePath)
            let tables = role.tables == 1 ? "1 table" : "\(role.tables) tables"
            let line =
                "Reader \(role.name) \(role.created ? "created" : "already existed"): it may read the \(tables) of "
                + "schema \(role.schema) and nothing else. Connect catalog sql as it: --database "
                + DatabaseBackend.displayName(of: role.url)
            // The summary's own format stays parseable on stdout; the line then goes to stderr.
            if output.format == .table { print(TerminalText.shown(line)) } else { Terminal.writeError(line) }
        }
    }
}

/// What seeding commands share: the setup for the options, and the summary they print.
enum SeedReport {
    static func makeSetup(_ seeds: SeedDirectoryOptions, _ database: DatabaseOptions) throws -> (
        CatalogSetup, CatalogLocation
    ) {
        let location = try database.locate(seeds: seeds.seeds)
        let setup = CatalogSetup(
            databasePath: location.databasePath, migrations: location.migrations, seeds: location.seeds,
            lockTimeout: database.lockTimeout)
        return (setup, location)
    }

    /// Seeds the database the options name (`seed`, `migrate fresh --seed`) and prints the summary.
    static func seed(
        _ seeds: SeedDirectoryOptions, _ database: DatabaseOptions, output: OutputOptions, files: [String]? = nil,
        options: Seeder.Options = .init(), progress: ProgressReport
    ) throws {
        let (setup, location) = try makeSetup(seeds, database)
        let summary = try progress.run {
            try setup.seed(files: files, options: options, progress: progress.seedProgress)
        }
        progress.seedEnded(changed: !options.dryRun && !summary.isUnchanged)
        report(summary, output: output, database: location.databaseName)
    }

    static func report(_ summary: SeedSummary, output: OutputOptions, database: String) {
        output.print(summary.table)
        guard output.format == .table else { return }
        let totals = summary.tables.reduce(into: (0, 0, 0)) { totals, counts in
            totals.0 += counts.inserted
            totals.1 += counts.updated
            totals.2 += counts.pruned
        }
        let files = summary.files == 1 ? "1 file" : "\(summary.files) files"
        if summary.isDryRun {
            print(
                "Dry run: \(totals.0) to insert, \(totals.1) to update, \(totals.2) to prune from \(files); nothing was written."
            )
        } else if summary.isUnchanged {
            print("\(database) already matches \(files); nothing changed (\(summary.milliseconds) ms).")
        } else {
            print(
                "Seeded \(database) from \(files): \(totals.0) inserted, \(totals.1) updated, \(totals.2) pruned (\(summary.milliseconds) ms)."
            )
        }
    }
}
