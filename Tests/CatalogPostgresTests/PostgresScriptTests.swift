import Testing

@testable import CatalogPostgres

/// Splitting scripts into PostgreSQL statements (no server needed).
@Suite struct PostgresScriptTests {
    func texts(_ script: String) -> [String] {
        PostgresScript.statements(in: script).map(\.text)
    }

    @Test func semicolonsInsideQuotesCommentsAndDollarQuotesDoNotSplit() {
        #expect(texts("SELECT 'a;b'; SELECT \"x;y\"") == ["SELECT 'a;b'", " SELECT \"x;y\""])
        #expect(texts("SELECT 'it''s;'; SELECT 2") == ["SELECT 'it''s;'", " SELECT 2"])
        #expect(texts("SELECT E'a\\';b'; SELECT 2") == ["SELECT E'a\\';b'", " SELECT 2"])
        // Without E, a backslash is an ordinary character: the quote after it ends the string.
        #expect(texts("SELECT 'a\\'; SELECT 2") == ["SELECT 'a\\'", " SELECT 2"])
        #expect(texts("SELECT 1 -- c; d\n; SELECT 2") == ["SELECT 1 -- c; d\n", " SELECT 2"])
        #expect(
            texts("SELECT /* a /* nested; */ still; */ 1; SELECT 2") == [
                "SELECT /* a /* nested; */ still; */ 1", " SELECT 2",
            ])
        #expect(texts("DO $$ BEGIN PERFORM 1; END $$; SELECT 2") == ["DO $$ BEGIN PERFORM 1; END $$", " SELECT 2"])
        #expect(
            texts("CREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1; $fn$ LANGUAGE sql; SELECT 2")
                == ["CREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1; $fn$ LANGUAGE sql", " SELECT 2"])
        // Parameters are not dollar quotes.
        #expect(texts("SELECT $1; SELECT $2") == ["SELECT $1", " SELECT $2"])
        // An identifier ending in a digit before a $ is not a quote either.
        #expect(texts("SELECT a$b; SELECT 2") == ["SELECT a$b", " SELECT 2"])
    }

    @Test func blankStatementsAreLeftOutAndOffsetsAreBytes() {
        let statements = PostgresScript.statements(in: "é;; -- only a comment\n; SELECT 1")
        #expect(statements.map(\.text) == ["é", " SELECT 1"])
        #expect(statements.map(\.offset) == [0, 24])
    }

    @Test func aScriptIsCompleteAfterASemicolonOutsideEverything() {
        #expect(PostgresScript.isComplete("SELECT 1;"))
        #expect(PostgresScript.isComplete("SELECT 1; -- done\n"))
        #expect(!PostgresScript.isComplete("SELECT 1"))
        #expect(!PostgresScript.isComplete("SELECT 'a;"))
        #expect(!PostgresScript.isComplete("DO $$ BEGIN PERFORM 1;"))
        #expect(PostgresScript.isComplete("DO $$ BEGIN PERFORM 1; END $$;"))
        #expect(!PostgresScript.isComplete("SELECT 1; SELECT 2"))
    }
}
