import Foundation
import Testing

/// Bad places and bad files for the database: a clear error, never a crash, never an overwrite.
@Suite(.serialized) struct FaultTests {
    @Test func aMissingDirectoryIsAClearError() throws {
        let sandbox = try CLISandbox(.project)
        let result = try sandbox.run(["setup", "--database", "no/such/dir/catalog.sqlite3"])
        #expect(result.exitCode == 1)
        #expect(
            result.stderr
                == "error: no/such/dir/catalog.sqlite3: cannot create lock file no/such/dir/catalog.sqlite3-lock: no such file or directory\n"
        )
        let setup = try sandbox.run(["setup", "--database", "/proc/catalog.sqlite3"])
        #expect(setup.exitCode == 1)
        #expect(setup.stderr.hasPrefix("error: /proc/catalog.sqlite3: "), "\(setup.stderr)")
        // A reader never creates a database it was pointed at: it says how to.
        let query = try sandbox.run(["query", "--company", "PayPal", "--database", "/proc/catalog.sqlite3"])
        #expect(query.exitCode == 1)
        #expect(
            query.stderr
                == "error: no catalog database at /proc/catalog.sqlite3; to create one there, run: catalog setup --database /proc/catalog.sqlite3\n"
        )
    }

    @Test func aTruncatedDatabaseIsReportedAndLeftAlone() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        try sandbox.succeed(["sql", "SELECT 1"])  // checkpoints nothing; the WAL is folded in on close
        let path = sandbox.root + "/catalog.sqlite3"
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        let truncated = whole.prefix(whole.count / 3)
        try truncated.write(to: URL(fileURLWithPath: path))
        for arguments in [["query", "--company", "PayPal"], ["migrate"], ["seed"], ["migrate", "status"]] {
            let result = try sandbox.run(arguments)
            #expect(result.exitCode == 1, "\(arguments)")
            #expect(result.stderr.hasPrefix("error: "), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"), "\(arguments)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == truncated)
    }

    @Test func anotherApplicationsDatabaseIsNeverChanged() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.sqlite(
            "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);")
        let before = try Data(contentsOf: URL(fileURLWithPath: sandbox.root + "/catalog.sqlite3"))
        for arguments in [["setup"], ["migrate"], ["query", "--company", "PayPal"], ["migrate", "fresh", "--force"]] {
            let result = try sandbox.run(arguments)
            #expect(result.exitCode == 1, "\(arguments)")
            #expect(
                result.stderr.contains("holds tables (invoices) but no schema_migrations ledger"),
                "\(arguments): \(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.root + "/catalog.sqlite3")) == before)
    }

    /// A real full disk: a 1 MiB tmpfs (needs root, as CI has; skipped elsewhere).
    @Test func aFullDiskMidSeedRollsBackAndTheCatalogStillAnswers() throws {
        let sandbox = try CLISandbox(.project)
        let mountPoint = sandbox.root + "/tiny"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]) == 0 else {
            print("skipped: cannot mount a tmpfs here")
            return
        }
        defer { _ = run("/bin/umount", [mountPoint]) }
        let database = mountPoint + "/catalog.sqlite3"
        #expect(try sandbox.run(["setup", "--database", database]).exitCode == 0)
        try KillTests.writeLargeSeeds(sandbox, companies: 40_000, generation: 1)
        let result = try sandbox.run(["seed", "--database", database])
        #expect(result.exitCode == 1)
        #expect(
            result.stderr.hasSuffix(
                "database or disk is full (SQLITE_FULL); the seed was rolled back and nothing was written\n"),
            "\(result.stderr)")
        let query = try sandbox.run(["query", "--company", "PayPal", "--database", database, "--format", "csv"])
        #expect(query.exitCode == 0, "\(query.stderr)")
        #expect(query.stdout.contains("Express"))
        #expect(try sandbox.sqlite("PRAGMA integrity_check", database: "tiny/catalog.sqlite3") == "ok\n")
        #expect(try sandbox.sqlite("SELECT count(*) FROM companies", database: "tiny/catalog.sqlite3") == "32\n")
    }

    private func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
