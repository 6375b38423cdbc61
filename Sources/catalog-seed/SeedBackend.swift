import CatalogKit
import CatalogSeeds

#if canImport(Glibc)
    import Glibc
#endif

/// What needs the seed files, in catalog-seed: `catalog` built with the seed loader, which
/// `catalog` runs in its place for these (Sources/catalog/SeedBackend.swift).
enum SeedBackend {
    static func seed(_ command: Seed) throws {
        let setup = makeSetup(command.seedOptions, command.database)
        let summary = try setup.seed(
            files: command.files.isEmpty ? nil : command.files,
            options: Seeder.Options(prune: command.prune, dryRun: command.dryRun),
            progress: ProgressBar.make(label: "seeding"))
        report(summary, output: command.output, database: command.database.databasePath)
    }

    static func setup(_ command: Setup) throws {
        let (migrated, seeded) = try makeSetup(command.seedOptions, command.database).setup(
            onEvent: Report.printEvent, progress: ProgressBar.make(label: "seeding"))
        Report.printApplied(migrated)
        report(seeded, output: command.output, database: command.database.databasePath)
    }

    /// `migrate fresh --seed`.
    static func seed(database: DatabaseOptions, seedOptions: SeedDirectoryOptions, output: OutputOptions) throws {
        let summary = try makeSetup(seedOptions, database).seed(progress: ProgressBar.make(label: "seeding"))
        report(summary, output: output, database: database.databasePath)
    }

    /// Opens the catalog read-only, creating it from Migrations/ and Seeds/ when it does not
    /// exist yet.
    static func openForReading(_ options: ReadingOptions) throws -> Connection {
        try makeSetup(options.seedOptions, options.database).openForReading { note in Terminal.writeError(note) }
    }

    static func message(for error: Error) -> String? {
        if let error = error as? SeedValidationError {
            return error.issues.map { "error: \($0)" }.joined(separator: "\n")
                + (error.omitted > 0 ? "\nerror: ... and \(error.omitted) more problems" : "")
        }
        if let error = error as? SeedSetupError { return "error: \(error)" }
        return nil
    }

    static func requireSeedLoader() throws {}

    static func makeSetup(_ seeds: SeedDirectoryOptions, _ database: DatabaseOptions) -> CatalogSetup {
        CatalogSetup(
            databasePath: database.databasePath, migrationsDirectory: database.migrationsDirectory,
            seedsDirectory: seeds.seedsDirectory, lockTimeout: database.lockTimeout)
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

/// A one-line progress bar on stderr, shown only when stderr is a terminal and the work has
/// lasted more than half a second.
final class ProgressBar {
    private let label: String
    private let start = ContinuousClock.now
    private var shown = false

    private init(label: String) { self.label = label }

    /// A progress callback, or nil when stderr is not a terminal.
    static func make(label: String) -> Seeder.Progress? {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        let bar = ProgressBar(label: label)
        return { done, total in bar.update(done, total) }
    }

    private func update(_ done: Int, _ total: Int) {
        guard ContinuousClock.now - start > .milliseconds(500) || shown, total > 0 else { return }
        shown = true
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        Terminal.writeToStderr("\r\(label) [\(bar)] \(done * 100 / total)%" + (done >= total ? "\n" : ""))
    }
}
