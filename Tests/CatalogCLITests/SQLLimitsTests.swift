import CatalogKit
import Foundation
import Testing

@testable import CatalogCLI

/// `catalog sql`'s limits (issue 13, part 1): --timeout bounds the whole invocation, also work
/// inside one function call or spread over many tiny statements; no value outgrows
/// --max-value-size and SQLite's memory stays under --max-memory. Each case ran on before (the
/// figures in docs/reliability.md).
@Suite struct SQLLimitsTests {
    /// Seconds since `start`.
    func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock().now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// The margin a stopped script may take past its --timeout on a busy two-core machine: a
    /// correctness bound (the cases ran 5 to 10 s before), not a speed target.
    let margin = 2.5

    @Test func aRecursiveQueryWithBigValuesStopsAtTheTimeout() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        // Few instructions per row, each row 16 MB of random bytes: a progress handler checked
        // every 1,000 instructions let this run 9 s under --timeout 1.
        let start = ContinuousClock().now
        let result = try sandbox.run([
            "sql", "--timeout", "1",
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 1000) "
                + "SELECT sum(length(randomblob(16000000))) FROM c",
        ])
        #expect(result.exitCode == 1)
        #expect(result.stderr == "error: statement 1 was stopped after the --timeout of 1 s\n")
        #expect(seconds(since: start) < 1 + margin)
    }

    @Test func manyTinyStatementsShareOneTimeout() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        try sandbox.write("many.sql", String(repeating: "SELECT 1;\n", count: 300_000))
        let start = ContinuousClock().now
        let result = try sandbox.run(["sql", "--timeout", "1", "--file", "many.sql", "--format", "csv"])
        #expect(result.exitCode == 1)
        // Stopped part-way: the limit is the script's, not each statement's.
        let stopped = try #require(
            result.stderr.firstMatch(of: /error: statement (\d+) was stopped after the --timeout of 1 s\n/))
        #expect(Int(stopped.1).map { $0 > 1 && $0 < 300_000 } == true, "\(result.stderr)")
        #expect(seconds(since: start) < 1 + margin)
    }

    @Test func theTimeoutCountsTheOutputToo() throws {
        // Every row printed slowly (the writer blocks): the deadline is checked between rows.
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let session = try SQLSession(path: sandbox.root + "/catalog.sqlite3", write: false)
        var rows = 0
        let start = ContinuousClock().now
        #expect(throws: SQLSession.Failure.timedOut(statement: 1, seconds: 0.3)) {
            try session.run(
                "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 100) SELECT i FROM c",
                timeout: 0.3
            ) { event in
                if case .row = event {
                    rows += 1
                    usleep(20_000)
                }
            }
        }
        #expect(rows > 5 && rows < 100, "\(rows) rows printed")
        #expect(seconds(since: start) < 0.3 + margin)
    }

    @Test func aValueOverTheSizeLimitNamesTheLimitAndItsOption() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        for sql in [
            "SELECT length(randomblob(100000000))",
            "SELECT length(zeroblob(20000000))",
            "SELECT length(replace(hex(randomblob(8000000)), 'A', 'AAAA'))",
        ] {
            let result = try sandbox.run(["sql", sql])
            #expect(result.exitCode == 1, "\(sql)")
            #expect(
                result.stderr
                    == "error: statement 1 made or read a value larger than the limit of 16 MiB; "
                    + "raise it with --max-value-size\n", "\(sql)")
        }
        // SQLite's printf answers NULL instead of a value over the limit (its own rule).
        let printf = try sandbox.run(["sql", "--format", "csv", "SELECT printf('%.*c', 17000000, 'x') IS NULL AS n"])
        #expect(printf.stdout == "n\r\n1\r\n", "\(printf.stderr)")
        let raised = try sandbox.run(["sql", "--max-value-size", "32M", "SELECT length(zeroblob(20000000)) AS n"])
        #expect(raised.exitCode == 0, "\(raised.stderr)")
        #expect(raised.stdout.contains("20000000"))
        let small = try sandbox.run(["sql", "--max-value-size", "1K", "SELECT length(hex(randomblob(600))) AS n"])
        #expect(small.stderr.contains("larger than the limit of 1 KiB"), "\(small.stderr)")
    }

    @Test func sizeOptionsAreCheckedAsUsage() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        for (arguments, message) in [
            (["--max-value-size", "2G"], "--max-value-size must be from 1K to 1000000000 bytes"),
            (["--max-value-size", "12"], "--max-value-size must be from 1K to 1000000000 bytes"),
            (["--max-memory", "1M"], "--max-memory must be from 16M to 1024G"),
            (["--max-memory", "lots"], "the value 'lots' is invalid for '--max-memory <size>'"),
        ] {
            let result = try sandbox.run(["sql", "SELECT 1"] + arguments)
            #expect(result.exitCode == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(ByteSize(argument: "16M")?.bytes == 16 << 20)
        #expect(ByteSize(argument: "512kib")?.bytes == 512 << 10)
        #expect(ByteSize(argument: "1G")?.bytes == 1 << 30)
        #expect(ByteSize(argument: "1000")?.bytes == 1000)
        #expect(ByteSize(argument: "1T") == nil)
        #expect(ByteSize(argument: "-1M") == nil)
    }

    // MARK: - The binary: the hard stop and the process-wide memory limit

    @Test func oneFunctionCallThatCannotBeInterruptedEndsTheProcessAtTheTimeout() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let before = try sandbox.sqlite("SELECT count(*) FROM sqlite_schema")
        // SQLite 3.40's printf loops a billion times inside one call, past any interrupt: it
        // ran 4-5 s and used 1 GB under --timeout 1 (7.7 s in the sqlite3 shell with a length limit).
        for write in [false, true] {
            let start = ContinuousClock().now
            let sql = "SELECT length(printf('%.*c', 1000000000, 'x'))"
            let result = try sandbox.runBinary(
                ["sql", "--timeout", "1"] + (write ? ["--write", "CREATE TABLE t(x); " + sql] : [sql]))
            #expect(result.exitCode == 1)
            #expect(
                result.stderr.hasPrefix(
                    "error: the --timeout of 1 s ran out and the running statement (one SQLite function call) or its "
                        + "output could not be interrupted; catalog exited to stop it\n"), "\(result.stderr)")
            if write {
                #expect(result.stderr.hasSuffix("error: nothing was changed (the transaction was not committed)\n"))
            }
            #expect(seconds(since: start) < 1 + margin)
        }
        // The --write run's CREATE TABLE was never committed.
        #expect(try sandbox.sqlite("SELECT count(*) FROM sqlite_schema") == before)
        #expect(try sandbox.succeed(["sql", "SELECT count(*) AS n FROM frameworks"]).stdout.contains("7"))
    }

    @Test func sqliteMemoryStaysUnderTheMemoryLimit() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let result = try sandbox.runBinary([
            "sql", "--max-value-size", "1000000000", "--max-memory", "64M", "SELECT length(randomblob(200000000))",
        ])
        #expect(result.exitCode == 1)
        #expect(
            result.stderr
                == "error: statement 1 needed more memory than the limit of 64 MiB; raise it with --max-memory\n")
        // Ten 300 MB blobs used 2.3 GB before; now the first is refused by size. The most any
        // child process of this test run has used stays far below either figure.
        let tenBlobs = try sandbox.runBinary([
            "sql", "SELECT " + Array(repeating: "length(randomblob(300000000))", count: 10).joined(separator: " + "),
        ])
        #expect(tenBlobs.exitCode == 1)
        #expect(tenBlobs.stderr.contains("larger than the limit of 16 MiB"))
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        #expect(usage.ru_maxrss < 600 * 1024, "largest child: \(usage.ru_maxrss) KB")
    }
}
