import Foundation
import Testing

@Suite struct SeedCommandTests {
    static let summaryAfterSetup = """
        table                   inserted  updated  unchanged  pruned
        ----------------------  --------  -------  ---------  ------
        languages               6         0        0          0
        language_aliases        3         0        0          0
        features                59        0        0          0
        companies               32        0        0          0
        company_aliases         3         0        0          0
        frameworks              7         0        0          0
        framework_aliases       7         0        0          0
        framework_features      36        0        0          0
        framework_capabilities  31        0        0          0
        framework_companies     34        0        0          0
        Seeded catalog.sqlite3 from 4 files: 218 inserted, 0 updated, 0 pruned (N ms).

        """

    @Test func setupBuildsTheCatalogAndASecondSeedChangesNothing() throws {
        let sandbox = try CLISandbox(.project)
        let setup = try sandbox.run(["setup"])
        #expect(setup.exitCode == 0, "\(setup.stderr)")
        #expect(setup.stderr == "")
        let migrationCount = try FileManager.default.contentsOfDirectory(atPath: sandbox.root + "/Migrations")
            .filter { $0.hasSuffix(".sql") }.count
        #expect(normalized(setup.stdout).contains("Migrated \(migrationCount) migrations in batch 1 (N ms).\n"))
        #expect(normalized(setup.stdout).hasSuffix(Self.summaryAfterSetup))

        let again = try sandbox.run(["seed"])
        #expect(again.exitCode == 0)
        #expect(
            normalized(again.stdout).hasSuffix("catalog.sqlite3 already matches 4 files; nothing changed (N ms).\n"))
        #expect(try sandbox.sqlite("SELECT count(*) FROM frameworks") == "7\n")

        let json = try sandbox.run(["seed", "--format", "json", "--dry-run"])
        #expect(
            json.stdout.hasPrefix(
                "[\n  {\"table\": \"languages\", \"inserted\": 0, \"updated\": 0, \"unchanged\": 6, \"would_prune\": 0},\n"
            ))
    }

    @Test func badSeedsFailWithOneLinePerProblemAndChangeNothing() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let before = try sandbox.sqlite(".dump")
        try sandbox.write(
            "Seeds/extra.yml",
            "companies:\n  - name: Acme\nframeworks:\n  - name: Gin\n    language: Golang\n    kind: microframework\n    companies: [Paypall]\n"
        )
        let result = try sandbox.run(["seed"])
        #expect(result.exitCode == 1)
        #expect(result.stdout == "")
        #expect(
            result.stderr == """
                error: Seeds/extra.yml:5:15: unknown language "Golang"
                error: Seeds/extra.yml:7:17: unknown company "Paypall" (did you mean "PayPal"?)

                """)
        #expect(try sandbox.sqlite(".dump") == before)
    }

    @Test func seedingNeedsAMigratedDatabase() throws {
        let sandbox = try CLISandbox(.project)
        let missing = try sandbox.run(["seed"])
        #expect(missing.exitCode == 1)
        #expect(
            missing.stderr
                == "error: catalog.sqlite3 does not exist; run `catalog setup` (or `catalog migrate`) first\n")
        #expect(!sandbox.exists("catalog.sqlite3"))
        try sandbox.succeed(["migrate", "--step", "1"])
        let pending = try sandbox.run(["seed"])
        #expect(pending.exitCode == 1)
        #expect(pending.stderr.hasPrefix("error: catalog.sqlite3 has "))
        #expect(pending.stderr.hasSuffix(" pending migrations; run `catalog migrate` first\n"))
    }

    @Test func freshWithSeedRebuildsEverything() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        try sandbox.sqlite("DELETE FROM framework_companies")
        let fresh = try sandbox.run(["migrate", "fresh", "--force", "--seed"])
        #expect(fresh.exitCode == 0, "\(fresh.stderr)")
        #expect(normalized(fresh.stdout).hasSuffix(Self.summaryAfterSetup))
        #expect(try sandbox.sqlite("SELECT count(*) FROM framework_companies") == "34\n")
    }

    @Test func explicitFilesAndPrune() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        try sandbox.write("extra.yml", "companies:\n  - name: Acme\n")
        let extra = try sandbox.run(["seed", "extra.yml"])
        #expect(
            normalized(extra.stdout).hasSuffix(
                "Seeded catalog.sqlite3 from 1 file: 1 inserted, 0 updated, 0 pruned (N ms).\n"))
        let partial = try sandbox.run(["seed", "--prune", "extra.yml"])
        #expect(partial.exitCode == 2)
        #expect(partial.stderr.hasPrefix("error: --prune deletes whatever the files do not mention"))
        let dry = try sandbox.run(["seed", "--prune", "--dry-run"])
        #expect(dry.stdout.contains("companies               0         0        32         1\n"))
        #expect(
            dry.stdout.hasSuffix("Dry run: 0 to insert, 0 to update, 1 to prune from 4 files; nothing was written.\n"))
        let pruned = try sandbox.run(["seed", "--prune"])
        #expect(normalized(pruned.stdout).hasSuffix("0 inserted, 0 updated, 1 pruned (N ms).\n"))
        #expect(try sandbox.sqlite("SELECT count(*) FROM companies WHERE name = 'Acme'") == "0\n")
    }
}
