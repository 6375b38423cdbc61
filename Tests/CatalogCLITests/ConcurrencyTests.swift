import Foundation
import Testing

/// Readers and writers at the same time, as separate processes.
@Suite(.serialized) struct ConcurrencyTests {
    @Test func readersNeverSeeAPartialSeedAndNeverFailWithLocked() throws {
        let sandbox = try CLISandbox(.project)
        try KillTests.writeLargeSeeds(sandbox, companies: 30_000, generation: 0)
        #expect(try sandbox.run(["setup"]).exitCode == 0)
        let sql =
            "SELECT count(*), min(name), max(name), (SELECT count(*) FROM framework_companies) FROM companies WHERE name GLOB 'Generated *'"
        let before = try sandbox.sqlite(sql)
        try KillTests.writeLargeSeeds(sandbox, companies: 30_000, generation: 1)

        // Three readers loop over catalog sql and catalog query while the seed runs.
        let loop = """
            for i in $(seq 25); do
              '\(CLISandbox.binary)' sql "\(sql)" --format csv | tail -n 1 || echo "FAILED $?"
              '\(CLISandbox.binary)' query --company Google >/dev/null || echo "FAILED $?"
            done
            """
        let readers = try (0..<3).map { _ in try sandbox.start(["/bin/sh", "-c", loop], shell: true) }
        usleep(100_000)
        let seed = try sandbox.run(["seed", "--prune"])
        #expect(seed.exitCode == 0, "\(seed.stderr)")
        let after = try sandbox.sqlite(sql)
        #expect(after != before)
        var observed = 0
        for reader in readers {
            let result = reader.wait()
            #expect(result.stderr == "", "\(result.stderr)")
            for line in result.stdout.split(separator: "\r\n") where !line.isEmpty {
                let state = line.replacingOccurrences(of: ",", with: "|").trimmingCharacters(
                    in: .whitespacesAndNewlines)
                #expect(!state.hasPrefix("FAILED"))
                #expect(
                    state + "\n" == before || state + "\n" == after,
                    "partial state \(state); before \(before), after \(after)")
                observed += 1
            }
        }
        #expect(observed >= 75)
    }

    @Test func aWriterWaitsForAnotherWriterWithinTheLockTimeout() throws {
        let sandbox = try CLISandbox(.project)
        try KillTests.writeLargeSeeds(sandbox, companies: 30_000, generation: 0)
        #expect(try sandbox.run(["setup"]).exitCode == 0)
        try KillTests.writeLargeSeeds(sandbox, companies: 30_000, generation: 1)
        // Two seeds at once: the second waits for the first's lock and then finds nothing to do.
        let first = try sandbox.start(["seed", "--prune"])
        let second = try sandbox.start(["seed", "--prune"])
        let results = [first.wait(), second.wait()]
        #expect(results.allSatisfy { $0.exitCode == 0 }, "\(results.map(\.stderr))")
        #expect(results.contains { $0.stdout.contains("nothing changed") })
        #expect(try sandbox.sqlite("PRAGMA integrity_check") == "ok\n")
    }
}
