import CatalogSQLite
import Foundation
import Testing

@testable import CatalogKit

@Suite struct SQLSessionTests {
    let sandbox: Sandbox

    init() throws {
        sandbox = try Sandbox.withRealMigrations()
        try sandbox.migrator().migrate()
        try sandbox.open().execute("INSERT INTO languages(name) VALUES ('Python'), ('Ruby')")
    }

    func bytes() throws -> Data { try Data(contentsOf: URL(fileURLWithPath: sandbox.database)) }

    func rows(_ sql: String, write: Bool = false, parameters: [String] = []) throws -> [[OutputValue]] {
        var rows: [[OutputValue]] = []
        try SQLSession(path: sandbox.database, write: write).run(sql, parameters: parameters) { event in
            if case .row(let values) = event { rows.append(values) }
        }
        return rows
    }

    func failure(_ sql: String, write: Bool = false, timeout: Double? = nil) -> SQLSession.Failure? {
        do {
            try SQLSession(path: sandbox.database, write: write).run(sql, timeout: timeout) { _ in }
            Issue.record("expected \(sql) to fail")
        } catch let failure as SQLSession.Failure {
            return failure
        } catch {
            Issue.record("unexpected \(error)")
        }
        return nil
    }

    @Test(arguments: [
        "INSERT INTO languages(name) VALUES ('Go')", "UPDATE languages SET name = 'x'", "DELETE FROM languages",
        "DROP TABLE languages", "CREATE TABLE t(x)", "ALTER TABLE languages ADD COLUMN y",
        "CREATE INDEX i ON languages(name)",
        "PRAGMA writable_schema = 1", "PRAGMA journal_mode = DELETE", "PRAGMA query_only = OFF; DELETE FROM languages",
        "PRAGMA foreign_keys = OFF", "ANALYZE", "REINDEX", "VACUUM",
    ])
    func readOnlyRefusesEveryChange(sql: String) throws {
        let before = try bytes()
        let result = failure(sql)
        #expect(result != nil)
        if case .refused(_, _, let writeAllowed)? = result { #expect(!writeAllowed) }
        #expect(try bytes() == before)
        #expect(try rows("SELECT count(*) FROM languages") == [[.integer(2)]])
    }

    @Test func attachAndVacuumIntoCreateNoFileEvenWithWrite() throws {
        for write in [false, true] {
            let other = sandbox.root + "/other-\(write).sqlite3"
            #expect(failure("ATTACH '\(other)' AS other", write: write) != nil)
            #expect(failure("VACUUM INTO '\(other)'", write: write) != nil)
            #expect(!FileManager.default.fileExists(atPath: other))
            #expect(throws: (any Error).self) {
                try SQLSession(path: sandbox.database, write: write).run("SELECT load_extension('/tmp/x')") { _ in }
            }
        }
        if case .refused(_, let action, false)? = failure("ATTACH 'x.db' AS x") {
            #expect(action == "ATTACH or VACUUM INTO of x.db")
        } else {
            Issue.record("ATTACH was not refused by the authorizer")
        }
        #expect(
            SQLSession.Failure.refused(statement: 1, action: "DELETE FROM languages", writeAllowed: false).description
                == "statement 1 would modify the catalog or reach outside it (DELETE FROM languages)"
        )
    }

    @Test func readsAndReportingPragmasAreAllowed() throws {
        #expect(try rows("SELECT name FROM languages WHERE name > ? ORDER BY 1", parameters: ["A"]).count == 2)
        #expect(try rows("PRAGMA table_info(languages)").count == 2)
        #expect(try rows("SELECT name FROM pragma_table_info('languages')").count == 2)
        #expect(try rows("PRAGMA user_version") == [[.integer(0)]])
        #expect(try rows("PRAGMA integrity_check") == [[.text("ok")]])
        #expect(try rows("BEGIN; SELECT 1; COMMIT") == [[.integer(1)]])
        #expect(
            try rows("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c LIMIT 3) SELECT i FROM c").count
                == 3)
    }

    @Test func writeCommitsOnSuccessAndRollsBackOnError() throws {
        let session = try SQLSession(path: sandbox.database, write: true)
        #expect(
            try session.run("INSERT INTO languages(name) VALUES ('Go'); UPDATE languages SET name = name") { _ in } == 4
        )
        #expect(try rows("SELECT count(*) FROM languages") == [[.integer(3)]])
        let before = try bytes()
        let error = failure(
            "INSERT INTO languages(name) VALUES ('Java'); INSERT INTO languages(name) VALUES ('go')", write: true)
        guard case .sqlite(let statement, let message, _, _, _, _)? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(statement == 2)
        #expect(message == "UNIQUE constraint failed: languages.name (SQLITE_CONSTRAINT)")
        #expect(try rows("SELECT count(*) FROM languages WHERE name = 'Java'") == [[.integer(0)]])
        #expect(try bytes() == before)
    }

    @Test func aRunawayQueryStopsAtTheTimeout() throws {
        let start = ContinuousClock.now
        let error = failure(
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c", timeout: 0.3)
        #expect(error == .timedOut(statement: 1, seconds: 0.3))
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(error?.description == "statement 1 was stopped after the time limit of 0.3 s")
    }

    @Test func syntaxErrorsPointAtTheirPosition() throws {
        let error = failure("SELECT 1;\nSELECT *\n  FORM languages")
        #expect(
            error
                == .sqlite(
                    statement: 2, message: "near \"FORM\": syntax error (SQLITE_ERROR)", line: 3, column: 3,
                    excerpt: "  FORM languages", caret: 2))
        #expect(error?.pointer == "    FORM languages\n    ^")
    }

    @Test func positionsCountCRLFLinesAndUnicodeScalars() throws {
        // CRLF ends a line too, and the excerpt leaves the carriage return out.
        #expect(
            failure("SELECT 1;\r\nSELECT 'é😀', *\r\n  FORM languages")
                == .sqlite(
                    statement: 2, message: "near \"FORM\": syntax error (SQLITE_ERROR)", line: 3, column: 3,
                    excerpt: "  FORM languages", caret: 2))
        // Columns count Unicode scalars, as in seed and migration messages.
        #expect(
            failure("SELECT 'é😀' FORM languages")
                == .sqlite(
                    statement: 1, message: "near \"languages\": syntax error (SQLITE_ERROR)", line: 1, column: 18,
                    excerpt: "SELECT 'é😀' FORM languages", caret: 17))
    }

    @Test func parametersMustMatch() throws {
        #expect(failure("SELECT ?, ?") == .tooFewParameters(statement: 1, needed: 2, left: 0))
        #expect(throws: SQLSession.Failure.unusedParameters(1)) {
            try rows("SELECT ?", parameters: ["a", "b"])
        }
    }

    @Test func schemaDumpIsStableAndRecreatesTheSchema() throws {
        let db = try sandbox.open()
        let first = try SchemaDump.sql(db)
        #expect(try SchemaDump.sql(db) == first)
        #expect(!first.contains("sqlite_"))
        let copy = try Connection.inMemory()
        try copy.execute(first)
        #expect(try SchemaDump.sql(copy) == first)
        #expect(try SchemaDump.sql(db, tables: ["LANGUAGES"]).hasPrefix("CREATE TABLE languages ("))
        #expect(try SchemaDump.unknownTables(db, ["languages", "nope"]) == ["nope"])
    }
}

@Suite struct SQLSessionReviewTests {
    @Test func nativeCodeFunctionsAndTransactionStatementsAreRefusedWhereTheyCouldEscape() throws {
        let sandbox = try Sandbox.withRealMigrations()
        try sandbox.migrator().migrate()
        for write in [false, true] {
            let session = try SQLSession(path: sandbox.database, write: write)
            #expect(throws: (any Error).self) { try session.run("SELECT hex(fts3_tokenizer('simple'))") { _ in } }
        }
        let writer = try SQLSession(path: sandbox.database, write: true)
        try writer.run("INSERT INTO languages(name) VALUES ('Go')") { _ in }
        do {
            try writer.run("DELETE FROM languages; COMMIT; SELECT nope") { _ in }
            Issue.record("COMMIT was not refused")
        } catch let failure as SQLSession.Failure {
            #expect(
                failure
                    == .refused(
                        statement: 2, action: "COMMIT (--write runs everything in one transaction)", writeAllowed: true)
            )
        }
        #expect(try sandbox.open().fetchValue("SELECT count(*) FROM languages", as: Int.self) == 1)
    }
}
