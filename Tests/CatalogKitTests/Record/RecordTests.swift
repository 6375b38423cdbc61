import CatalogSQLite
import Testing

@testable import CatalogKit

@Suite struct RecordTests {
    @Test func insertFetchUpdateDeleteRoundTrip() throws {
        let db = try migratedDatabase()
        var python = Language(name: "Python")
        try python.insert(db)
        let id = try #require(python.id)
        var django = Framework(
            name: "Django", languageID: id, firstReleaseYear: 2005, architecturePattern: "MVC",
            description: "A full-stack framework.")
        try django.insert(db)
        #expect(try Framework.find(try #require(django.id), db) == django)

        django.firstReleaseYear = 2006
        django.architecturePattern = nil
        try django.update(db)
        #expect(try Framework.find(django.id!, db) == django)

        #expect(try django.delete(db))
        #expect(try Framework.find(django.id!, db) == nil)
        #expect(try django.delete(db) == false)
        #expect(throws: RecordError.notFound(table: "frameworks", id: django.id!)) { try django.update(db) }
        #expect(throws: RecordError.notInserted(table: "languages")) { try Language(name: "Go").delete(db) }
    }

    @Test func anInserterPreparesOnceAndGivesEachRecordItsId() throws {
        let db = try migratedDatabase()
        let inserter = try Company.inserter(db)
        var companies = (0..<50).map { Company(name: "Company \($0)") }
        companies.append(Company(id: 1_000, name: "Chosen Id"))
        let statementsBefore = db.cachedStatementCount
        for index in companies.indices { try inserter.insert(&companies[index]) }
        // Only the record with a chosen id went through `insert(_:)` and its cached statement.
        #expect(db.cachedStatementCount == statementsBefore + 1)
        for company in companies { #expect(try Company.find(try #require(company.id), db) == company) }
        #expect(companies.last?.id == 1_000)
        #expect(Set(companies.compactMap(\.id)).count == companies.count)
        // A constraint violation is SQLite's error, and the inserter stays usable.
        var duplicate = Company(name: "company 3")
        #expect(throws: SQLiteError.self) { try inserter.insert(&duplicate) }
        #expect(duplicate.id == nil)
        var next = Company(name: "Company 51")
        try inserter.insert(&next)
        #expect(try Company.find(try #require(next.id), db)?.name == "Company 51")
    }

    @Test func upsertKeepsIdsAndUpdatesTheOtherColumns() throws {
        let db = try migratedDatabase()
        var python = Language(name: "Python")
        try python.upsert(db)
        var again = Language(name: "python")  // same natural key: names are case-insensitive
        try again.upsert(db)
        #expect(again.id == python.id)
        #expect(try Language.all().fetchCount(db) == 1)
        #expect(try Language.find(python.id!, db)?.name == "Python")  // the key itself is not rewritten

        var flask = Framework(name: "Flask", languageID: python.id!, firstReleaseYear: 2009)
        try flask.upsert(db)
        let firstID = flask.id
        var corrected = Framework(name: "Flask", languageID: python.id!, firstReleaseYear: 2010, kind: .microframework)
        try corrected.upsert(db)
        #expect(corrected.id == firstID)
        let stored = try #require(try Framework.find(firstID!, db))
        #expect(stored.firstReleaseYear == 2010)
        #expect(stored.kind == .microframework)
    }

    @Test func upsertNeverDeletesChildRows() throws {
        // INSERT OR REPLACE would delete the framework and cascade its links away.
        let db = try migratedDatabase()
        let fixture = try Fixture(db)
        var django = Framework(name: "Django", languageID: fixture.python.id!, firstReleaseYear: 2005)
        try django.upsert(db)
        #expect(django.id == fixture.django.id)
        #expect(try Framework.companies.query(for: django).fetchCount(db) == 2)
    }

    @Test func constraintViolationsSurfaceAsSQLiteErrors() throws {
        let db = try migratedDatabase()
        var first = Language(name: "Ruby")
        try first.insert(db)
        var duplicate = Language(name: "RUBY")
        let error = try #require(throws: SQLiteError.self) { try duplicate.insert(db) }
        #expect(ResultCode.constraint ~= error.code)
        var orphan = Framework(name: "Orphan", languageID: 999)
        #expect(throws: SQLiteError.self) { try orphan.insert(db) }
    }

    @Test func decodingReportsTheColumnAndValue() throws {
        let row = Row(columns: ["id", "name"], values: [.integer(1), .null])
        let error = try #require(throws: RowDecodingError.self) { try Language(row: row) }
        #expect(error == RowDecodingError(column: "name", expected: "String", found: .null))
    }

    @Test func loopsPrepareEachStatementOnce() throws {
        let db = try migratedDatabase()
        let before = db.preparationCount
        for index in 0..<200 {
            var company = Company(name: "Company \(index)")
            try company.insert(db)
            _ = try Company.find(company.id!, db)
        }
        // One INSERT and one SELECT, prepared once each, reused 200 times.
        #expect(db.preparationCount - before == 2)
    }

    @Test func everyModelMatchesTheMigratedSchema() throws {
        let db = try migratedDatabase()
        let models: [any TableRecord.Type] = [
            Language.self, Framework.self, Feature.self, Company.self, FrameworkFeature.self, FrameworkCompany.self,
            FrameworkCapability.self, Alias<Language>.self, Alias<Framework>.self, Alias<Company>.self,
        ]
        for model in models {
            let columns = try db.fetchAll("SELECT name FROM pragma_table_info(?)", [.text(model.databaseTableName)])
                .compactMap { $0.get(0, as: String.self) }
            #expect(!columns.isEmpty, "table \(model.databaseTableName) is missing")
            #expect(model.databaseColumns == columns, "\(model) columns differ from table \(model.databaseTableName)")
        }
        // Each natural key is backed by a UNIQUE index, as ON CONFLICT requires.
        let persistable: [any PersistableRecord.Type] = [
            Language.self, Framework.self, Feature.self, Company.self, Alias<Language>.self, Alias<Framework>.self,
            Alias<Company>.self,
        ]
        for model in persistable {
            let unique = try db.fetchAll(
                """
                SELECT group_concat(info.name) FROM pragma_index_list(?) AS list, pragma_index_info(list.name) AS info
                WHERE list."unique" = 1 GROUP BY list.name
                """, [.text(model.databaseTableName)]
            ).compactMap { $0.get(0, as: String.self) }
            #expect(unique.contains(model.naturalKey.joined(separator: ",")), "\(model)")
        }
    }
}
