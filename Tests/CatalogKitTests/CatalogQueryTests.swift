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
