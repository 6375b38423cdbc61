import Foundation
import Testing

/// The options of `catalog migrate ...`, through the built binary.
@Suite struct MigrateOptionsTests {
    @Test func toAndRollbackToWorkOnVersions() throws {
        let sandbox = try CLISandbox()
        let to = try sandbox.run(["migrate", "--to", "20241124120100"])
        #expect(normalized(to.stdout).hasSuffix("Migrated 2 migrations in batch 1 (N ms).\n"))
        try sandbox.succeed(["migrate"])
        let back = try sandbox.run(["migrate", "rollback", "--to", "20241124120200"])
        #expect(
            normalized(back.stdout) == """
                Rolled back 20241124120400_create_framework_links (N ms)
                Rolled back 20241124120300_create_companies (N ms)
                Rolled back 2 migrations (N ms).

                """)
        let unknown = try sandbox.run(["migrate", "rollback", "--to", "20990101000000"])
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr == "error: no migration has version 20990101000000\n")
    }

    @Test func outOfOrderAndMissingNeedTheirFlags() throws {
        let sandbox = try CLISandbox()
        try sandbox.succeed(["migrate"])
        try sandbox.write(
            "Migrations/20241124115900_early_idea.sql",
            "-- migrate:up\nCREATE TABLE early(x);\n-- migrate:down\nDROP TABLE early;\n")
        let refused = try sandbox.run(["migrate"])
        #expect(refused.exitCode == 1)
        #expect(
            refused.stderr
                == "error: Migrations/20241124115900_early_idea.sql is older than the newest applied migration 20241124120400 (merged from another branch?); apply with --allow-out-of-order\n"
        )
        let allowed = try sandbox.run(["migrate", "--allow-out-of-order"])
        #expect(allowed.exitCode == 0)
        #expect(normalized(allowed.stdout).hasPrefix("Applied 20241124115900_early_idea (N ms)\n"))

        try FileManager.default.removeItem(atPath: sandbox.root + "/Migrations/20241124115900_early_idea.sql")
        try sandbox.write(
            "Migrations/20250101000000_later.sql", "-- migrate:up\nCREATE TABLE later(x);\n-- migrate:down\n")
        let missing = try sandbox.run(["migrate"])
        #expect(missing.exitCode == 1)
        #expect(
            missing.stderr
                == "error: migration 20241124115900_early_idea is applied but its file is missing; restore it, or pass --ignore-missing if it was removed on purpose\n"
        )
        let status = try sandbox.run(["migrate", "status"])
        #expect(status.stdout.contains("20241124115900  early_idea              missing"))
        #expect(try sandbox.run(["migrate", "--ignore-missing"]).exitCode == 0)
    }

    @Test func resetDryRunChangesNothing() throws {
        let sandbox = try CLISandbox()
        try sandbox.succeed(["migrate"])
        let before = try sandbox.sqlite("SELECT version FROM schema_migrations ORDER BY sequence")
        let dry = try sandbox.run(["migrate", "reset", "--dry-run"])
        #expect(dry.exitCode == 0)
        #expect(dry.stdout.contains("DROP TABLE languages;"))
        #expect(dry.stdout.contains("DELETE FROM schema_migrations WHERE version = ?;  -- version=20241124120000"))
        #expect(try sandbox.sqlite("SELECT version FROM schema_migrations ORDER BY sequence") == before)
    }

    @Test func lockTimeoutIsBounded() throws {
        let sandbox = try CLISandbox()
        for value in ["1e16", "-1", "nan"] {
            let result = try sandbox.run(["migrate", "--lock-timeout=\(value)"])
            #expect(result.exitCode == 2, "\(value)")
            #expect(result.stderr.hasPrefix("error: --lock-timeout must be a number of seconds from 0 to 86400\n"))
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func resetAsksOnATerminal() throws {
        let sandbox = try CLISandbox()
        try sandbox.succeed(["migrate"])
        // script(1) gives catalog a pseudo-terminal and types our answer into it.
        func answer(_ text: String) throws -> (output: String, status: Int32) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qec", "\(CLISandbox.binary) migrate reset", "/dev/null"]
            process.currentDirectoryURL = URL(fileURLWithPath: sandbox.root)
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            input.fileHandleForWriting.write(Data((text + "\n").utf8))
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (String(decoding: data, as: UTF8.self), process.terminationStatus)
        }
        let (declined, declinedStatus) = try answer("no")
        #expect(declinedStatus == 1)
        #expect(declined.contains("Type 'yes' to continue:"))
        #expect(declined.contains("error: migrate reset cancelled; nothing was changed"))
        #expect(try sandbox.sqlite("SELECT count(*) FROM schema_migrations") == "5\n")
        let (accepted, acceptedStatus) = try answer("yes")
        #expect(acceptedStatus == 0)
        #expect(accepted.contains("Rolled back 5 migrations"))
        #expect(try sandbox.sqlite("SELECT count(*) FROM schema_migrations") == "0\n")
    }
}
