import ArgumentParser
import CatalogKit

/// Where the database and the migrations are: shared by every command.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The database: a SQLite file, as a path or sqlite:PATH, or a postgres:// URL (default: $CATALOG_DATABASE, else a postgres:// $DATABASE_URL, else catalog.sqlite3 in a project folder, else $XDG_DATA_HOME/catalog/catalog.sqlite3).",
            valueName: "path|url"),
        completion: .file())
    var database: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The folder of migration files (default: $CATALOG_MIGRATIONS, else the project folder's Migrations/, else the built-in migrations).",
            valueName: "dir"),
        completion: .directory)
    var migrations: String?

    @Option(
        name: .customLong("lock-timeout"),
        help: ArgumentHelp(
            "Seconds to wait for another process that is changing the database (catalog's write lock or SQLite's).",
            valueName: "seconds"))
    var lockTimeout: Double = 30

    func validate() throws {
        guard lockTimeout >= 0, lockTimeout <= Timeout.maximumSeconds else {
            throw ValidationError("--lock-timeout must be a number of seconds from 0 to 86400")
        }
    }

    /// Where the database, migrations and seeds (`seeds`: the `--seeds` option) are.
    func locate(seeds: String? = nil) throws -> CatalogLocation {
        try CatalogLocation.resolve(database: database, migrations: migrations, seeds: seeds)
    }

    /// The database path as the file system sees it, or the PostgreSQL URL.
    var databasePath: String { get throws { try locate().databasePath } }

    /// The database as messages show it (a PostgreSQL URL without its password).
    var databaseName: String { get throws { try locate().databaseName } }

    /// A migrator for the database and migrations; a command that may create the database
    /// (`creating`) first makes the folder of the per-user default.
    func makeMigrator(creating: Bool = false) throws -> Migrator {
        let location = try locate()
        if creating { try location.prepareDatabaseFolder() }
        return Migrator(databasePath: location.databasePath, migrations: location.migrations, lockTimeout: lockTimeout)
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
        Terminal.writeToStdout(format.render(table, width: Terminal.width, colour: Terminal.usesColour))
        // A person at a terminal gets told that nothing matched, not just a header; a pipe gets
        // the table's shape alone.
        if format == .table && table.rows.isEmpty && CLIContext.current.stdoutIsTerminal {
            Terminal.writeToStdout("(0 rows)\n")
        }
    }
}

/// A number of bytes on the command line: `1048576`, `512K`, `16M`, `1G` (also `16MiB`, `16mb`;
/// the units are powers of 1024).
struct ByteSize: ExpressibleByArgument, Equatable, CustomStringConvertible {
    var bytes: Int

    init(_ bytes: Int) {
        self.bytes = bytes
    }

    init?(argument: String) {
        var digits = Substring(argument)
        var unit = ""
        while let last = digits.last, !last.isNumber {
            unit = String(last) + unit
            digits = digits.dropLast()
        }
        let shifts = [
            "": 0, "b": 0, "k": 10, "kb": 10, "kib": 10, "m": 20, "mb": 20, "mib": 20, "g": 30, "gb": 30, "gib": 30,
        ]
        guard let number = Int(digits), number >= 0, let shift = shifts[unit.lowercased()], number <= Int.max >> 31
        else {
            return nil
        }
        bytes = number << shift
    }

    var description: String { ScriptLimits.formatBytes(bytes) }
    var defaultValueDescription: String { description }
}
