import ArgumentParser
import CatalogKit

#if canImport(Glibc)
    import Glibc
#endif

/// The `catalog` command: a thin shell over CatalogKit.
struct Catalog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Keep a catalog of backend web frameworks in SQLite: migrate its schema and answer questions.",
        version: "0.1.0",
        subcommands: [Query.self, List.self, SQL.self, Schema.self, Tables.self, Migrate.self, Seed.self, Setup.self]
    )
}

/// Runs the command and maps every outcome to one exit code: 0 success, 1 failure of the
/// operation, 2 bad usage (argument-parser itself would use 64 for usage errors).
@main
enum CatalogMain {
    static func main() {
        do {
            var command = try Catalog.parseAsRoot()
            try command.run()
        } catch let error as CommandFailure {
            fail(error.message, code: error.exitCode)
        } catch let error as MigrationError {
            fail("error: \(error)", code: 1)
        } catch let error as FileSystem.Failure {
            fail("error: \(error)", code: 1)
        } catch let error as CatalogQuery.UnknownName {
            fail("error: \(error)", code: 1)
        } catch let error as SQLiteError {
            fail("error: \(error)", code: 1)
        } catch let error as RecordError {
            fail("error: \(error)", code: 1)
        } catch {
            if let message = SeedBackend.message(for: error) { fail(message, code: 1) }
            let code = Catalog.exitCode(for: error)
            let message = Catalog.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                exit(0)
            }
            // One style for every error line: argument-parser says "Error:", catalog "error:".
            let text = message.hasPrefix("Error: ") ? "error: " + message.dropFirst(7) : message
            fail(text, code: code == .validationFailure ? 2 : code.rawValue)
        }
        exit(0)
    }

    static func fail(_ message: String, code: Int32) -> Never {
        // `throw ExitCode(1)` (e.g. `status --exit-code`) carries no message.
        if !message.isEmpty { Terminal.writeError(message) }
        exit(code)
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
