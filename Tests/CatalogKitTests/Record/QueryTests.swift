import CatalogSQLite
import Testing

@testable import CatalogKit

@Suite struct QueryTests {
    @Test func generatedSQLQuotesIdentifiersAndBindsValues() {
        let query = Framework.filter(
            Column("name").equalsIgnoringCase("django") && Column("first_release_year") >= 2005
        )
        .filter(Column("architecture_pattern") == String?.none)
        .order(Column("first_release_year").desc, Column("name").asc)
        .limit(10, offset: 20)
        let (sql, arguments) = query.makeSQL(for: SQLiteDialect())
        #expect(
            sql
                == "SELECT \"id\", \"name\", \"language_id\", \"first_release_year\", \"architecture_pattern\", \"is_open_source\", \"kind\", \"description\" FROM \"frameworks\" WHERE ((\"name\" = ? COLLATE NOCASE AND \"first_release_year\" >= ?) AND \"architecture_pattern\" IS NULL) ORDER BY \"first_release_year\" DESC, \"name\" LIMIT 10 OFFSET 20"
        )
        #expect(arguments == [.text("django"), .integer(2005)])
        #expect(
            Language.all().makeSQL(for: SQLiteDialect()).sql
                == "SELECT \"id\", \"name\" FROM \"languages\" ORDER BY \"name\" COLLATE NOCASE")
        #expect(quoteIdentifier("we\"ird") == "\"we\"\"ird\"")
    }

    @Test func inListsBindOneJSONArrayOrPlaceholders() {
        let sqlite = SQLiteDialect()
        #expect(Column("id").in([]).render(for: sqlite) == ("0", []))
        #expect(
            Column("id").in([.integer(1), .integer(2)]).render(for: sqlite)
                == ("\"id\" IN (SELECT value FROM json_each(?))", [.text("[1,2]")]))
        #expect(
            Column("name").inIgnoringCase(["a\"b", "c"]).render(for: sqlite)
                == (
                    "\"name\" COLLATE NOCASE IN (SELECT value COLLATE NOCASE FROM json_each(?))",
                    [.text("[\"a\\\"b\",\"c\"]")]
                ))
        #expect(
            Column("x").in([.integer(1), .text("a")]).render(for: sqlite)
                == ("\"x\" IN (?, ?)", [.integer(1), .text("a")]))
    }

    @Test func filtersOrderLimitCountAndExists() throws {
        let db = try migratedDatabase()
        _ = try Fixture(db)
        #expect(try Framework.all().fetchAll(db).map(\.name) == ["Django", "Express", "Flask"])
        #expect(try Framework.filter(Column("first_release_year") == 2010).fetchCount(db) == 2)
        #expect(try Framework.filter(Column("name").like("%LAS%")).fetchAll(db).map(\.name) == ["Flask"])
        #expect(
            try Framework.all().order(Column("name").desc).limit(1, offset: 1).fetchAll(db).map(\.name) == ["Express"])
        #expect(try Framework.filter(Column("kind") == Framework.Kind.microframework).fetchOne(db)?.name == "Flask")
        #expect(try Company.filter(Column("name").equalsIgnoringCase("PAYPAL")).exists(db))
        // Name columns are COLLATE NOCASE, so plain equality ignores case too.
        #expect(try Company.filter(Column("name") == "PAYPAL").exists(db))
        #expect(try !Company.filter(Column("name") == "PayPall").exists(db))
        #expect(try Company.filter(Column("name").inIgnoringCase(["google", "PINTEREST"])).fetchCount(db) == 2)
        #expect(try Company.filter(!(Column("name") == "Google") || Column("id") == 0).fetchCount(db) == 2)
        // A list far above SQLite's parameter limit is still one parameter.
        let manyIDs = (0..<100_000).map { DatabaseValue.integer(Int64($0)) }
        #expect(try Company.filter(Column("id").in(manyIDs)).fetchCount(db) == 3)
        #expect(try Company.filter(Column("name") == "Google").deleteAll(db) == 1)
    }

    @Test(arguments: ["x' OR '1'='1", "O'Reilly", "\"; DROP TABLE companies; --", "Robert'); DROP TABLE companies;--"])
    func injectionAttemptsAreJustNames(name: String) throws {
        let db = try migratedDatabase()
        _ = try Fixture(db)
        #expect(try Company.filter(Column("name") == name).fetchAll(db).isEmpty)
        #expect(try Company.filter(Column("name").equalsIgnoringCase(name)).fetchCount(db) == 0)
        var company = Company(name: name)
        try company.insert(db)
        #expect(try Company.filter(Column("name") == name).fetchOne(db)?.name == name)
        #expect(try Company.all().fetchCount(db) == 4)
        #expect(try db.fetchValue("SELECT count(*) FROM sqlite_schema WHERE name = 'companies'", as: Int.self) == 1)
    }
}
