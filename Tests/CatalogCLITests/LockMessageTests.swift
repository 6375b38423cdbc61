import Foundation
import Testing

/// A writer that gives up on a lock says how long it waited, which option waits longer, and who
/// holds the lock when that can be known (issue 13, item 6): catalog's own write lock (its lock
/// file records the holder) and SQLite's write lock (the kernel's lock table names the process).
@Suite(.serialized) struct LockMessageTests {
    /// The sqlite3 shell holding SQLite's write lock on the sandbox's catalog until `release()`.
    final class SQLiteWriter {
        let sandbox: CLISandbox
        let process: RunningCLI
        static let arguments = [
            "catalog.sqlite3", "BEGIN IMMEDIATE;", ".shell touch held",
            ".shell while [ ! -e release ] && [ -e held ]; do sleep 0.05; done", "COMMIT;",
        ]

        init(_ sandbox: CLISandbox) throws {
            self.sandbox = sandbox
            process = try sandbox.start(["/usr/bin/sqlite3"] + Self.arguments, shell: true)
            try waitUntil("the sqlite3 shell holds the lock") { sandbox.exists("held") }
        }

        /// The holder as a message names it.
        var shown: String { "pid \(process.pid) (sqlite3 \(Self.arguments.joined(separator: " ")))" }

        func release() throws {
            try sandbox.write("release", "")
            let result = process.wait()
            #expect(result.exitCode == 0 && result.stderr == "", "sqlite3: \(result)")
        }
    }

    @Test func writersThatGiveUpOnSQLitesLockSayHowLongTheyWaitedAndWhoHoldsIt() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let writer = try SQLiteWriter(sandbox)
        let locked =
            "error: catalog.sqlite3 is locked by another process, \(writer.shown), which holds SQLite's write lock; "
            + "gave up after waiting 0.5 s"
        let hint = " (raise --lock-timeout to wait longer)\n"

        let seed = try timed { try sandbox.runBinary(["seed", "--lock-timeout", "0.5"]) }
        #expect(seed.result.exitCode == 1)
        #expect(seed.result.stderr == locked + "; the seed was rolled back and nothing was written" + hint)
        #expect(seed.seconds >= 0.5)

        let sql = try timed {
            try sandbox.runBinary(["sql", "--write", "DELETE FROM companies", "--lock-timeout", "0.5"])
        }
        #expect(sql.result.exitCode == 1)
        #expect(sql.result.stderr == locked + hint)
        #expect(sql.seconds >= 0.5)

        try sandbox.write(
            "Migrations/29990101000000_add_notes.sql",
            "-- migrate:up\nCREATE TABLE notes (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE notes;\n")
        let migrate = try timed { try sandbox.runBinary(["migrate", "--lock-timeout", "0.5"]) }
        #expect(migrate.result.exitCode == 1)
        #expect(migrate.result.stderr == locked + hint)
        #expect(migrate.seconds >= 0.5)

        try writer.release()
        // Nothing was written while the lock was held; now the same commands succeed.
        #expect(try sandbox.sqlite("SELECT count(*) FROM schema_migrations WHERE version = '29990101000000'") == "0\n")
        #expect(try sandbox.runBinary(["migrate", "--lock-timeout", "0.5"]).exitCode == 0)
        #expect(try sandbox.runBinary(["sql", "--write", "DELETE FROM company_aliases"]).exitCode == 0)
    }

    @Test func aWriterThatGivesUpOnCatalogsLockNamesTheCatalogProcessHoldingIt() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        // A seed takes catalog's write lock, then waits for SQLite's, which the sqlite3 shell holds.
        let writer = try SQLiteWriter(sandbox)
        let seed = try sandbox.start(["seed", "--lock-timeout", "30"])
        try waitUntil("the seed holds catalog's lock") {
            (try? sandbox.read("catalog.sqlite3-lock"))?.hasPrefix("pid \(seed.pid)\n") == true
        }
        let migrate = try sandbox.runBinary(["migrate", "--lock-timeout", "0.5"])
        #expect(migrate.exitCode == 1)
        #expect(
            normalized(migrate.stderr)
                == "error: another process, pid \(seed.pid) (catalog seed --lock-timeout 30, since TIMESTAMP), holds "
                + "catalog's write lock on catalog.sqlite3; gave up after waiting 0.5 s (raise --lock-timeout to wait "
                + "longer)\n")
        try writer.release()
        let seeded = seed.wait()
        #expect(seeded.exitCode == 0, "\(seeded.stderr)")
        // The holder empties its record before it lets go.
        #expect(try sandbox.read("catalog.sqlite3-lock") == "")
    }

    // MARK: - Support

    private func timed(_ body: () throws -> CLIResult) rethrows -> (result: CLIResult, seconds: Double) {
        let start = Date()
        let result = try body()
        return (result, Date().timeIntervalSince(start))
    }
}

/// Waits up to 10 s for `condition`, failing the test with `what` when it never holds.
func waitUntil(_ what: String, _ condition: () -> Bool) throws {
    let deadline = Date().addingTimeInterval(10)
    while !condition() {
        guard Date() < deadline else {
            Issue.record("timed out waiting until \(what)")
            throw CancellationError()
        }
        usleep(20_000)
    }
}
