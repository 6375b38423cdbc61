import CatalogPostgres
import Foundation
import Testing

/// A database of its own on the test server (`CATALOG_TEST_POSTGRES`, set by
/// `scripts/with-postgres.sh`), which the commands create (`catalog migrate` creates a missing
/// database); dropped when the value goes.
final class PostgresTestDatabase {
    /// The server's libpq keyword string (`host=... port=... user=... dbname=postgres`).
    let server: String
    let name: String
    /// The postgres:// URL the commands are given.
    let url: String
    /// A reader role of its own (`catalog setup --reader`), and the URL that connects as it.
    let readerName: String
    let readerURL: String

    static var serverConnectionString: String? {
        ProcessInfo.processInfo.environment["CATALOG_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var isConfigured: Bool { serverConnectionString != nil }

    /// The keywords of a libpq keyword string (values without spaces or quotes).
    static func keywords(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { result[String(parts[0])] = String(parts[1]) }
        }
        return result
    }

    /// A new database name on `server` (a libpq keyword string; default: the test server).
    init(server: String? = nil) throws {
        self.server = try server ?? #require(Self.serverConnectionString)
        name = "cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        url = Self.url(of: name, on: self.server)
        readerName = "reader_" + name
        readerURL = PostgresConnection.url(url, withUser: readerName)
    }

    /// The postgres:// URL of `database` on the server of the keyword string `server`.
    static func url(of database: String, on server: String) -> String {
        let options = keywords(server)
        return
            "postgresql://\(options["user"] ?? "")@/\(database)?host=\(options["host"] ?? "")&port=\(options["port"] ?? "5432")"
    }

    /// A connection to this database (it must exist).
    func connect() throws -> PostgresConnection {
        try PostgresConnection(url: url)
    }

    /// Waits (`waitUntil`: up to 10 s) until a session runs `statement` on this database, as
    /// `pg_stat_activity` shows it. Only this database's sessions count: other tests may run the
    /// same text on the same server.
    func waitUntilRunning(_ statement: String) throws {
        let admin = try connect()
        try waitUntil("the server runs \(statement)") {
            let running = try? admin.fetchValue(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND query = $2 AND state = 'active'",
                [.text(name), .text(statement)], as: Int64.self)
            return (running ?? 0) > 0
        }
    }

    /// Runs `sql` on this database and returns the first column of every row as text.
    func values(_ sql: String) throws -> [String] {
        try connect().fetchAll(sql).map { row in
            switch row[0] {
            case .null: return "NULL"
            case .integer(let value): return String(value)
            case .real(let value): return String(value)
            case .text(let value): return value
            case .blob(let bytes): return "blob of \(bytes.count) bytes"
            }
        }
    }

    deinit {
        if let admin = try? PostgresConnection(url: server) {
            try? admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
            try? admin.execute("DROP ROLE IF EXISTS \"\(readerName)\"")
        }
    }
}

/// Every command on a `postgres://` URL (issue 14): the same output as on SQLite, byte for byte,
/// for the reading commands; migrations, seeds and `sql` with their guarantees; connection errors
/// in one line without the password. Runs the commands in-process against the test server.
@Suite(.enabled(if: PostgresTestDatabase.isConfigured)) struct PostgresCLITests {
    /// The command lines whose output must be the same on both backends.
    static let readingCommands: [[String]] = {
        var commands: [[String]] = []
        for format in ["table", "json", "jsonl", "csv", "markdown"] {
            commands.append(["query", "--company", "PayPal", "--format", format])
            commands.append(["query", "companies", "--framework", "Flask", "--format", format])
            commands.append(["list", "frameworks", "--format", format])
        }
        commands += [
            ["query"], ["query", "--framework", "rails"], ["query", "--framework", "ASP.NET", "--format", "json"],
            ["query", "features", "--framework", "Laravel", "--framework", "SpringBoot"],
            ["query", "languages", "--company", "Google", "--format", "jsonl"],
            ["query", "companies", "--language", "Java", "--feature", "Admin interface"],
            ["query", "--language", "python", "--feature", "ORM"],
            ["query", "--company", "Paypall"], ["query", "--company", "Slack", "--company", "PayPal"],
            ["query", "--company", "Slack", "--company", "PayPal", "--format", "json"],
            ["list", "languages"], ["list", "companies"], ["list", "features", "--format", "csv"],
            ["tables"], ["tables", "--format", "json"],
            ["sql", "SELECT name, first_release_year FROM frameworks ORDER BY name"],
            [
                "sql", "--format", "json",
                "SELECT c.name, count(*) AS frameworks FROM companies c JOIN framework_companies fc "
                    + "ON fc.company_id = c.id GROUP BY c.name ORDER BY frameworks DESC, c.name",
            ],
            ["sql", "SELECT 1 AS one; SELECT 'two' AS two, NULL AS absent"],
            ["sql", "--format", "csv", "SELECT name FROM languages WHERE name LIKE 'J%' ORDER BY name"],
        ]
        return commands
    }()

    /// A sandbox with the project's migrations and seeds, set up on SQLite and on PostgreSQL,
    /// with the PostgreSQL database's reader role (what `catalog sql` connects as).
    func setUpBoth() throws -> (CLISandbox, PostgresTestDatabase) {
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase()
        try sandbox.succeed(["setup"])
        try sandbox.succeed(["setup", "--database", pg.url, "--reader", pg.readerName])
        return (sandbox, pg)
    }

    /// Every reading command, run as the reader role, prints what it prints on SQLite.
    @Test func readingCommandsPrintTheSameBytesOnBothBackends() throws {
        let (sandbox, pg) = try setUpBoth()
        for command in Self.readingCommands {
            let lite = try sandbox.run(command)
            let server = try sandbox.run(command + ["--database", pg.readerURL])
            let line = command.joined(separator: " ")
            #expect(server.stdout == lite.stdout, "catalog \(line): stdout differs")
            #expect(server.stderr == lite.stderr, "catalog \(line): stderr differs")
            #expect(server.exitCode == lite.exitCode, "catalog \(line): exit code differs")
        }
        // A sample of the answers is what the article says, so equal output is not equal emptiness.
        #expect(try sandbox.run(["query", "--company", "PayPal", "--database", pg.url]).stdout.contains("Express"))
    }

    @Test func migrateCreatesTheDatabaseAndEverySubcommandRunsAsOnSQLite() throws {
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase()
        func normalized(_ text: String) -> String {
            text.replacing(/\(\d+ ms\)/, with: "(N ms)").replacing(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/, with: "TIME")
                .replacing(pg.url, with: "DATABASE").replacing("catalog.sqlite3", with: "DATABASE")
                .replacing("Migrations/postgresql/", with: "Migrations/")
        }
        let steps: [[String]] = [
            ["migrate", "--dry-run"], ["migrate"], ["migrate"], ["migrate", "status"],
            ["migrate", "rollback", "--step", "2"], ["migrate", "status", "--exit-code"], ["migrate", "up"],
            ["migrate", "redo"], ["migrate", "rollback", "--dry-run"], ["migrate", "reset", "--force"],
            ["migrate", "status"], ["migrate", "fresh", "--force"], ["migrate", "repair"],
        ]
        for step in steps {
            let lite = try sandbox.run(step)
            let server = try sandbox.run(step + ["--database", pg.url])
            let line = step.joined(separator: " ")
            #expect(server.exitCode == lite.exitCode, "catalog \(line): \(server.stderr)")
            if step.contains("--dry-run") {
                // The dry run prints the backend's own SQL; it names every migration in order.
                #expect(server.stdout.contains("20241125090100_create_framework_capabilities"), "\(line)")
                continue
            }
            #expect(normalized(server.stdout) == normalized(lite.stdout), "catalog \(line): stdout differs")
            #expect(normalized(server.stderr) == normalized(lite.stderr), "catalog \(line): stderr differs")
        }
        // The ledger on the server holds each migration once, in order.
        #expect(
            try pg.values("SELECT version FROM schema_migrations ORDER BY sequence")
                == (try sandbox.sqlite("SELECT version FROM schema_migrations ORDER BY sequence")).split(
                    separator: "\n"
                )
                .map(String.init))
    }

