import CatalogDatabase
import Foundation
import Testing

@testable import CatalogKit
@testable import CatalogPostgres

/// Says loudly when no server is configured, so a run without PostgreSQL cannot pass unnoticed
/// as if it had tested it.
@Suite struct PostgresServerTests {
    @Test func aServerIsConfiguredOrTheSkipIsLoud() throws {
        guard let server = PostgresServer.connectionString else {
            if ProcessInfo.processInfo.environment["CATALOG_REQUIRE_POSTGRES"] != nil {
                Issue.record(
                    "CATALOG_REQUIRE_POSTGRES is set (CI) but no server is: run through scripts/with-postgres.sh")
            }
            print(
                """
                ************************************************************************
                PostgreSQL tests SKIPPED: CATALOG_TEST_POSTGRES is not set.
                Run them with a throwaway server: scripts/with-postgres.sh swift test
                ************************************************************************
                """)
            return
        }
        let db = try PostgresConnection(url: server)
        #expect(try db.fetchValue("SELECT 1 + 1", as: Int64.self) == 2)
    }
}

/// The PostgreSQL backend on a real server (issue 14, first part): values, errors, statements
/// of a script, transactions and savepoints, and the dialect's SQL.
@Suite(.enabled(if: PostgresServer.isConfigured)) struct PostgresConnectionTests {
    @Test func valuesRoundTripByType() throws {
        let sandbox = try PostgresSandbox()
        let row = try #require(
            try sandbox.db.fetchOne(
                "SELECT $1::bigint AS i, $2::float8 AS r, $3::text AS t, $4::bytea AS b, $5::text AS n, true AS yes, "
                    + "1.5::numeric AS num",
                [.integer(-42), .real(2.5), .text("Café ☕ 'q' \"d\" \\"), .blob([0, 1, 0xFE, 0xFF]), .null]))
        #expect(
            row.values == [
                .integer(-42), .real(2.5), .text("Café ☕ 'q' \"d\" \\"), .blob([0, 1, 0xFE, 0xFF]), .null, .integer(1),
                .real(1.5),
            ])
        #expect(row.columns == ["i", "r", "t", "b", "n", "yes", "num"])
    }

    @Test func aScriptRunsStatementByStatementWithOffsets() throws {
        let sandbox = try PostgresSandbox()
        let script = """
            CREATE TABLE t (id bigint PRIMARY KEY, note text);
            -- a comment; with a semicolon
            INSERT INTO t VALUES (1, 'a;b'), (2, $$c;d$$);
            CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
            """
        var offsets: [Int] = []
        try sandbox.db.forEachStatement(in: script) { statement, offset in
            offsets.append(offset)
            try statement.execute()
        }
        #expect(offsets.count == 3)
        #expect(
            try sandbox.db.fetchAll("SELECT note FROM t ORDER BY id").map { $0.values } == [
                [.text("a;b")], [.text("c;d")],
            ])
        #expect(try sandbox.db.fetchValue("SELECT f()", as: Int64.self) == 1)
    }

    /// A script's statements share the server's unnamed statement (no DEALLOCATE round trip); one
    /// kept past the next is prepared again, so it never runs another statement's SQL.
    @Test func scriptStatementsKeptPastTheNextStillRunTheirOwnSQL() throws {
        let sandbox = try PostgresSandbox()
        var kept: [PostgresStatement] = []
        try sandbox.db.forEachStatement(in: "SELECT 1 AS one; SELECT 'two' AS two") { statement, _ in
            kept.append(statement)
        }
        #expect(try kept[0].fetchOne()?.get(0, as: Int64.self) == 1)
        #expect(try kept[1].fetchOne()?.get(0, as: String.self) == "two")
        #expect(try kept[0].fetchOne()?.get(0, as: Int64.self) == 1)
        #expect(kept.map(\.columnNames) == [["one"], ["two"]])
        // execute() runs each statement once (simple protocol) and counts changed rows.
        try sandbox.db.execute("CREATE TABLE t (x bigint); INSERT INTO t VALUES (1), (2), (3)")
        #expect(sandbox.db.changes == 3)
        #expect(throws: PostgresError.self) { try sandbox.db.execute("SELECT 1; SELECT nope") }
    }

    @Test func errorsCarryTheKindTheStateAndTheByteOffset() throws {
        let sandbox = try PostgresSandbox()
        try sandbox.db.execute("CREATE TABLE t (name text UNIQUE)")
        let script = "INSERT INTO t VALUES ('é');\nSELECT * FORM t"
        do {
            try sandbox.db.execute(script)
            Issue.record("no error")
        } catch let error as PostgresError {
            #expect(error.kind == .sql)
            #expect(error.sqlState == "42601")
            #expect(error.message == "syntax error at or near \"FORM\"")
            // The byte where FORM starts in the script (é is two bytes).
            let offset = try #require(error.offset)
            #expect(Array(script.utf8)[offset..<offset + 4] == Array("FORM".utf8)[...])
        }
        let duplicate = #expect(throws: PostgresError.self) { try sandbox.db.execute("INSERT INTO t VALUES ('é')") }
        #expect(duplicate?.kind == .constraint)
        #expect(duplicate?.description.hasSuffix("(SQLSTATE 23505)") == true)
    }

    @Test func connectionFailuresAreOneLineAndNeverShowThePassword() throws {
        let server = try #require(PostgresServer.connectionString)
        // A database that does not exist.
        do {
            _ = try PostgresConnection(url: server.replacingOccurrences(of: "dbname=postgres", with: "dbname=nope_db"))
            Issue.record("connected")
        } catch let error as PostgresError {
            #expect(error.kind == .cannotOpen)
            #expect(error.message.contains("database \"nope_db\" does not exist"), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
        // Nothing listening; the password is in the URL and must not come back.
        let secret = "s3cr3t-Pa55"
        do {
            _ = try PostgresConnection(url: "postgresql://catalog:\(secret)@/postgres?host=/nonexistent-socket-dir")
            Issue.record("connected")
        } catch let error as PostgresError {
            #expect(error.kind == .cannotOpen)
            #expect(!error.description.contains(secret))
            #expect(!error.message.contains("\n"))
        }
        #expect(PostgresConnection.password(in: "postgresql://u:\(secret)@h/db") == secret)
        #expect(PostgresConnection.password(in: "host=h password='\(secret)'") == secret)
        #expect(PostgresConnection.password(in: "host=h") == nil)
        let db = try PostgresConnection(url: server + " password=\(secret)")
        #expect(!db.location.contains(secret))
        #expect(db.location.hasPrefix("postgresql://catalog@"))
    }

    @Test func transactionsAndSavepointsRollBackExactlyTheirWork() throws {
        let sandbox = try PostgresSandbox()
        let db = sandbox.db
        try db.execute("CREATE TABLE t (n bigint)")
        struct Failure: Error {}
        #expect(throws: Failure.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES ($1)", [.integer(1)])
                throw Failure()
            }
        }
        try db.transaction {
            try db.execute("INSERT INTO t VALUES (2)")
            try? db.savepoint {
                try db.execute("INSERT INTO t VALUES (3)")
                throw Failure()
            }
            try db.savepoint { try db.execute("INSERT INTO t VALUES (4)") }
        }
        #expect(db.isAutocommit)
        #expect(try db.fetchAll("SELECT n FROM t ORDER BY n").map { $0.values } == [[.integer(2)], [.integer(4)]])
        // A transaction inside a transaction is refused (PostgreSQL itself would only warn, and
        // the inner COMMIT would end the outer transaction).
        try db.transaction {
            #expect(throws: DatabaseUsageError.self) {
                try db.transaction { try db.execute("INSERT INTO t VALUES (5)") }
            }
            #expect(!db.isAutocommit)
        }
    }

    @Test func aSavepointOutsideATransactionReadsOneSnapshot() throws {
        let sandbox = try PostgresSandbox()
        try sandbox.db.execute("CREATE TABLE t (n bigint); INSERT INTO t VALUES (1)")
        let other = try sandbox.connect()
        let (first, second) = try sandbox.db.savepoint {
            let first = try sandbox.db.fetchValue("SELECT count(*) FROM t", as: Int64.self)
            try other.execute("INSERT INTO t VALUES (2)")  // commits between the two reads
            let second = try sandbox.db.fetchValue("SELECT count(*) FROM t", as: Int64.self)
            return (first, second)
        }
        #expect(first == 1 && second == 1)
        #expect(try sandbox.db.fetchValue("SELECT count(*) FROM t", as: Int64.self) == 2)
    }

    @Test func namesCompareIgnoringASCIICaseOnly() throws {
        let sandbox = try PostgresSandbox()
        let db = sandbox.db
        try db.execute("CREATE TABLE companies (id bigint PRIMARY KEY, name text NOT NULL)")
        for (id, name) in [(1, "PayPal"), (2, "École"), (3, "école"), (4, "a\"b\\c")] {
            try db.execute("INSERT INTO companies VALUES ($1, $2)", [.integer(Int64(id)), .text(name)])
        }
        func ids(_ predicate: SQLExpression) throws -> [Int64] {
            let (sql, arguments) = predicate.render(for: db.dialect)
            return try db.fetchAll("SELECT id FROM companies WHERE \(sql) ORDER BY id", arguments).compactMap {
                $0.get(0, as: Int64.self)
            }
        }
        #expect(try ids(Column("name").equalsIgnoringCase("paypal")) == [1])
        // É and é differ by a non-ASCII case: two names, as in SQLite's NOCASE.
        #expect(try ids(Column("name").equalsIgnoringCase("ÉCOLE")) == [2])
        #expect(try ids(Column("name").inIgnoringCase(["PAYPAL", "A\"B\\C", "nobody"])) == [1, 4])
        #expect(try ids(Column("id").in([.integer(3), .integer(1)])) == [1, 3])
        #expect(try ids(.true) == [1, 2, 3, 4])
        #expect(try ids(.false) == [])
    }

    /// The grouped filter of `catalog query` (relational division over a list parameter) runs on
    /// PostgreSQL and answers as on SQLite, for every question form.
    @Test func everyQuestionFormsFilterRunsOnTheServer() throws {
        let sandbox = try PostgresSandbox()
        let db = sandbox.db
        try db.execute(
            """
            CREATE TABLE languages (id bigint PRIMARY KEY);
            CREATE TABLE frameworks (id bigint PRIMARY KEY, language_id bigint);
            CREATE TABLE companies (id bigint PRIMARY KEY);
            CREATE TABLE features (id bigint PRIMARY KEY);
            CREATE TABLE framework_companies (framework_id bigint, company_id bigint);
            CREATE TABLE framework_features (framework_id bigint, feature_id bigint);
            CREATE TABLE framework_capabilities (framework_id bigint, feature_id bigint);
            INSERT INTO languages VALUES (1), (2);
            INSERT INTO frameworks VALUES (10, 1), (11, 1), (12, 2);
            INSERT INTO companies VALUES (20), (21), (22);
            INSERT INTO features VALUES (30), (31);
            INSERT INTO framework_companies VALUES (10, 20), (10, 21), (11, 21), (12, 22);
            INSERT INTO framework_features VALUES (10, 30), (12, 31);
            INSERT INTO framework_capabilities VALUES (11, 30), (10, 31);
            """)
        let tables: [CatalogQuery.Subject: String] = [
            .frameworks: "frameworks", .companies: "companies", .features: "features", .languages: "languages",
        ]
        // Expected answers, worked out by hand from the rows above.
        let cases: [(CatalogQuery.Subject, CatalogQuery.Subject, [Int64], [Int64])] = [
            (.frameworks, .companies, [21], [10, 11]),
            (.frameworks, .companies, [20, 21], [10]),
            (.frameworks, .features, [30], [10, 11]),
            (.frameworks, .features, [30, 31], [10]),
            (.frameworks, .frameworks, [10, 11], []),
            (.companies, .features, [30, 31], [20, 21]),
            (.companies, .languages, [1, 2], []),
            (.companies, .frameworks, [10, 11], [21]),
            (.features, .companies, [20, 22], [31]),
            (.features, .languages, [1], [30, 31]),
            (.languages, .frameworks, [10, 11], [1]),
            (.languages, .companies, [21, 22], []),
            (.languages, .features, [30, 31], [1]),
        ]
        for (subject, kind, ids, expected) in cases {
            let predicate = CatalogQuery.relation(from: subject, to: kind).relatedToAll(ids)
            let (sql, arguments) = predicate.render(for: db.dialect)
            let answer = try db.fetchAll(
                "SELECT id FROM \(tables[subject]!) WHERE \(sql) ORDER BY id", arguments
            ).compactMap { $0.get(0, as: Int64.self) }
            #expect(answer == expected, "\(subject) by \(kind) \(ids): \(sql)")
        }
    }
}
