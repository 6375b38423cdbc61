import ArgumentParser
import CatalogKit

/// Where the seed files are.
struct SeedDirectoryOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The folder of seed files (default: $CATALOG_SEEDS, else Seeds).", valueName: "dir"))
    var seeds: String?

    var seedsDirectory: String { seeds ?? Terminal.environment("CATALOG_SEEDS") ?? "Seeds" }
}

/// `catalog seed`: make the database match the seed files.
struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load Seeds/ into the database: idempotent, all-or-nothing, keyed on names.",
        discussion: """
            Every file is validated first; any problem is reported with its file, line and column and \
            nothing is written. Records are matched by name (ignoring case), so ids never change and \
            a second run changes nothing.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seedOptions: SeedDirectoryOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Also delete records, aliases and links that are no longer in the files.")
    var prune = false

    @Flag(help: "Report what would change per table and write nothing.")
    var dryRun = false

    @Argument(help: ArgumentHelp("Seed files to load instead of every file in the seeds folder.", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if prune && !files.isEmpty {
            throw ValidationError(
                "--prune deletes whatever the files do not mention, so it works on the whole seeds folder, not on a list of files"
            )
        }
    }

    func run() throws {
        try SeedBackend.seed(self)
    }
}

/// `catalog setup`: migrate, then seed.
struct Setup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Create or update the catalog: apply pending migrations, then load the seeds.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seedOptions: SeedDirectoryOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try SeedBackend.setup(self)
    }
}
