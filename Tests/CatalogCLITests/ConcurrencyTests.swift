import Foundation
import Testing

/// Readers and writers at the same time, as separate processes.
@Suite(.serialized) struct ConcurrencyTests {
    /// Seeds per run of the reader test: `CATALOG_READER_TRIALS` (default 1, what CI runs);
    /// `scripts/soak.sh` runs hundreds.
    static var readerTrials: Int {
        ProcessInfo.processInfo.environment["CATALOG_READER_TRIALS"].flatMap(Int.init) ?? 1
    }

    /// Each trial replaces 10,000 generated companies with the next generation (`seed --prune`)
    /// while three processes loop over two kinds of read: a `catalog sql` aggregate (one
    /// statement) and a `catalog query` whose answer takes several statements (the companies,
    /// then each one's frameworks). Every read must see one generation whole, exit 0 and print
    /// nothing on stderr; each line records what was read, so a failure shows the values.
    @Test func readersNeverSeeAPartialSeedAndNeverFailWithLocked() throws {
        let sandbox = try CLISandbox(.project)
        let companies = 10_000
        try KillTests.writeLargeSeeds(sandbox, companies: companies, generation: 0)
        #expect(try sandbox.run(["setup"]).exitCode == 0)
        let sql =
            "SELECT count(*), min(name), max(name), (SELECT count(*) FROM framework_companies) FROM companies WHERE name GLOB 'Generated *'"
        // Generated company i uses frameworks[i % 7]; Flask is index 5.
        let flaskUsers = (0..<companies).filter { $0 % 7 == 5 }.count
        // Each reader loops until the seed is over (the file `stop`), and at least three times.
        let loop = """
            i=0
            while [ $i -lt 3 ] || [ ! -e stop ]; do
              i=$((i + 1))
              out=$('\(CLISandbox.binary)' sql "\(sql)" --format csv 2>&1); code=$?
              echo "S $code $(printf '%s\n' "$out" | tail -n 1 | tr -d '\r' | tr ',' '|')"
              out=$('\(CLISandbox.binary)' query companies --framework Flask --format csv 2>&1); code=$?
              rows=$(printf '%s\n' "$out" | grep -c '^Generated ')
              others=$(printf '%s\n' "$out" | grep '^Generated ' | grep -vc ',Flask.$')
              generations=$(printf '%s\n' "$out" | grep -o '^Generated [0-9]*-' | sort -u | tr '\n' ' ')
              echo "Q $code $rows $others $generations"
            done
            """
        var reads = 0
        var states: Set<String> = []
        for trial in 1...Self.readerTrials {
            let before = try sandbox.sqlite(sql).trimmingCharacters(in: .newlines)
            try KillTests.writeLargeSeeds(sandbox, companies: companies, generation: trial)
            try? FileManager.default.removeItem(atPath: sandbox.root + "/stop")
            let readers = try (0..<3).map { _ in try sandbox.start(["/bin/sh", "-c", loop], shell: true) }
            usleep(100_000)
            let seed = try sandbox.run(["seed", "--prune"])
            #expect(seed.exitCode == 0, "\(seed.stderr)")
            try sandbox.write("stop", "")
            let after = try sandbox.sqlite(sql).trimmingCharacters(in: .newlines)
            #expect(after != before)
            for reader in readers {
                let result = reader.wait()
                #expect(result.exitCode == 0 && result.stderr == "", "\(result.stderr)")
                for line in result.stdout.split(separator: "\n") {
                    let fields = line.split(separator: " ", maxSplits: 2).map(String.init)
                    reads += 1
                    if fields.first == "S" {
                        let state = fields.count > 2 ? fields[2] : ""
                        states.insert(state == before ? "before" : state == after ? "after" : state)
                        #expect(
                            fields[1] == "0" && (state == before || state == after),
                            "trial \(trial): catalog sql read \(line); before \(before), after \(after)")
                    } else {
                        // Q <exit> <generated rows> <rows not using exactly Flask> <generation prefixes>
                        let parts = line.split(separator: " ").map(String.init)
                        let generations = parts.dropFirst(4).joined(separator: " ")
                        #expect(
                            parts.count == 6 && parts[1] == "0" && parts[2] == "\(flaskUsers)" && parts[3] == "0"
                                && (generations == "Generated \(trial - 1)-" || generations == "Generated \(trial)-"),
                            "trial \(trial): catalog query read \(line)")
                    }
                }
            }
        }
        #expect(reads >= 18 * Self.readerTrials)
        print("reader trials: \(Self.readerTrials), reads: \(reads), all of one generation")
        // The reads overlapped the seed: some saw the old generation (in a short run the new
        // one may come only after the readers stopped).
        #expect(states.contains("before"), "\(states)")
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
