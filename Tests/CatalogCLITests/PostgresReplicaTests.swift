import CatalogPostgres
import Foundation
import Testing

/// The extra servers of `scripts/with-postgres.sh`: a streaming hot standby of the test server
/// and an independent cluster that tests may restart.
enum PostgresTestServers {
    static func variable(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `CATALOG_TEST_POSTGRES_STANDBY`: a libpq keyword string of the standby's `postgres` database.
    static var standby: String? { variable("CATALOG_TEST_POSTGRES_STANDBY") }
    /// `CATALOG_TEST_POSTGRES_RESTARTABLE`: the restartable cluster's `postgres` database.
    static var restartable: String? { variable("CATALOG_TEST_POSTGRES_RESTARTABLE") }
    /// `CATALOG_TEST_POSTGRES_RESTART`: a script that restarts that cluster at once and waits.
    static var restartScript: String? { variable("CATALOG_TEST_POSTGRES_RESTART") }

    static var hasStandby: Bool { PostgresTestDatabase.isConfigured && standby != nil }
    static var canRestart: Bool { restartable != nil && restartScript != nil }

    /// Waits up to `seconds` until `server` accepts connections and answers a query; false if it
    /// never did.
    static func waitUntilAccepting(_ server: String, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let db = try? PostgresConnection(url: server), (try? db.fetchValue("SELECT 1", as: Int64.self)) == 1 {
                return true
            }
            usleep(50_000)
        }
        return false
    }
}

/// In CI (`CATALOG_REQUIRE_POSTGRES=1`) the standby and the restartable server must be there:
/// a run without them fails instead of skipping the suites that need them.
@Suite struct PostgresReplicaServerTests {
    @Test func theStandbyAndTheRestartableServerAreConfiguredOrTheSkipIsLoud() throws {
        let missing = [
            "CATALOG_TEST_POSTGRES_STANDBY", "CATALOG_TEST_POSTGRES_RESTARTABLE", "CATALOG_TEST_POSTGRES_RESTART",
        ].filter { PostgresTestServers.variable($0) == nil }
        guard missing.isEmpty else {
            if ProcessInfo.processInfo.environment["CATALOG_REQUIRE_POSTGRES"] != nil {
                let names = missing.joined(separator: ", ")
                Issue.record(
                    "CATALOG_REQUIRE_POSTGRES is set (CI) but \(names) is not: run through scripts/with-postgres.sh")
            }
            print("PostgreSQL standby and restart tests SKIPPED: \(missing.joined(separator: ", ")) not set")
            return
        }
        let standby = try PostgresConnection(url: try #require(PostgresTestServers.standby))
        #expect(try standby.fetchValue("SELECT pg_is_in_recovery()", as: Int64.self) == 1)
    }
}

/// Readers on a hot standby (issue 15, item 2): a database set up on the primary answers every
/// reading command on the standby exactly as on the primary, and every writing command refuses
/// the standby in one line before it changes anything.
@Suite(.enabled(if: PostgresTestServers.hasStandby)) struct PostgresReplicaTests {
    /// The commands that only read, beyond `PostgresCLITests.readingCommands`.
    static let readingCommands: [[String]] =
        PostgresCLITests.readingCommands + [
            ["schema"], ["schema", "companies"], ["migrate", "status"], ["migrate", "status", "--exit-code"],
            ["migrate", "--dry-run"], ["migrate", "rollback", "--dry-run"], ["seed", "--dry-run"],
            ["sql", "SELECT count(*) AS companies FROM companies"],
        ]

    /// The commands that write: each must refuse the standby.
    static let writingCommands: [[String]] = [
        ["migrate"], ["migrate", "up"], ["migrate", "rollback"], ["migrate", "redo"], ["migrate", "reset", "--force"],
        ["migrate", "fresh", "--force"], ["migrate", "repair", "20240101000000"], ["seed"], ["seed", "--prune"],
        ["setup"],
    ]

    /// Waits until the standby has replayed the primary's WAL up to now (at most 30 s).
    static func waitForReplay(_ pg: PostgresTestDatabase, standby: String) throws {
        let primary = try PostgresConnection(url: pg.server)
        // The insert position, not pg_current_wal_lsn() (what is written so far): the test server
        // runs with synchronous_commit off, so the last commit's record may not be written yet,
        // and a standby that replayed up to the write position could still lack it (seen in CI).
        let target = try #require(
            try primary.fetchValue("SELECT pg_current_wal_insert_lsn()::text", as: String.self))
        let replica = try PostgresConnection(url: standby)
        let deadline = Date().addingTimeInterval(30)
        while true {
            let caughtUp = try replica.fetchValue(
                "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)", [.text(target)], as: Int64.self)
            if caughtUp == 1 { return }
            guard Date() < deadline else {
                Issue.record("the standby did not replay up to \(target) within 30 s")
                return
            }
            usleep(20_000)
        }
    }

