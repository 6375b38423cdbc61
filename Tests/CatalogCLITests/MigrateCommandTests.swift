import Foundation
import Testing

@Suite struct MigrateCommandTests {
    @Test func migrateStatusRollbackAndReapplyTheRealSchema() throws {
        let sandbox = try CLISandbox()
        let migrate = try sandbox.run(["migrate"])
        #expect(migrate.exitCode == 0)
        #expect(migrate.stderr == "")
        #expect(
            normalized(migrate.stdout) == """
                Applied 20241124120000_create_languages (N ms)
                Applied 20241124120100_create_frameworks (N ms)
                Applied 20241124120200_create_features (N ms)
                Applied 20241124120300_create_companies (N ms)
                Applied 20241124120400_create_framework_links (N ms)
                Migrated 5 migrations in batch 1 (N ms).

                """)

        let again = try sandbox.run(["migrate", "up"])
        #expect(again.stdout == "Nothing to migrate: the database is up to date.\n")
        #expect(again.exitCode == 0)

        let rollback = try sandbox.run(["migrate", "rollback", "--step", "2"])
        #expect(
            normalized(rollback.stdout) == """
                Rolled back 20241124120400_create_framework_links (N ms)
                Rolled back 20241124120300_create_companies (N ms)
                Rolled back 2 migrations (N ms).

                """)

        let status = try sandbox.run(["migrate", "status"])
        #expect(status.exitCode == 0)
        #expect(
            normalized(status.stdout) == """
                database:   catalog.sqlite3
                migrations: Migrations/

                version         name                    state    batch  applied_at
                --------------  ----------------------  -------  -----  --------------------
                20241124120000  create_languages        applied  1      TIMESTAMP
                20241124120100  create_frameworks       applied  1      TIMESTAMP
                20241124120200  create_features         applied  1      TIMESTAMP
                20241124120300  create_companies        pending
                20241124120400  create_framework_links  pending

                """)

        let json = try sandbox.run(["migrate", "status", "--format", "json"])
        #expect(
            normalized(json.stdout) == """
                [
                  {"version": "20241124120000", "name": "create_languages", "state": "applied", "batch": 1, "applied_at": "TIMESTAMP"},
                  {"version": "20241124120100", "name": "create_frameworks", "state": "applied", "batch": 1, "applied_at": "TIMESTAMP"},
                  {"version": "20241124120200", "name": "create_features", "state": "applied", "batch": 1, "applied_at": "TIMESTAMP"},
                  {"version": "20241124120300", "name": "create_companies", "state": "pending", "batch": null, "applied_at": null},
                  {"version": "20241124120400", "name": "create_framework_links", "state": "pending", "batch": null, "applied_at": null}
                ]

                """)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 5)

        let pending = try sandbox.run(["migrate", "status", "--exit-code"])
        #expect(pending.exitCode == 1)
        #expect(pending.stderr == "")
        #expect(pending.stdout == status.stdout)
        let reapply = try sandbox.run(["migrate"])
        #expect(normalized(reapply.stdout).hasSuffix("Migrated 2 migrations in batch 2 (N ms).\n"))
        let clean = try sandbox.run(["migrate", "status", "--exit-code"])
        #expect(clean.exitCode == 0)
        #expect(try sandbox.sqlite("PRAGMA integrity_check") == "ok\n")
    }

    @Test func dryRunPrintsSQLAndCreatesNothing() throws {
        let sandbox = try CLISandbox()
        let result = try sandbox.run(["migrate", "--dry-run"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("-- dry run: nothing below has been executed\n"))
        #expect(result.stdout.contains("CREATE TABLE framework_companies ("))
        #expect(!sandbox.exists("catalog.sqlite3"))
        #expect(!sandbox.exists("catalog.sqlite3-lock"))
    }

    @Test func aBrokenMigrationFailsWithOneLineAndChangesNothing() throws {
        let sandbox = try CLISandbox()
        try sandbox.succeed(["migrate"])
        let schema = try sandbox.sqlite("SELECT sql FROM sqlite_schema ORDER BY name")
        let ledger = try sandbox.sqlite("SELECT * FROM schema_migrations ORDER BY sequence")
        try sandbox.write(
            "Migrations/20250101000000_add_broken.sql",
            "-- migrate:up\nALTER TABLE companies ADD COLUMN website TEXT;\n\nUPDATE companies SET nope = 1;\n-- migrate:down\n"
        )
        let result = try sandbox.run(["migrate"])
        #expect(result.exitCode == 1)
        #expect(result.stdout == "")
        #expect(
            result.stderr
                == "error: Migrations/20250101000000_add_broken.sql:4: migrate:up failed: no such column: nope (SQLITE_ERROR); the migration was rolled back and nothing of it applied\n"
        )
        #expect(try sandbox.sqlite("SELECT sql FROM sqlite_schema ORDER BY name") == schema)
        #expect(try sandbox.sqlite("SELECT * FROM schema_migrations ORDER BY sequence") == ledger)

        // No "dirty" flag to clear by hand: fix the file and run again.
        try sandbox.write(
            "Migrations/20250101000000_add_broken.sql",
            "-- migrate:up\nALTER TABLE companies ADD COLUMN website TEXT;\n-- migrate:down\nALTER TABLE companies DROP COLUMN website;\n"
        )
        let fixed = try sandbox.run(["migrate"])
        #expect(fixed.exitCode == 0)
        #expect(
            normalized(fixed.stdout)
                == "Applied 20250101000000_add_broken (N ms)\nMigrated 1 migration in batch 2 (N ms).\n")
        #expect(
            try sandbox.sqlite("SELECT count(*) FROM pragma_table_info('companies') WHERE name = 'website'") == "1\n")
    }

    @Test func badFilesAreRejectedBeforeAnythingRuns() throws {
        let sandbox = try CLISandbox()
        try sandbox.write("Migrations/20250101000000_no_down.sql", "-- migrate:up\nCREATE TABLE x(y);\n")
        let result = try sandbox.run(["migrate"])
        #expect(result.exitCode == 1)
        #expect(
            result.stderr
                == "error: Migrations/20250101000000_no_down.sql: the migration file has no '-- migrate:down' line; a migration needs both '-- migrate:up' and '-- migrate:down'\n"
        )
        #expect(!sandbox.exists("catalog.sqlite3"))
        try FileManager.default.removeItem(atPath: sandbox.root + "/Migrations/20250101000000_no_down.sql")
        try sandbox.write("Migrations/2025_bad_name.sql", "-- migrate:up\n-- migrate:down\n")
        let badName = try sandbox.run(["migrate", "status"])
        #expect(badName.exitCode == 1)
        #expect(badName.stderr.hasPrefix("error: Migrations/2025_bad_name.sql: a migration file must be named"))
    }

    @Test func usageErrorsExitWithTwo() throws {
        let sandbox = try CLISandbox()
        let step = try sandbox.run(["migrate", "--step", "0"])
        #expect(step.exitCode == 2)
        #expect(step.stderr.hasPrefix("error: --step must be 1 or more\n"))
        let unknown = try sandbox.run(["migrate", "status", "--bogus"])
        #expect(unknown.exitCode == 2)
        #expect(unknown.stderr.hasPrefix("error: unknown option '--bogus'\n"))
        let format = try sandbox.run(["migrate", "status", "--format", "xml"])
        #expect(format.exitCode == 2)
        let both = try sandbox.run(["migrate", "rollback", "--step", "1", "--to", "20241124120000"])
        #expect(both.exitCode == 2)
        #expect(!sandbox.exists("catalog.sqlite3"))
    }

    @Test func destructiveCommandsNeedForceWithoutATerminal() throws {
        let sandbox = try CLISandbox()
        try sandbox.succeed(["migrate"])
        for command in ["reset", "fresh"] {
            let refused = try sandbox.run(["migrate", command])
            #expect(refused.exitCode == 1)
            #expect(
                refused.stderr
                    == "error: migrate \(command) destroys data; pass --force to run it without a terminal to confirm on\n"
            )
        }
        #expect(try sandbox.sqlite("SELECT count(*) FROM schema_migrations") == "5\n")

        try sandbox.sqlite("INSERT INTO languages(name) VALUES ('Python')")
        let fresh = try sandbox.run(["migrate", "fresh", "--force"])
        #expect(fresh.exitCode == 0)
        #expect(
            normalized(fresh.stdout).hasPrefix(
                "Dropped 7 tables, views and triggers.\nApplied 20241124120000_create_languages (N ms)\n"))
        #expect(try sandbox.sqlite("SELECT count(*) FROM languages") == "0\n")

        let reset = try sandbox.run(["migrate", "reset", "--force"])
        #expect(reset.exitCode == 0)
        #expect(normalized(reset.stdout).hasSuffix("Rolled back 5 migrations (N ms).\n"))
        #expect(try sandbox.sqlite("SELECT count(*) FROM sqlite_schema WHERE tbl_name != 'schema_migrations'") == "0\n")
    }

    @Test func redoAndRepair() throws {
        let sandbox = try CLISandbox()
        try sandbox.succeed(["migrate"])
        let redo = try sandbox.run(["migrate", "redo"])
        #expect(
            normalized(redo.stdout) == """
                Rolled back 20241124120400_create_framework_links (N ms)
                Applied 20241124120400_create_framework_links (N ms)
                Redid 1 migration in batch 2 (N ms).

                """)
        let path = "Migrations/20241124120300_create_companies.sql"
        try sandbox.write(path, try sandbox.read(path) + "\n-- a note added later\n")
        let refused = try sandbox.run(["migrate"])
        #expect(refused.exitCode == 1)
        #expect(
            refused.stderr
                == "error: \(path) was edited after it was applied (its checksum differs); restore the file, or accept the edit with `catalog migrate repair 20241124120300`\n"
        )
        let repair = try sandbox.run(["migrate", "repair", "20241124120300"])
        #expect(repair.stdout == "Recorded the new checksum of \(path).\n")
        #expect(try sandbox.run(["migrate", "status", "--exit-code"]).exitCode == 0)
    }

    @Test func newCreatesATimestampedFile() throws {
        let sandbox = try CLISandbox(.none)
        let result = try sandbox.run(["migrate", "new", "add_company_aliases"])
        #expect(result.exitCode == 0)
        let path = result.stdout.trimmingCharacters(in: .newlines)
        #expect(path.range(of: #"^Migrations/\d{14}_add_company_aliases\.sql$"#, options: .regularExpression) != nil)
        #expect(try sandbox.read(path) == "-- migrate:up\n\n\n-- migrate:down\n\n")
        let bad = try sandbox.run(["migrate", "new", "Add-Aliases"])
        #expect(bad.exitCode == 1)
        #expect(bad.stderr.hasPrefix("error: migration name 'Add-Aliases' is not snake_case"))
    }

    @Test func environmentVariablesChooseDatabaseAndMigrations() throws {
        let sandbox = try CLISandbox()
        try FileManager.default.moveItem(atPath: sandbox.root + "/Migrations", toPath: sandbox.root + "/schema")
        let result = try sandbox.run(
            ["migrate"], environment: ["CATALOG_DATABASE": "other.sqlite3", "CATALOG_MIGRATIONS": "schema"])
        #expect(result.exitCode == 0)
        #expect(sandbox.exists("other.sqlite3"))
        #expect(!sandbox.exists("catalog.sqlite3"))
        // An explicit option wins over the environment.
        let status = try sandbox.run(
            ["migrate", "status", "--database", "third.sqlite3", "--migrations", "schema"],
            environment: ["CATALOG_DATABASE": "other.sqlite3"])
        #expect(status.stdout.contains("pending"))
        let missing = try sandbox.run(["migrate", "--migrations", "Migrations"])
        #expect(missing.exitCode == 1)
        #expect(
            missing.stderr
                == "error: migrations directory Migrations does not exist (set it with --migrations or CATALOG_MIGRATIONS)\n"
        )
        // With no Migrations/ here (the folder is not a project), the built-in migrations and the
        // per-user database are used.
        let builtIn = try sandbox.run(["migrate"])
        #expect(builtIn.exitCode == 0, "\(builtIn.stderr)")
        #expect(normalized(builtIn.stdout).hasSuffix("Migrated 7 migrations in batch 1 (N ms).\n"))
        #expect(sandbox.exists("home/.local/share/catalog/catalog.sqlite3"))
    }

    @Test func eightConcurrentMigrateProcessesApplyEachMigrationOnce() throws {
        let sandbox = try CLISandbox()
        let processes = try (0..<8).map { _ in try sandbox.start(["migrate"]) }
        let results = processes.map { $0.wait() }
        for result in results {
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stderr == "")
        }
        // Exactly one process applied the migrations; the others found nothing to do.
        #expect(results.filter { $0.stdout.contains("Migrated 5 migrations in batch 1") }.count == 1)
        #expect(results.filter { $0.stdout == "Nothing to migrate: the database is up to date.\n" }.count == 7)
        #expect(
            try sandbox.sqlite("SELECT count(*), count(DISTINCT version), max(batch) FROM schema_migrations")
                == "5|5|1\n")
        #expect(try sandbox.sqlite("PRAGMA integrity_check") == "ok\n")
    }

    @Test func aSecondWriterGivesUpAfterTheLockTimeoutWithAClearMessage() throws {
        let sandbox = try CLISandbox()
        // Hold the migration lock from another process with util-linux flock(1), which writes no
        // record into the lock file: the kernel's lock table names it.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [sandbox.root + "/catalog.sqlite3-lock", "sleep", "3"]
        try holder.run()
        defer { holder.terminate() }
        Thread.sleep(forTimeInterval: 0.3)
        let result = try sandbox.run(["migrate", "--lock-timeout", "0.5"])
        #expect(result.exitCode == 1)
        #expect(
            result.stderr
                == "error: another process, pid \(holder.processIdentifier) (flock catalog.sqlite3-lock sleep 3), holds "
                + "catalog's write lock on catalog.sqlite3; gave up after waiting 0.5 s (raise --lock-timeout to wait "
                + "longer)\n"
        )
        #expect(!sandbox.exists("catalog.sqlite3"))
    }

    @Test func aFileThatIsNotSQLiteIsNeverOverwritten() throws {
        let sandbox = try CLISandbox()
        let text = String(repeating: "not a database\n", count: 300)
        try sandbox.write("catalog.sqlite3", text)
        let result = try sandbox.run(["migrate"])
        #expect(result.exitCode == 1)
        #expect(result.stderr == "error: catalog.sqlite3: file is not a database (SQLITE_NOTADB)\n")
        #expect(try sandbox.read("catalog.sqlite3") == text)
    }
}
