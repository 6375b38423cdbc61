import CatalogPostgres
import Foundation
import Testing

/// An immediate server restart in the middle of `catalog seed --prune` and `catalog migrate`
/// (issue 15, item 3), on the restartable cluster of `scripts/with-postgres.sh` (restarting the
/// main server would break the suites running beside this one). `pg_ctl restart -m immediate`
/// kills every server process at once; the server then recovers from its WAL. catalog must stop
/// with one line saying the connection was lost and nothing was written, the database must hold
/// the previous state exactly, and the next run must complete.
///
/// Trials per test: `CATALOG_RESTART_TRIALS` (default 4).
@Suite(.serialized, .enabled(if: PostgresTestServers.canRestart)) struct PostgresRestartTests {
    static var trials: Int {
        ProcessInfo.processInfo.environment["CATALOG_RESTART_TRIALS"].flatMap(Int.init) ?? 4
    }

    /// Restarts the restartable cluster with its script, which must succeed quietly, then waits
    /// until it accepts connections again.
    static func restart(_ sandbox: CLISandbox, server: String) throws {
        let script = try #require(PostgresTestServers.restartScript)
        let result = try sandbox.runTool(script, [])
        #expect(result.exitCode == 0, "the restart script exited \(result.exitCode): \(result.stderr)")
        #expect(result.stderr == "", "the restart script printed \(result.stderr)")
        #expect(
            PostgresTestServers.waitUntilAccepting(server),
            "the server does not accept connections 60 s after a restart")
    }

    /// The statement a catalog session runs on `database` when it writes (COPY, INSERT, DELETE,
    /// UPDATE, CREATE), or nil, as `db` (a connection to the server) sees it.
    static func writingStatement(_ db: PostgresConnection, database: String) -> String? {
        try? db.fetchValue(
            """
            SELECT left(query, 40) FROM pg_stat_activity
            WHERE application_name = 'catalog' AND state = 'active' AND datname = $1
              AND query ~* '^\\s*(COPY|INSERT|DELETE|UPDATE|CREATE)'
            LIMIT 1
            """, [.text(database)], as: String.self)
    }

    /// Waits (at most 30 s) until a catalog session writes to `database`; false when none was seen
    /// (the command finished or failed first).
    static func waitForWrite(_ db: PostgresConnection, database: String, while running: RunningCLI) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if writingStatement(db, database: database) != nil { return true }
            // The command may be gone already.
            if Foundation.kill(running.pid, 0) != 0 { return false }
            usleep(5_000)
        }
        return false
    }

    /// One line on stderr that names the lost connection, says nothing was written and to run the
    /// command again; no libpq text.
    static func expectOneLineLostConnection(_ result: CLIResult, trial: Int, violations: inout [String]) {
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let text = result.stderr
        if result.exitCode == 0 || lines.count != 1 || !text.hasPrefix("error: ")
            || !text.contains("lost the connection to the server (it restarted")
            || !text.contains("run the command again") || text.contains("server closed the connection")
        {
            violations.append("trial \(trial): exit \(result.exitCode), stderr \(text.debugDescription)")
        }
    }

    @Test func restartingTheServerDuringASeedWritesNothingAndTheRerunCompletes() throws {
        let server = try #require(PostgresTestServers.restartable)
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase(server: server)
        try KillTests.writeLargeSeeds(sandbox, companies: 10_000, generation: 0)
        try sandbox.succeed(["setup", "--database", pg.url])
        func state() throws -> [String] { try PostgresKillTests.seedState(pg) }
        let initial = try state()
        var violations: [String] = []
        var interrupted = 0
        var moments: [String] = []
        for trial in 1...Self.trials {
            try KillTests.writeLargeSeeds(sandbox, companies: 10_000, generation: trial)
            let before = try state()
            let running = try sandbox.start(["seed", "--prune", "--database", pg.url])
            // At different moments: as the first write shows, then later and later into the load.
            let delay = [0, 250, 600, 1_000][(trial - 1) % 4]
            // A connection of the test's own, which the restart ends too.
            let watcher = try PostgresConnection(url: server)
            if !Self.waitForWrite(watcher, database: pg.name, while: running) {
                violations.append("trial \(trial): the seed never wrote")
            }
            usleep(useconds_t(delay * 1_000))
            let statement = Self.writingStatement(watcher, database: pg.name) ?? "(between statements)"
            moments.append("+\(delay) ms: \(statement.prefix(30))")
            try Self.restart(sandbox, server: server)
            let result = running.wait()
            if result.exitCode == 0 {
                // It committed before the restart: then the new generation must be there whole.
                if try state() == before { violations.append("trial \(trial): exit 0 but nothing was written") }
            } else {
                interrupted += 1
                Self.expectOneLineLostConnection(result, trial: trial, violations: &violations)
                let after = try state()
                if after != before { violations.append("trial \(trial): \(before) became \(after) after the restart") }
            }
            let rerun = try sandbox.run(["seed", "--prune", "--database", pg.url])
            if rerun.exitCode != 0 { violations.append("trial \(trial): the rerun failed: \(rerun.stderr)") }
            let expected = initial.map { $0.replacing("Generated 0-", with: "Generated \(trial)-") }
            if try state() != expected {
                violations.append("trial \(trial): after the rerun \(try state()), not \(expected)")
            }
            if trial == 1 { print("restart (seed) stderr: \(result.stderr)", terminator: "") }
        }
        print("restart trials (PostgreSQL seed): \(Self.trials), \(interrupted) interrupted mid-run at \(moments)")
        #expect(violations.isEmpty, "\(violations)")
        #expect(interrupted > 0, "no restart landed during a seed; the trials proved nothing")
    }

    @Test func restartingTheServerDuringMigrateKeepsEveryMigrationWholeAndTheRerunCompletes() throws {
        let server = try #require(PostgresTestServers.restartable)
        var violations: [String] = []
        var interrupted = 0
        for trial in 1...max(Self.trials / 2, 1) {
            let sandbox = try CLISandbox(.project)
            try PostgresKillTests.writeGeneratedMigrations(sandbox)
            let pg = try PostgresTestDatabase(server: server)
            // The second trial starts from a partly migrated database.
            if trial % 2 == 0 { try sandbox.succeed(["migrate", "--database", pg.url, "--step", "9"]) }
            let running = try sandbox.start(["migrate", "--database", pg.url])
            // Once the migrations write (after CREATE DATABASE, which is not in the database).
            if !Self.waitForWrite(try PostgresConnection(url: server), database: pg.name, while: running) {
                violations.append("trial \(trial): migrate never wrote")
            }
            usleep(useconds_t(trial * 200_000))
            try Self.restart(sandbox, server: server)
            let result = running.wait()
            if result.exitCode != 0 {
                interrupted += 1
                Self.expectOneLineLostConnection(result, trial: trial, violations: &violations)
                if trial == 1 { print("restart (migrate) stderr: \(result.stderr)", terminator: "") }
            }
            violations += try PostgresKillTests.migrationViolations(pg, trial: trial)
            violations += try PostgresKillTests.rerunMigrateViolations(sandbox, pg, trial: trial)
        }
        print("restart trials (PostgreSQL migrate): \(max(Self.trials / 2, 1)), \(interrupted) interrupted mid-run")
        #expect(violations.isEmpty, "\(violations)")
        #expect(interrupted > 0, "no restart landed during a migrate; the trials proved nothing")
    }
}
