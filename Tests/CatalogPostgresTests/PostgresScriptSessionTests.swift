import CatalogDatabase
import Foundation
import Testing

@testable import CatalogKit
@testable import CatalogPostgres

/// `catalog sql`'s session on PostgreSQL, run through the same `SQLSession` as on SQLite: a
/// read-only transaction unless writes are allowed, `--timeout` as the server's statement
/// timeout, a cancel that stops a running statement, errors at their line and column, `$n`
/// parameters bound in order.
@Suite(.enabled(if: PostgresServer.isConfigured)) struct PostgresScriptSessionTests {
    func session(_ sandbox: PostgresSandbox, write: Bool) throws -> SQLSession {
        // Read-only, as a reader role: a superuser is refused (PostgresReadOnlyTests).
        SQLSession(try PostgresScriptSession(url: write ? sandbox.url : sandbox.readerURL, write: write))
    }

    /// The rows a script prints, one line per row, `|` between values.
    func rows(_ session: SQLSession, _ script: String, parameters: [String] = [], timeout: Double? = nil) throws
        -> [String]
    {
        var lines: [String] = []
        try session.run(script, parameters: parameters, timeout: timeout) { event in
            if case .row(let values) = event { lines.append(values.map { "\($0)" }.joined(separator: "|")) }
        }
        return lines
    }

    @Test func withoutWriteNothingChangesAndTheRefusalSaysWhat() throws {
        let sandbox = try PostgresSandbox()
        try sandbox.db.execute("CREATE TABLE t (n bigint); INSERT INTO t VALUES (1)")
        let reader = try session(sandbox, write: false)
        #expect(try rows(reader, "SELECT n FROM t") == ["integer(1)"])
        for script in [
            "DELETE FROM t", "SELECT 1; INSERT INTO t VALUES (2)", "CREATE TABLE u (x int)", "UPDATE t SET n = 5",
            // Leaving the read-only transaction stops the script before the next statement.
            "COMMIT; SET default_transaction_read_only = off; INSERT INTO t VALUES (3)",
            "ROLLBACK; INSERT INTO t VALUES (4)",
        ] {
            do {
                _ = try rows(reader, script)
                Issue.record("\(script) ran")
            } catch let failure as SQLSession.Failure {
                guard case .refused(_, let action, let writeAllowed) = failure else {
                    Issue.record("\(script): \(failure)")
                    continue
                }
                #expect(!writeAllowed)
                #expect(script.uppercased().contains(action.uppercased()), "\(script): \(action)")
            }
        }
        // The session is usable afterwards and the table is as it was.
        #expect(try rows(reader, "SELECT count(*), max(n) FROM t") == ["integer(1)|integer(1)"])
        #expect(try sandbox.db.fetchValue("SELECT count(*) FROM t", as: Int64.self) == 1)
        #expect(try sandbox.db.fetchValue("SELECT count(*) FROM pg_tables WHERE tablename = 'u'", as: Int64.self) == 0)
    }

    @Test func withWriteTheScriptIsOneTransaction() throws {
        let sandbox = try PostgresSandbox()
        try sandbox.db.execute("CREATE TABLE t (n bigint PRIMARY KEY)")
        let writer = try session(sandbox, write: true)
        let changed = try writer.run("INSERT INTO t VALUES (1), (2); SELECT * FROM t; UPDATE t SET n = n + 10") { _ in }
        #expect(changed == 4)
        // A failure anywhere rolls back everything before it.
        #expect(throws: SQLSession.Failure.self) {
            try writer.run("INSERT INTO t VALUES (3);\nINSERT INTO t VALUES (11)") { _ in }
        }
        #expect(
            try sandbox.db.fetchAll("SELECT n FROM t ORDER BY n").map(\.values) == [[.integer(11)], [.integer(12)]])
    }

    @Test func theTimeoutStopsAStatementOnTheServer() throws {
        let sandbox = try PostgresSandbox()
        let reader = try session(sandbox, write: false)
        let start = ContinuousClock().now
        #expect(throws: SQLSession.Failure.timedOut(statement: 2, seconds: 0.5)) {
            try reader.run("SELECT 1; SELECT pg_sleep(10)", timeout: 0.5) { _ in }
        }
        #expect(ContinuousClock().now - start < .seconds(5))
        // The next script runs normally (the timeout was reset).
        #expect(try rows(reader, "SELECT 1 FROM pg_sleep(0.6)", timeout: 5) == ["integer(1)"])
        // ... and so does one with no limit at all, after another timeout.
        #expect(throws: SQLSession.Failure.self) { try reader.run("SELECT pg_sleep(10)", timeout: 0.3) { _ in } }
        #expect(try rows(reader, "SELECT 1 FROM pg_sleep(0.6)") == ["integer(1)"])
    }

    @Test func aCancelFromAnotherThreadStopsTheRunningStatement() throws {
        let sandbox = try PostgresSandbox()
        let reader = try session(sandbox, write: false)
        let interrupter = reader.backend.interrupter
        let thread = Thread {
            usleep(300_000)
            interrupter.interrupt()
        }
        thread.start()
        #expect(throws: SQLSession.Failure.interrupted(statement: 1)) {
            try reader.run("SELECT pg_sleep(10)") { _ in }
        }
    }

    @Test func errorsAreAtTheirLineAndColumnAndParametersBindInOrder() throws {
        let sandbox = try PostgresSandbox()
        let reader = try session(sandbox, write: false)
        do {
            _ = try rows(reader, "SELECT 1;\nSELECT 'é', nope FROM (SELECT 1) AS x")
            Issue.record("ran")
        } catch let failure as SQLSession.Failure {
            guard case .sqlite(let statement, let message, let line, let column, _, _) = failure else {
                Issue.record("\(failure)")
                return
            }
            #expect(statement == 2)
            #expect(message.contains("column \"nope\" does not exist"), "\(message)")
            #expect(line == 2 && column == 13, "line \(line), column \(column)")
        }
        #expect(
            try rows(reader, "SELECT $1::bigint + $2::bigint; SELECT $1::text", parameters: ["40", "2", "x"])
                == ["integer(42)", "text(\"x\")"])
        #expect(reader.backend.isComplete("SELECT 'a;'\n;") && !reader.backend.isComplete("SELECT $$;"))
    }

    /// Rows stream one at a time: a row over the value limit stops its statement, a deadline
    /// stops a result part-way, and after either the session runs the next script normally.
    @Test func resultsStreamWithinTheLimitAndStopCleanly() throws {
        let sandbox = try PostgresSandbox()
        let reader = SQLSession(
            try PostgresScriptSession(
                url: sandbox.readerURL, write: false, limits: ScriptLimits(maxValueBytes: 1024, maxMemoryBytes: 1 << 30)
            ))
        #expect(throws: SQLSession.Failure.tooBig(statement: 2, limit: 1024)) {
            try reader.run("SELECT 1; SELECT g, repeat('x', g) FROM generate_series(1000, 2000) g") { _ in }
        }
        #expect(try rows(reader, "SELECT 2") == ["integer(2)"])
        // The first rows arrive before the result ends (a set-returning function in the select
        // list streams; in FROM it would be materialised first); the deadline stops it part-way.
        var seen = 0
        #expect(throws: SQLSession.Failure.timedOut(statement: 1, seconds: 2)) {
            try reader.run("SELECT generate_series(1, 100000000)", timeout: 2) { event in
                if case .row = event {
                    seen += 1
                    usleep(100)
                }
            }
        }
        #expect(seen > 0 && seen < 100_000_000)
        #expect(
            try rows(reader, "SELECT 3; SELECT count(*) FROM generate_series(1, 10)") == ["integer(3)", "integer(10)"])
        // An error after some rows: the rows came, then the error, then the session goes on.
        #expect(throws: SQLSession.Failure.self) {
            try reader.run("SELECT g, 1 / (g - 3) FROM generate_series(1, 5) g") { _ in }
        }
        #expect(try rows(reader, "SELECT 4") == ["integer(4)"])
    }
}
