import ArgumentParser
import CatalogKit
import CatalogSeeds

#if canImport(Glibc)
    import Glibc
#endif

/// The `catalog` command: a thin shell over CatalogKit and CatalogSeeds.
struct Catalog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract:
            "Keep a catalog of backend web frameworks in SQLite or PostgreSQL: migrate its schema and answer questions.",
        discussion: """
            The catalog's own migrations and seeds are built in. In a project folder (one holding a \
            Migrations/ folder, found from the working directory upwards) its Migrations/ and Seeds/ \
            are used instead, with the database catalog.sqlite3 beside them. Elsewhere the database is \
            $XDG_DATA_HOME/catalog/catalog.sqlite3 (~/.local/share/catalog/catalog.sqlite3). On a \
            PostgreSQL server, pass its postgres:// URL as --database (or CATALOG_DATABASE).
            """,
        version: CatalogCLI.version,
        subcommands: [
            QueryCommand.self, List.self, SQL.self, Schema.self, Tables.self, Migrate.self, Seed.self, Setup.self,
        ]
    )
}

/// `catalog` as users see it (`migrate` with the options of `migrate up`): for help, completion
/// scripts and the manual, never for parsing (see `MigrateSyntax`).
struct CatalogSyntax: ParsableCommand {
    static let configuration: CommandConfiguration = {
        var configuration = Catalog.configuration
        configuration.subcommands = configuration.subcommands.map { $0 == Migrate.self ? MigrateSyntax.self : $0 }
        return configuration
    }()
}

/// The commands as a library: `catalog`'s `main` calls `CatalogCLI.main()`, tests call `run`.
public enum CatalogCLI {
    /// The version `catalog --version` prints.
    public static let version = "0.2.0"

    /// Runs the process's command line and exits with its code.
    public static func main() -> Never {
        let code = run(Array(CommandLine.arguments.dropFirst()))
        exit(code)
    }

    /// Runs one command line (without the program name) in `context` and returns the exit code:
    /// 0 success, 1 failure of the operation, 2 bad usage (argument-parser itself would use 64).
    public static func run(_ arguments: [String], context: CLIContext = .process) -> Int32 {
        CLIContext.$current.withValue(context) {
            let code = runInContext(arguments)
            fflush(nil)
            return code
        }
    }

    private static func runInContext(_ arguments: [String]) -> Int32 {
        do {
            if asksForMigrateHelp(arguments) {
                print(CatalogSyntax.helpMessage(for: MigrateSyntax.self))
                return 0
            }
            if describesSyntax(arguments) {
                // Completion scripts and the manual's dump only print, from `CatalogSyntax`.
                do {
                    _ = try CatalogSyntax.parseAsRoot(arguments)
                    return 0
                } catch {
                    return report(error, as: CatalogSyntax.self)
                }
            }
            let (remaining, taken) = RepeatedOptions.take(from: arguments)
            try RepeatedOptions.$taken.withValue(taken) {
                var command = try Catalog.parseAsRoot(remaining)
                do {
                    try command.run()
                } catch let error as ValidationError {
                    // argument-parser would show the root command's usage for an error from run().
                    throw UsageError(message: error.message, command: type(of: command))
                }
            }
            return 0
        } catch {
            return report(error, hint: Hints.usageHint(for: error, arguments: arguments))
        }
    }

    /// `migrate --help` (and `help migrate`), whose default subcommand's options must show.
    private static func asksForMigrateHelp(_ arguments: [String]) -> Bool {
        arguments == ["help", "migrate"]
            || (arguments.count == 2 && arguments[0] == "migrate" && ["-h", "--help", "-help"].contains(arguments[1]))
    }

    /// True for the command lines that only describe the commands: the completion script and the
    /// help dump the manual is made from.
    private static func describesSyntax(_ arguments: [String]) -> Bool {
        arguments.first == "--experimental-dump-help"
            || arguments.contains {
                $0 == "--generate-completion-script" || $0.hasPrefix("--generate-completion-script=")
            }
    }

    /// Prints `error` as `error:` lines on stderr and returns its exit code.
    static func report(_ error: Error, as root: any ParsableCommand.Type = Catalog.self, hint: String? = nil) -> Int32 {
        if let usage = error as? UsageError {
            Terminal.writeError(usage.text)
            return 2
        }
        if let message = message(for: error) {
            Terminal.writeError(message)
            return 1
        }
        if let failure = error as? CommandFailure {
            // `throw ExitCode(1)` (e.g. `status --exit-code`) carries no message.
            if !failure.message.isEmpty { Terminal.writeError(failure.message) }
            return failure.exitCode
        }
        let code = root.exitCode(for: error)
        let message = root.fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { print(message) }
            return 0
        }
        // One style for every error line: argument-parser says "Error:" and "Help:", catalog
        // "error:" (and the hint that names the right command goes on the error's line).
        var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let first = lines.first, first.hasPrefix("Error: ") {
            // "Unknown option" -> "unknown option", as catalog words its own errors.
            var text = first.dropFirst(7)
            if let initial = text.first, initial.isUppercase, text.dropFirst().first?.isLowercase == true {
                text = Substring(initial.lowercased()) + text.dropFirst()
            }
            lines[0] = "error: " + text
        }
        if let hint { lines[0] = hint.hasPrefix("error: ") ? hint : lines[0] + "; " + hint }
        lines = lines.map { $0.hasPrefix("Help:  ") ? "help: " + $0.dropFirst(7) : $0 }
        let text = lines.joined(separator: "\n")
        if !text.isEmpty { Terminal.writeError(text) }
        return code == .validationFailure ? 2 : code.rawValue
    }

    /// The `error:` lines for the library's own errors, or nil for argument-parser's.
    private static func message(for error: Error) -> String? {
        switch error {
        case let error as SeedValidationError:
            return error.issues.map { "error: \($0)" }.joined(separator: "\n")
                + (error.omitted > 0 ? "\nerror: ... and \(error.omitted) more problems" : "")
        case let error as MigrationError:
            return "error: \(error)" + Hints.hint(for: error)
        case let error as SeedSetupError:
            return "error: \(error)" + Hints.hint(for: error)
        case let error as any DatabaseError:
            return "error: \(error)" + Hints.hint(for: error)
        case is FileSystem.Failure, is CatalogQuery.UnknownName, is RecordError, is DatabaseAddressError:
            return "error: \(error)"
        default:
            return nil
        }
    }
}

/// A usage error found while a command ran (a `ValidationError` from `run()`): the message, then
/// the usage of the command that was used, as argument-parser prints its own.
struct UsageError: Error {
    var message: String
    var command: any ParsableCommand.Type

    var text: String {
        let usage = Catalog.usageString(for: command)
        // "catalog migrate status [--flags]": the command's words come before its arguments.
        let words = usage.split(separator: " ").prefix { !"[<-(".contains($0.first ?? "[") }
        return
            "error: \(message)\nUsage: \(usage)\n  See '\(words.joined(separator: " ")) --help' for more information."
    }
}

/// An error the CLI reports itself: one line on stderr and an exit code.
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32 = 1

    init(_ message: String, exitCode: Int32 = 1) {
        self.message = "error: " + message
        self.exitCode = exitCode
    }

    /// A message already formatted, `error:` prefix included.
    init(raw message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }
}
