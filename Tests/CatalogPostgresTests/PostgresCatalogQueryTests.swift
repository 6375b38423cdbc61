import CatalogDatabase
import CatalogPostgres
import Testing

@testable import CatalogKit

/// The ORM and `CatalogQuery` on PostgreSQL, through the seam alone: records written by name,
/// links attached by id list, every question form answered as on SQLite, on the schema of the
/// catalog's PostgreSQL migrations (`Migrations/postgresql/`).
@Suite(.enabled(if: PostgresServer.isConfigured)) struct PostgresCatalogQueryTests {
    /// Django and Flask (Python), Express (JavaScript); Google and Pinterest use Django, Pinterest
    /// Flask, PayPal Express (the ORM tests' fixture).
    func catalog() throws -> (PostgresSandbox, CatalogQuery) {
        let sandbox = try PostgresSandbox()
        let db = sandbox.db
        try sandbox.migrateCatalog()
        var python = Language(name: "Python")
        var javaScript = Language(name: "JavaScript")
        try python.insert(db)
        try javaScript.insert(db)
        var django = Framework(
            name: "Django", languageID: python.id!, firstReleaseYear: 2005, architecturePattern: "MVC")
        var flask = Framework(name: "Flask", languageID: python.id!, firstReleaseYear: 2010, kind: .microframework)
        var express = Framework(name: "Express", languageID: javaScript.id!, firstReleaseYear: 2010)
        try django.insert(db)
        try flask.insert(db)
        try express.insert(db)
        var features = [Feature(name: "Simple API"), Feature(name: "Middleware"), Feature(name: "Routing")]
        for index in features.indices { try features[index].insert(db) }
        var companies = [Company(name: "Google"), Company(name: "Pinterest"), Company(name: "PayPal")]
        for index in companies.indices { try companies[index].insert(db) }
        try Framework.features.attach([features[0].id!, features[1].id!], to: django, db)
        try Framework.features.attach([features[0].id!], to: flask, db)
        try Framework.features.attach([features[1].id!, features[2].id!], to: express, db)
        try Framework.companies.attach([companies[0].id!, companies[1].id!], to: django, db)
        try Framework.companies.attach([companies[1].id!], to: flask, db)
        try Framework.companies.attach([companies[2].id!], to: express, db)
        var alias = Alias<Company>(ownerID: companies[2].id!, alias: "X")
        try alias.insert(db)
        return (sandbox, CatalogQuery(db))
    }

    /// `upsert` finds the row by its name ignoring ASCII case (the unique index's expression on
    /// PostgreSQL), keeps its id, and updates the other columns; a non-ASCII case is a new name.
    @Test func upsertMatchesNamesIgnoringASCIICaseAsOnSQLite() throws {
        let (sandbox, _) = try catalog()
        let db = sandbox.db
        let paypal = try #require(try Company.filter(Column("name") == "PayPal").fetchOne(db))
        var again = Company(name: "paypal")
        try again.upsert(db)
        #expect(again.id == paypal.id)
        #expect(try db.fetchValue("SELECT count(*) FROM companies", as: Int64.self) == 3)
        var flask = Framework(name: "FLASK", languageID: paypal.id!, firstReleaseYear: 2011)
        flask.languageID = try #require(try Language.filter(Column("name") == "Python").fetchOne(db)?.id)
        try flask.upsert(db)
        #expect(
            try db.fetchValue("SELECT first_release_year FROM frameworks WHERE name = 'Flask'", as: Int64.self) == 2011)
        var alias = Alias<Company>(ownerID: paypal.id!, alias: "x")
        try alias.upsert(db)
        #expect(try db.fetchValue("SELECT count(*) FROM company_aliases", as: Int64.self) == 1)
        var ecole = Company(name: "école")
        try ecole.upsert(db)
        var upper = Company(name: "École")
        try upper.upsert(db)
        #expect(upper.id != ecole.id)
    }

    @Test func everyQuestionFormAnswersAsOnSQLite() throws {
        // The sandbox keeps the schema alive while the query runs.
        let (sandbox, query) = try catalog()
        defer { withExtendedLifetime(sandbox) {} }
        #expect(try query.frameworks(.init(companies: ["paypal"])).map(\.framework.name) == ["Express"])
        #expect(try query.frameworks(.init(companies: ["x"])).map(\.framework.name) == ["Express"])
        #expect(try query.frameworks(.init(features: ["simple api"])).map(\.framework.name) == ["Django", "Flask"])
        #expect(try query.frameworks(.init(languages: ["python"])).map(\.framework.name) == ["Django", "Flask"])
        #expect(try query.companies(.init(frameworks: ["Django", "Flask"])).map(\.name) == ["Pinterest"])
        #expect(
            try query.companies(.init(languages: ["Python"])).map { "\($0.name): \($0.frameworks)" }
                == ["Google: [\"Django\"]", "Pinterest: [\"Django\", \"Flask\"]"])
        #expect(try query.features(.init(companies: ["Pinterest"])).map(\.name) == ["Middleware", "Simple API"])
        #expect(try query.languages(.init(features: ["Middleware"])).map(\.name) == ["JavaScript", "Python"])
        let card = try #require(try query.frameworks(.init(frameworks: ["django"])).first)
        #expect(card.language == "Python")
        #expect(card.companies == ["Google", "Pinterest"])
        #expect(card.features == ["Middleware", "Simple API"])
        #expect(card.framework.firstReleaseYear == 2005)
        #expect(throws: CatalogQuery.UnknownName(kind: "company", name: "Paypall", suggestion: "PayPal")) {
            try query.frameworks(.init(companies: ["Paypall"]))
        }
        // 10,000 filters: one grouped condition, one list parameter.
        let many = CatalogQuery.Filters(companies: Array(repeating: "PAYPAL", count: 10_000))
        #expect(try query.frameworks(many).map(\.framework.name) == ["Express"])
    }
}
