import Foundation
import Testing

/// Kill -9 at random moments during `catalog migrate` and `catalog seed`, then check that nothing
/// is half-done and that the next run needs no repair.
///
/// Trials per suite: `CATALOG_KILL_TRIALS` (default 20, what CI runs); `scripts/soak.sh` runs more.
/// The delays come from a fixed seed (`CATALOG_KILL_SEED`, default 1), so a failure can be replayed.
@Suite(.serialized) struct KillTests {
    static var trials: Int { ProcessInfo.processInfo.environment["CATALOG_KILL_TRIALS"].flatMap(Int.init) ?? 20 }
    static var seed: UInt64 { ProcessInfo.processInfo.environment["CATALOG_KILL_SEED"].flatMap(UInt64.init) ?? 1 }

    /// Generated migrations that take long enough to be killed in the middle: bulk inserts, a
    /// table rebuilt with its rows (and a child table that must keep its rows), indexes.
    static func writeGeneratedMigrations(_ sandbox: CLISandbox, count: Int = 8) throws {
        for index in 1...count {
            let version = String(format: "2030010100%04d", index)
            let table = "bulk_\(index)"
            let up = """
                CREATE TABLE \(table) (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000)
                INSERT INTO \(table) (payload) SELECT hex(randomblob(32)) FROM n;
                CREATE TABLE \(table)_child (id INTEGER PRIMARY KEY,
                    parent_id INTEGER NOT NULL REFERENCES \(table) (id) ON DELETE CASCADE);
                INSERT INTO \(table)_child (parent_id) SELECT id FROM \(table) WHERE id % 10 = 0;
                CREATE TABLE \(table)_new (id INTEGER PRIMARY KEY, payload TEXT NOT NULL, size INTEGER);
                INSERT INTO \(table)_new SELECT id, payload, length(payload) FROM \(table);
                DROP TABLE \(table);
                ALTER TABLE \(table)_new RENAME TO \(table);
                CREATE INDEX \(table)_size ON \(table) (size, payload);
                """
            let down = "DROP TABLE \(table)_child;\nDROP TABLE \(table);"
            try sandbox.write(
                "Migrations/\(version)_create_\(table).sql", "-- migrate:up\n\(up)\n\n-- migrate:down\n\(down)\n")
        }
    }

    /// The invariants after a kill: the file is sound, and every migration's objects exist if and
    /// only if its ledger row does.
    static func checkMigrationInvariants(_ sandbox: CLISandbox, trial: Int) throws -> [String] {
        var violations: [String] = []
        guard sandbox.exists("catalog.sqlite3") else { return [] }
        let integrity = try sandbox.sqlite("PRAGMA integrity_check")
        if integrity != "ok\n" { violations.append("trial \(trial): integrity_check says \(integrity)") }
        let tables = Set(
            try sandbox.sqlite("SELECT name FROM sqlite_schema WHERE type = 'table'").split(separator: "\n")
                .map(String.init))
        // A kill after the file was created and before the ledger's table committed leaves an
        // empty database: nothing applied, which the next run completes.
        let applied =
            tables.contains("schema_migrations")
            ? Set(try sandbox.sqlite("SELECT version FROM schema_migrations").split(separator: "\n").map(String.init))
            : []
        let expectations: [(version: String, tables: [String])] =
            [
                ("20241124120000", ["languages"]), ("20241124120100", ["frameworks"]), ("20241124120200", ["features"]),
                ("20241124120300", ["companies"]), ("20241124120400", ["framework_features", "framework_companies"]),
            ]
            + (1...8).map { (String(format: "2030010100%04d", $0), ["bulk_\($0)", "bulk_\($0)_child"]) }
        for (version, objects) in expectations {
            let present = objects.filter(tables.contains)
            if applied.contains(version) ? present.count != objects.count : !present.isEmpty {
                violations.append(
                    "trial \(trial): migration \(version) is half-applied (ledger \(applied.contains(version)), tables \(present))"
                )
            }
            if applied.contains(version), version.hasPrefix("2030"), let index = Int(version.suffix(4)) {
                let children = try sandbox.sqlite("SELECT count(*) FROM bulk_\(index)_child")
                if children != "4000\n" {
                    violations.append("trial \(trial): bulk_\(index)_child lost rows (\(children))")
                }
            }
        }
        if tables.contains(where: { $0.hasSuffix("_new") }) {
            violations.append("trial \(trial): a rebuild's temporary table survived")
        }
        return violations
    }

