import ArgumentParser
import CatalogKit

/// Where the database and the migrations are: shared by every command.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The SQLite database file (default: $CATALOG_DATABASE, else catalog.sqlite3).", valueName: "path"))
    var database: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The folder of migration files (default: $CATALOG_MIGRATIONS, else Migrations).", valueName: "dir"))
    var migrations: String?

    @Option(
        name: .customLong("lock-timeout"),
        help: ArgumentHelp(
            "Seconds to wait for another catalog process that is changing the database.", valueName: "seconds"))
    var lockTimeout: Double = 30

    func validate() throws {
        guard lockTimeout >= 0, lockTimeout <= Migrator.maximumLockTimeout else {
            throw ValidationError("--lock-timeout must be a number of seconds from 0 to 86400")
        }
    }

    var databasePath: String { database ?? Terminal.environment("CATALOG_DATABASE") ?? "catalog.sqlite3" }
    var migrationsDirectory: String { migrations ?? Terminal.environment("CATALOG_MIGRATIONS") ?? "Migrations" }

    func makeMigrator() -> Migrator {
        Migrator(databasePath: databasePath, migrationsDirectory: migrationsDirectory, lockTimeout: lockTimeout)
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// How rows are printed: shared by every command that prints rows.
struct OutputOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Output format: table, json, jsonl, csv or markdown.", valueName: "format"))
    var format: OutputFormat = .table

    /// Prints `table`; on a terminal, the table format fits its width and has a bold header
    /// (unless NO_COLOR is set).
    func print(_ table: ResultTable) {
        Swift.print(
            format.render(table, width: Terminal.width, colour: Terminal.usesColour), terminator: "")
    }
}