    @Test func theDryRunPrintsWhatTheRunExecutesAndChangesNothing() throws {
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase()
        try sandbox.succeed(["migrate", "--database", pg.url, "--step", "3"])
        let dry = try sandbox.run(["migrate", "--dry-run", "--database", pg.url])
        #expect(dry.exitCode == 0, "\(dry.stderr)")
        #expect(try pg.values("SELECT count(*) FROM schema_migrations") == ["3"])
        // Every statement of the four pending files, in order, then their ledger rows.
        var position = dry.stdout.startIndex
        for name in try FileManager.default.contentsOfDirectory(atPath: sandbox.root + "/Migrations/postgresql")
            .sorted()
            .dropFirst(3)
        {
            let file = try sandbox.read("Migrations/postgresql/" + name)
            let range = try #require(file.firstRange(of: /CREATE TABLE \w+/), "\(name) creates no table")
            let create = String(file[range])
            let found = try #require(dry.stdout[position...].firstRange(of: create), "\(name): \(create) not printed")
            position = found.upperBound
        }
        // Running it applies exactly what the dry run listed.
        try sandbox.succeed(["migrate", "--database", pg.url])
        #expect(try pg.values("SELECT count(*) FROM schema_migrations") == ["7"])
    }

    @Test func seedsAreIdempotentAndAllOrNothing() throws {
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase()
        try sandbox.succeed(["migrate", "--database", pg.url])
        let first = try sandbox.succeed(["seed", "--database", pg.url])
        #expect(first.stdout.contains("218 inserted"), "\(first.stdout)")
        let again = try sandbox.succeed(["seed", "--database", pg.url])
        #expect(again.stdout.contains("nothing changed"), "\(again.stdout)")
        let before = try pg.values("SELECT name FROM companies ORDER BY id")
        // A seed file with an error late in it: nothing of the whole seed is written.
        try sandbox.write(
            "Seeds/zz_more.yml", "companies:\n  - name: Brand New Co\n  - name: \"\"\n")
        let broken = try sandbox.run(["seed", "--database", pg.url])
        #expect(broken.exitCode == 1)
        #expect(broken.stderr.contains("zz_more.yml"), "\(broken.stderr)")
        #expect(try pg.values("SELECT name FROM companies ORDER BY id") == before)
        // The dry run reports what would change and writes nothing.
        try sandbox.write("Seeds/zz_more.yml", "companies:\n  - name: Brand New Co\n")
        let dry = try sandbox.succeed(["seed", "--dry-run", "--database", pg.url])
        #expect(dry.stdout.contains("Dry run: 1 to insert, 0 to update, 0 to prune"), "\(dry.stdout)")
        #expect(try pg.values("SELECT name FROM companies ORDER BY id") == before)
        try sandbox.succeed(["seed", "--database", pg.url])
        #expect(try pg.values("SELECT count(*) FROM companies WHERE name = 'Brand New Co'") == ["1"])
    }