    @Test func killingMigrateAtRandomMomentsNeverLeavesAHalfAppliedMigration() throws {
        var random = SplitMix64(seed: Self.seed)
        var violations: [String] = []
        var killedMidRun = 0
        for trial in 1...Self.trials {
            let sandbox = try CLISandbox(.fixture)
            try Self.writeGeneratedMigrations(sandbox)
            // Some trials start from a partly migrated database.
            if trial % 3 == 0 { try sandbox.succeed(["migrate", "--step", "\(1 + Int(random.next() % 6))"]) }
            let running = try sandbox.start(["migrate"])
            usleep(useconds_t(random.next() % 900_000))
            running.kill()
            let result = running.wait()
            if result.exitCode != 0 { killedMidRun += 1 }
            violations += try Self.checkMigrationInvariants(sandbox, trial: trial)
            let next = try sandbox.run(["migrate"])
            if next.exitCode != 0 { violations.append("trial \(trial): the next migrate failed: \(next.stderr)") }
            violations += try Self.checkMigrationInvariants(sandbox, trial: trial)
            if try sandbox.sqlite("SELECT count(*) FROM schema_migrations") != "13\n" {
                violations.append("trial \(trial): not every migration is applied after the next run")
            }
        }
        print(
            "kill trials (migrate): \(Self.trials) trials, \(killedMidRun) killed mid-run, \(violations.count) violations"
        )
        #expect(violations.isEmpty, "\(violations)")
        #expect(killedMidRun > 0, "no kill landed during a run; the trials proved nothing")
    }

    /// A large seed set: `companies` companies, each linked to one of the seven frameworks.
    static func writeLargeSeeds(_ sandbox: CLISandbox, companies: Int, generation: Int) throws {
        var csv = "name,aliases\n"
        var links = "framework,company\n"
        let frameworks = ["Django", "Laravel", "Express", "Spring Boot", "Ruby on Rails", "Flask", "ASP.NET"]
        for index in 0..<companies {
            let name = "Generated \(generation)-\(index)"
            csv += "\(name),\n"
            links += "\(frameworks[index % frameworks.count]),\(name)\n"
        }
        try sandbox.write("Seeds/generated.companies.csv", csv)
        try sandbox.write("Seeds/generated.framework_companies.csv", links)
    }

    @Test func killingSeedAtRandomMomentsLeavesTheOldStateOrTheNew() throws {
        var random = SplitMix64(seed: Self.seed &+ 7)
        var violations: [String] = []
        var killedMidRun = 0
        let sandbox = try CLISandbox(.project)
        try Self.writeLargeSeeds(sandbox, companies: 30_000, generation: 0)
        let first = try sandbox.run(["setup"])
        #expect(first.exitCode == 0, "\(first.stderr)")
        func state() throws -> String {
            try sandbox.sqlite(
                "SELECT count(*), min(name), max(name), (SELECT count(*) FROM framework_companies) FROM companies WHERE name GLOB 'Generated *'"
            )
        }
        for trial in 1...Self.trials {
            // Each trial loads the next generation with --prune: the new state replaces the old.
            try Self.writeLargeSeeds(sandbox, companies: 30_000, generation: trial)
            let before = try state()
            let running = try sandbox.start(["seed", "--prune"])
            usleep(useconds_t(random.next() % 1_500_000))
            running.kill()
            let result = running.wait()
            if result.exitCode != 0 { killedMidRun += 1 }
            if try sandbox.sqlite("PRAGMA integrity_check") != "ok\n" {
                violations.append("trial \(trial): integrity_check failed")
            }
            // The bulk path drops this index while it loads; a kill must never lose it.
            if try sandbox.sqlite("SELECT count(*) FROM sqlite_schema WHERE name = 'framework_companies_company_id'")
                != "1\n"
            {
                violations.append("trial \(trial): the reverse index of framework_companies is gone")
            }
            let after = try state()
            let finished = try sandbox.run(["seed", "--prune"])
            if finished.exitCode != 0 { violations.append("trial \(trial): the next seed failed: \(finished.stderr)") }
            let complete = try state()
            if complete == before { violations.append("trial \(trial): the new generation is indistinguishable") }
            if after != before && after != complete {
                violations.append(
                    "trial \(trial): a partial load is visible: before \(before), after kill \(after), complete \(complete)"
                )
            }
        }
        print(
            "kill trials (seed): \(Self.trials) trials, \(killedMidRun) killed mid-run, \(violations.count) violations")
        #expect(violations.isEmpty, "\(violations)")
        #expect(killedMidRun > 0, "no kill landed during a run; the trials proved nothing")
    }
}

/// A small deterministic random number generator (SplitMix64), so kill delays can be replayed.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