    /// What a database holds, to show that nothing changed: its tables with their row counts and
    /// the ledger.
    static func contents(of url: String) throws -> [String] {
        let db = try PostgresConnection(url: url)
        var lines: [String] = []
        let tables = try db.fetchAll("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            .compactMap { $0.get(0, as: String.self) }
        for table in tables {
            let count = try db.fetchValue("SELECT count(*) FROM \"\(table)\"", as: Int64.self) ?? -1
            lines.append("\(table): \(count)")
        }
        lines += try db.fetchAll(
            "SELECT version || ' ' || batch || ' ' || applied_at FROM schema_migrations ORDER BY 1"
        )
        .compactMap { $0.get(0, as: String.self) }
        return lines
    }

    @Test func everyReadingCommandAnswersOnTheStandbyAsOnThePrimary() throws {
        let standby = try #require(PostgresTestServers.standby)
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase()
        // Read as the reader role (catalog sql refuses the superuser), which the standby has too.
        try sandbox.succeed(["setup", "--database", pg.url, "--reader", pg.readerName])
        try Self.waitForReplay(pg, standby: standby)
        let standbyURL = PostgresConnection.url(
            PostgresTestDatabase.url(of: pg.name, on: standby), withUser: pg.readerName)
        // The URL is the only difference a command may print.
        func sameDatabase(_ text: String, _ url: String) -> String {
            text.replacing(url, with: "DATABASE")
                .replacing(PostgresMigrationDriver(url: url).location, with: "DATABASE")
        }
        for command in Self.readingCommands {
            let primary = try sandbox.run(command + ["--database", pg.readerURL])
            let replica = try sandbox.run(command + ["--database", standbyURL])
            let line = command.joined(separator: " ")
            // Only the misspelt name is an error, there as on the standby.
            #expect(primary.exitCode == 0 || line == "query --company Paypall", "catalog \(line): \(primary.stderr)")
            #expect(
                sameDatabase(replica.stdout, standbyURL) == sameDatabase(primary.stdout, pg.readerURL),
                "catalog \(line): stdout differs on the standby")
            #expect(
                sameDatabase(replica.stderr, standbyURL) == sameDatabase(primary.stderr, pg.readerURL),
                "catalog \(line): stderr differs on the standby: \(replica.stderr)")
            #expect(replica.exitCode == primary.exitCode, "catalog \(line): exit code differs on the standby")
        }
        // Equal output is not equal emptiness: the standby answers from the seeded catalog.
        #expect(try sandbox.run(["query", "--company", "PayPal", "--database", standbyURL]).stdout.contains("Express"))
    }

    @Test func everyWritingCommandRefusesTheStandbyInOneLineAndChangesNothing() throws {
        let standby = try #require(PostgresTestServers.standby)
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase()
        try sandbox.succeed(["setup", "--database", pg.url])
        // Work for every writer: a changed seed (the seed commands run first: they refuse pending
        // migrations before anything else), then a pending migration.
        try KillTests.writeLargeSeeds(sandbox, companies: 50, generation: 1)
        try Self.waitForReplay(pg, standby: standby)
        let standbyURL = PostgresTestDatabase.url(of: pg.name, on: standby)
        let before = try Self.contents(of: pg.url)
        let standbyBefore = try Self.contents(of: standbyURL)  // outside #expect, which then shows both
        #expect(standbyBefore == before)
        let refusal =
            "error: \(PostgresMigrationDriver(url: standbyURL).location) is a read-only standby (the server is in "
            + "recovery); nothing was changed: run catalog migrate, seed and setup against the primary\n"
        // catalog sql --write is refused at open, before any statement.
        let sql = try sandbox.run(["sql", "--write", "--database", standbyURL, "DELETE FROM company_aliases"])
        #expect(sql.exitCode == 1)
        #expect(
            sql.stderr
                == "error: \(PostgresMigrationDriver(url: standbyURL).location) is a read-only standby (the server is "
                + "in recovery); nothing was changed: run catalog sql --write against the primary\n")
        let seeding = Self.writingCommands.filter { $0[0] != "migrate" }
        let migrating = Self.writingCommands.filter { $0[0] == "migrate" }
        for (index, command) in (seeding + migrating).enumerated() {
            if index == seeding.count {
                try sandbox.write(
                    "Migrations/postgresql/20300101000000_add_standby_probe.sql",
                    "-- migrate:up\nCREATE TABLE standby_probe (id bigint);\n\n-- migrate:down\nDROP TABLE standby_probe;\n"
                )
            }
            let result = try sandbox.run(command + ["--database", standbyURL])
            let line = command.joined(separator: " ")
            #expect(result.exitCode == 1, "catalog \(line) on the standby exited \(result.exitCode)")
            #expect(result.stderr == refusal, "catalog \(line) on the standby printed \(result.stderr)")
            #expect(result.stdout == "", "catalog \(line) on the standby printed \(result.stdout)")
        }
        // A database the standby lacks is not created there either (CREATE DATABASE is refused).
        let missing = PostgresTestDatabase.url(of: "cli_not_on_the_standby", on: standby)
        let create = try sandbox.run(["migrate", "--database", missing])
        #expect(create.exitCode == 1)
        #expect(create.stderr.contains("is a read-only standby (the server is in recovery)"), "\(create.stderr)")
        #expect(create.stderr.split(separator: "\n").count == 1, "\(create.stderr)")
        let read = try sandbox.run(["query", "--database", missing])
        #expect(read.exitCode == 1)
        #expect(read.stderr.hasPrefix("error: no catalog database at "), "\(read.stderr)")
        #expect(read.stderr.contains("catalog setup --database"), "\(read.stderr)")
        // Nothing changed on either server, and the primary still takes the same commands.
        try Self.waitForReplay(pg, standby: standby)
        let (primaryAfter, standbyAfter) = (try Self.contents(of: pg.url), try Self.contents(of: standbyURL))
        #expect(primaryAfter == before)
        #expect(standbyAfter == before)
        let migrated = try sandbox.run(["migrate", "--database", pg.url])
        #expect(migrated.exitCode == 0, "\(migrated.stderr)")
        #expect(try pg.values("SELECT count(*) FROM standby_probe") == ["0"])
    }
}