    @Test func sqlIsReadOnlyUnlessWriteAndTheTimeoutStopsTheServer() throws {
        let (sandbox, pg) = try setUpBoth()
        let refused = try sandbox.run(["sql", "--database", pg.readerURL, "DELETE FROM framework_companies"])
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.hasPrefix("error: "), "\(refused.stderr)")
        #expect(try pg.values("SELECT count(*) FROM framework_companies") == ["34"])
        let written = try sandbox.run([
            "sql", "--write", "--database", pg.url, "UPDATE companies SET name = name || '!' WHERE name = 'PayPal'",
        ])
        #expect(written.exitCode == 0, "\(written.stderr)")
        #expect(try pg.values("SELECT count(*) FROM companies WHERE name = 'PayPal!'") == ["1"])
        // A write script that fails half-way changes nothing.
        let failed = try sandbox.run([
            "sql", "--write", "--database", pg.url,
            "DELETE FROM framework_companies; SELECT no_such_column FROM companies",
        ])
        #expect(failed.exitCode == 1)
        #expect(try pg.values("SELECT count(*) FROM framework_companies") == ["34"])
        // --timeout is the server's statement timeout (and a cancel): pg_sleep(30) stops.
        let start = ContinuousClock().now
        let slow = try sandbox.run(["sql", "--timeout", "0.5", "--database", pg.readerURL, "SELECT pg_sleep(30)"])
        #expect(slow.exitCode == 1)
        #expect(slow.stderr.contains("--timeout"), "\(slow.stderr)")
        #expect(ContinuousClock().now - start < .seconds(15))
        // --max-memory is SQLite's heap limit: on a server it is refused, not ignored.
        let memory = try sandbox.run(["sql", "--max-memory", "64M", "--database", pg.readerURL, "SELECT 1"])
        #expect(memory.exitCode == 2)
        #expect(
            memory.stderr.hasPrefix("error: --max-memory bounds SQLite's own memory and a PostgreSQL server bounds"),
            "\(memory.stderr)")
        #expect(memory.stderr.contains("\nUsage: catalog sql "), "\(memory.stderr)")
        // Parameters bind as $1, $2.
        let bound = try sandbox.run([
            "sql", "--database", pg.readerURL, "--param", "Flask", "SELECT name FROM frameworks WHERE name = $1",
        ])
        #expect(bound.stdout.contains("Flask"), "\(bound.stderr)")
    }

    @Test func schemaIsDeterministicAndNamesEveryTable() throws {
        let (sandbox, pg) = try setUpBoth()
        let first = try sandbox.run(["schema", "--database", pg.url])
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(try sandbox.run(["schema", "--database", pg.url]).stdout == first.stdout)
        let tables = try sandbox.sqlite(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).split(separator: "\n")
        #expect(tables.count == 11, "\(tables)")
        for table in tables { #expect(first.stdout.contains("CREATE TABLE \"\(table)\" ("), "\(table)") }
        let one = try sandbox.run(["schema", "companies", "--database", pg.url])
        #expect(one.stdout.contains("CREATE TABLE \"companies\" ("))
        #expect(!one.stdout.contains("CREATE TABLE \"frameworks\" ("))
    }

    @Test func connectionErrorsAreOneLineWithAdviceAndNoPassword() throws {
        let sandbox = try CLISandbox(.project)
        let options = PostgresTestDatabase.keywords(try #require(PostgresTestDatabase.serverConnectionString))
        let tcp = PostgresTestDatabase.keywords(ProcessInfo.processInfo.environment["CATALOG_TEST_POSTGRES_TCP"] ?? "")
        // Nothing listens on port 1.
        let refused = try sandbox.run(["query", "--database", "postgresql://someone:hunter2@127.0.0.1:1/catalog"])
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.contains("Connection refused"), "\(refused.stderr)")
        #expect(refused.stderr.contains("is the server running"), "\(refused.stderr)")
        // A missing database: readers name `catalog setup`.
        let missing = try sandbox.run([
            "query", "--database",
            "postgresql://\(options["user"]!)@/no_such_db?host=\(options["host"]!)&port=\(options["port"]!)",
        ])
        #expect(missing.exitCode == 1)
        #expect(missing.stderr.contains("no catalog database at"), "\(missing.stderr)")
        #expect(missing.stderr.contains("catalog setup"), "\(missing.stderr)")
        // A wrong password over TCP (the test server asks for passwords there).
        if let port = tcp["port"] {
            let admin = try PostgresConnection(url: PostgresTestDatabase.serverConnectionString!)
            try admin.execute(
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cli_pw') THEN "
                    + "CREATE ROLE cli_pw LOGIN PASSWORD 'right-one'; END IF; END $$")
            let wrong = try sandbox.run([
                "migrate", "--database", "postgresql://cli_pw:wr0ng-s3cret@127.0.0.1:\(port)/x",
            ])
            #expect(wrong.exitCode == 1)
            #expect(wrong.stderr.contains("password authentication failed"), "\(wrong.stderr)")
            #expect(wrong.stderr.contains("check the user and password"), "\(wrong.stderr)")
            #expect(!wrong.stderr.contains("wr0ng-s3cret") && !wrong.stdout.contains("wr0ng-s3cret"))
            // A role without CREATEDB cannot create the database: said in one line.
            let denied = try sandbox.run([
                "migrate", "--database", "postgresql://cli_pw:right-one@127.0.0.1:\(port)/cli_pw_db",
            ])
            #expect(denied.exitCode == 1)
            #expect(denied.stderr.contains("CREATEDB"), "\(denied.stderr)")
            #expect(!denied.stderr.contains("right-one"))
        } else {
            Issue.record("CATALOG_TEST_POSTGRES_TCP is not set: run through scripts/with-postgres.sh")
        }
        for result in [refused, missing] {
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(!result.stderr.contains("hunter2"))
        }
    }

    /// Sessions the server has counted on `database` (`pg_stat_database.sessions`, flushed when a
    /// session ends), asked on the server's maintenance database.
    func sessions(on database: String) throws -> Int {
        let admin = try PostgresConnection(url: try #require(PostgresTestDatabase.serverConnectionString))
        return try admin.fetchValue(
            "SELECT sessions FROM pg_stat_database WHERE datname = $1", [.text(database)], as: Int.self) ?? 0
    }

    @Test func aReaderConnectsOnceAndKeepsItsMessages() throws {
        let (sandbox, pg) = try setUpBoth()
        // One session per query (it was three: two only asked whether the database exists).
        let before = try sessions(on: pg.name)
        #expect(try sandbox.succeed(["query", "--company", "PayPal", "--database", pg.url]).stdout.contains("Express"))
        var after = before
        for _ in 0..<100 where after == before {
            usleep(50_000)
            after = try sessions(on: pg.name)
        }
        usleep(300_000)
        #expect(try sessions(on: pg.name) - before == 1)

        // A missing database, from the server's refusal of that one connection: the same sentences.
        let options = PostgresTestDatabase.keywords(try #require(PostgresTestDatabase.serverConnectionString))
        let missing = "postgresql://\(options["user"]!)@/no_such_db?host=\(options["host"]!)&port=\(options["port"]!)"
        let byOption = try sandbox.run(["query", "--company", "PayPal", "--database", missing])
        #expect(byOption.exitCode == 1)
        #expect(
            byOption.stderr
                == "error: no catalog database at \(missing); to create one there, run: catalog setup --database '\(missing)'\n"
        )
        let byVariable = try sandbox.run(["list", "languages"], environment: ["CATALOG_DATABASE": missing])
        #expect(byVariable.exitCode == 1)
        #expect(
            byVariable.stderr
                == "error: no catalog database at \(missing) (from CATALOG_DATABASE); to create one there, run: catalog setup\n"
        )

        // The ledger read in one statement, and the full check when it is not whole.
        try pg.connect().execute(
            "DELETE FROM schema_migrations WHERE sequence = (SELECT max(sequence) FROM schema_migrations)")
        let pending = try sandbox.run(["query", "--company", "PayPal", "--database", pg.url])
        #expect(pending.exitCode == 1)
        #expect(pending.stderr.hasSuffix("has 1 pending migration; run `catalog migrate` first\n"), "\(pending.stderr)")
        try pg.connect().execute("ALTER TABLE schema_migrations DROP COLUMN duration_ms")
        let foreign = try sandbox.run(["query", "--company", "PayPal", "--database", pg.url])
        #expect(foreign.exitCode == 1)
        #expect(
            foreign.stderr.hasSuffix(
                "has a schema_migrations table without the columns duration_ms (made by another migration tool?); "
                    + "catalog will not change it\n"), "\(foreign.stderr)")
        try pg.connect().execute("DROP TABLE schema_migrations")
        let noLedger = try sandbox.run(["query", "--company", "PayPal", "--database", pg.url])
        #expect(noLedger.exitCode == 1)
        #expect(noLedger.stderr.contains("companies"), "\(noLedger.stderr)")
    }

    @Test func databaseURLChoosesPostgreSQLButNotAnotherAppsSQLiteFile() throws {
        let (sandbox, pg) = try setUpBoth()
        try sandbox.succeed([
            "sql", "--write", "--database", pg.url,
            "UPDATE companies SET name = 'PayPal (server)' WHERE name = 'PayPal'",
        ])
        let fromURL = try sandbox.run(
            ["query", "companies", "--framework", "Express"], environment: ["DATABASE_URL": pg.url])
        #expect(fromURL.stdout.contains("PayPal (server)"), "\(fromURL.stderr)")
        // CATALOG_DATABASE wins over DATABASE_URL.
        let ours = try sandbox.run(
            ["query", "companies", "--framework", "Express"],
            environment: ["DATABASE_URL": pg.url, "CATALOG_DATABASE": "catalog.sqlite3"])
        #expect(ours.stdout.contains("PayPal\n") || ours.stdout.contains("PayPal "), "\(ours.stdout)")
        #expect(!ours.stdout.contains("(server)"))
        // A Rails app's sqlite3: DATABASE_URL is not ours: the project's catalog answers.
        let rails = try sandbox.run(
            ["query", "companies", "--framework", "Express"],
            environment: ["DATABASE_URL": "sqlite3:db/development.sqlite3"])
        #expect(rails.exitCode == 0, "\(rails.stderr)")
        #expect(!sandbox.exists("db/development.sqlite3"))
    }

    @Test func controlCCancelsTheServersStatement() throws {
        let (sandbox, pg) = try setUpBoth()
        let start = ContinuousClock().now
        let running = try sandbox.start(["sql", "--database", pg.readerURL, "SELECT pg_sleep(30)"])
        // Wait until the server runs it, then press Ctrl-C.
        try pg.waitUntilRunning("SELECT pg_sleep(30)")
        running.interrupt()
        let result = running.wait()
        #expect(result.exitCode == 1)
        #expect(result.stderr == "error: statement 1 was interrupted\n")
        #expect(ContinuousClock().now - start < .seconds(20))
    }

    /// The interactive prompt on a server: Ctrl-C cancels the server's statement, and the same
    /// session goes on (PromptTests covers the rest of the prompt on SQLite).
    @Test func thePromptCancelsTheServersStatementWithControlCAndGoesOn() throws {
        let (sandbox, pg) = try setUpBoth()
        let terminal = try PromptTests.prompt(sandbox, ["sql", "--database", pg.readerURL, "--timeout", "600"])
        terminal.type("SELECT pg_sleep(30);\r")
        try pg.waitUntilRunning("SELECT pg_sleep(30)")
        terminal.type(PromptTests.controlC)
        terminal.waitForLine("error: statement 1 was interrupted")
        terminal.waitForPrompt()
        terminal.type("SELECT name FROM frameworks WHERE name = 'Django';\r")
        terminal.waitForLine("Django")
        PromptTests.leave(terminal)
    }

    @Test func aHeldLockIsWaitedForThenNamedWithItsHolder() throws {
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase()
        try sandbox.succeed(["migrate", "--database", pg.url, "--step", "1"])
        do {
            let holder = try PostgresMigrationDriver(url: pg.url).writeLock(timeout: 1)
            let blocked = try sandbox.run(["migrate", "--lock-timeout", "0.5", "--database", pg.url])
            #expect(blocked.exitCode == 1)
            #expect(blocked.stderr.contains("--lock-timeout"), "\(blocked.stderr)")
            #expect(blocked.stderr.contains("(catalog, server session "), "\(blocked.stderr)")
            #expect(blocked.stderr.contains("pid \(getpid()) "), "\(blocked.stderr)")
            #expect(blocked.stderr.split(separator: "\n").count == 1, "\(blocked.stderr)")
            #expect(try pg.values("SELECT count(*) FROM schema_migrations") == ["1"])
            withExtendedLifetime(holder) {}
        }
        try sandbox.succeed(["migrate", "--database", pg.url])
        #expect(try pg.values("SELECT count(*) FROM schema_migrations") == ["7"])
    }

    /// Eight `catalog migrate` processes against a database that does not exist yet: it is
    /// created once, each migration is applied once, in one batch; then eight `catalog seed`
    /// processes load the seeds once (one inserts, the others find nothing to do).
    @Test func eightConcurrentProcessesCreateMigrateAndSeedOnce() throws {
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase()
        let migrators = try (0..<8).map { _ in try sandbox.start(["migrate", "--database", pg.url]) }
        let migrated = migrators.map { $0.wait() }
        for result in migrated {
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stderr == "")
        }
        #expect(migrated.filter { $0.stdout.contains("Migrated 7 migrations in batch 1") }.count == 1)
        #expect(migrated.filter { $0.stdout == "Nothing to migrate: the database is up to date.\n" }.count == 7)
        #expect(
            try pg.values(
                "SELECT count(*) || '|' || count(DISTINCT version) || '|' || max(batch) FROM schema_migrations")
                == ["7|7|1"])
        let seeders = try (0..<8).map { _ in try sandbox.start(["seed", "--database", pg.url]) }
        let seeded = seeders.map { $0.wait() }
        for result in seeded { #expect(result.exitCode == 0, "\(result.stderr)") }
        #expect(seeded.filter { $0.stdout.contains("218 inserted") }.count == 1, "\(seeded.map(\.stdout))")
        #expect(seeded.filter { $0.stdout.contains("nothing changed") }.count == 7)
        #expect(try pg.values("SELECT count(*) FROM framework_companies") == ["34"])
        #expect(try pg.values("SELECT count(*) FROM companies") == ["32"])
    }
}
