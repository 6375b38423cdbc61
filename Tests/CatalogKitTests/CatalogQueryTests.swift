import CatalogSQLite
import Testing

@testable import CatalogKit

/// `CatalogQuery` on a small catalog written through the ORM (`Fixture`): Django and Flask
/// (Python), Express (JavaScript); Google and Pinterest use Django, Pinterest Flask, PayPal Express.
@Suite struct CatalogQueryTests {
    let db: Connection
    let fixture: Fixture

    init() throws {
        db = try migratedDatabase()
        fixture = try Fixture(db)
        var alias = Alias<Company>(ownerID: try #require(fixture.paypal.id), alias: "X")
        try alias.insert(db)
        var js = Alias<Language>(ownerID: try #require(fixture.javaScript.id), alias: "js")
        try js.insert(db)
    }

    func frameworks(_ filters: CatalogQuery.Filters) throws -> [String] {
        try CatalogQuery(db).frameworks(filters).map(\.framework.name)
    }

    @Test func namesMatchIgnoringCaseAndThroughAliases() throws {
        #expect(try frameworks(.init(companies: ["paypal"])) == ["Express"])
        #expect(try frameworks(.init(companies: ["x"])) == ["Express"])
        #expect(try frameworks(.init(languages: ["JS"])) == ["Express"])
        #expect(try frameworks(.init(features: ["simple api"])) == ["Django", "Flask"])
    }

    /// The database compares names by bytes (ASCII case aside); Swift's `String` equality by
    /// canonical equivalence. "Café" composed (NFC) and decomposed (NFD) are two companies here,
    /// and a filter naming both needs both, as SQLite sees them.
    @Test func namesThatDifferOnlyByUnicodeNormalizationAreDifferentRecords() throws {
        let composed = "Caf\u{E9}"
        let decomposed = "Cafe\u{301}"
        #expect(composed == decomposed)  // to Swift
        var first = Company(name: composed)
        try first.insert(db)
        var second = Company(name: decomposed)
        try second.insert(db)
        try Framework.companies.attach([try #require(first.id)], to: fixture.django, db)
        try Framework.companies.attach([try #require(second.id)], to: fixture.express, db)
        #expect(try frameworks(.init(companies: [composed])) == ["Django"])
        #expect(try frameworks(.init(companies: [decomposed])) == ["Express"])
        #expect(try frameworks(.init(companies: [composed, decomposed])) == [])
        #expect(try CatalogQuery(db).companies(.init(companies: [decomposed])).map(\.name) == [decomposed])
    }

    @Test func aRecordsOwnNameWinsOverAnotherRecordsAlias() throws {
        var alias = Alias<Framework>(ownerID: try #require(fixture.flask.id), alias: "django")
        try alias.insert(db)
        #expect(try frameworks(.init(frameworks: ["Django"])) == ["Django"])
    }

    @Test func unknownNamesSuggestTheClosestKnownName() throws {
        #expect(throws: CatalogQuery.UnknownName(kind: "company", name: "Paypall", suggestion: "PayPal")) {
            try frameworks(.init(companies: ["Paypall"]))
        }
        #expect(throws: CatalogQuery.UnknownName(kind: "language", name: "Cobol", suggestion: nil)) {
            try frameworks(.init(languages: ["Cobol"]))
        }
    }

    @Test func filtersCombineWithAnd() throws {
        #expect(try frameworks(.init(companies: ["Google", "Pinterest"])) == ["Django"])
        #expect(try frameworks(.init(features: ["Middleware"], languages: ["Python"])) == ["Django"])
        // A known name that matches nothing is an empty answer, not an error.
        #expect(try frameworks(.init(companies: ["PayPal", "Google"])).isEmpty)
    }

    @Test func theCardHoldsEveryDetailSortedByName() throws {
        let card = try #require(try CatalogQuery(db).frameworks(.init(frameworks: ["django"])).first)
        #expect(card.language == "Python")
        #expect(card.features == ["Middleware", "Simple API"])
        #expect(card.companies == ["Google", "Pinterest"])
    }

    @Test func reverseQuestions() throws {
        let query = CatalogQuery(db)
        #expect(try query.companies(.init(languages: ["Python"])).map(\.name) == ["Google", "Pinterest"])
        #expect(try query.companies(.init(companies: ["pinterest"])).first?.frameworks == ["Django", "Flask"])
        #expect(try query.features(.init(frameworks: ["Express"])).map(\.name) == ["Middleware", "Routing"])
        #expect(try query.languages(.init(companies: ["PayPal"])).map(\.name) == ["JavaScript"])
    }

    @Test func aCompanyQueryTakesAConstantNumberOfStatements() throws {
        var selects = 0
        db.trace { sql in if sql.hasPrefix("SELECT") { selects += 1 } }
        _ = try CatalogQuery(db).frameworks(.init(companies: ["Pinterest"]))
        // Resolve the company, find its frameworks, then five eager loads.
        #expect(selects == 7)
        db.trace(nil)
    }
}

/// An answer is assembled from several statements (the frameworks, then their language, aliases,
/// features and companies); a writer that commits between two of them must not make the answer
/// half old, half new.
@Suite struct CatalogQuerySnapshotTests {
    @Test func aCommitBetweenTheStatementsOfAnAnswerIsNotSeen() throws {
        let sandbox = try Sandbox.withRealMigrations()
        try sandbox.migrator().migrate()
        let writer = try sandbox.open()
        let fixture = try Fixture(writer)
        let reader = try Connection.openReadOnly(path: sandbox.database)
        var committed = false
        // When the companies of the card start to load, another connection moves Django to 2006
        // and links PayPal to it, in one transaction.
        reader.trace { sql in
            guard !committed, sql.contains("\"framework_companies\" AS \"link\"") else { return }
            committed = true
            try? writer.transaction {
                try writer.execute("UPDATE frameworks SET first_release_year = 2006 WHERE name = 'Django'")
                try Framework.companies.link.attach([fixture.paypal.id!], toID: fixture.django.id!, writer)
            }
        }
        let card = try #require(try CatalogQuery(reader).frameworks(.init(frameworks: ["Django"])).first)
        reader.trace(nil)
        #expect(committed)
        // The snapshot began with the answer's first statement: the old state, whole.
        #expect(card.framework.firstReleaseYear == 2005)
        #expect(card.companies == ["Google", "Pinterest"])
        // The next answer sees the new state, whole.
        let again = try #require(try CatalogQuery(reader).frameworks(.init(frameworks: ["Django"])).first)
        #expect(again.framework.firstReleaseYear == 2006)
        #expect(again.companies == ["Google", "PayPal", "Pinterest"])
    }
}
