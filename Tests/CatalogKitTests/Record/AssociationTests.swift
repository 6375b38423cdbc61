import CatalogSQLite
import Testing

@testable import CatalogKit

@Suite struct AssociationTests {
    @Test func belongsToAndHasMany() throws {
        let db = try migratedDatabase()
        let fixture = try Fixture(db)
        let languages = try Framework.language.load(for: [fixture.django, fixture.flask, fixture.express], db)
        #expect(languages[fixture.python.id!]?.name == "Python")
        #expect(languages.count == 2)
        #expect(try Framework.language.fetch(for: fixture.express, db)?.name == "JavaScript")

        let byLanguage = try Language.frameworks.load(for: [fixture.python, fixture.javaScript], db)
        #expect(byLanguage[fixture.python.id!]?.map(\.name) == ["Django", "Flask"])
        #expect(byLanguage[fixture.javaScript.id!]?.map(\.name) == ["Express"])
        #expect(try Language.frameworks.query(for: fixture.python).fetchCount(db) == 2)
    }

    @Test func hasManyThroughInBothDirections() throws {
        let db = try migratedDatabase()
        let fixture = try Fixture(db)
        let features = try Framework.features.load(for: [fixture.django, fixture.flask, fixture.express], db)
        #expect(features[fixture.django.id!]?.map(\.name) == ["Middleware", "Simple API"])
        #expect(features[fixture.flask.id!]?.map(\.name) == ["Simple API"])
        let users = try Company.frameworks.load(for: [fixture.pinterest, fixture.paypal], db)
        #expect(users[fixture.pinterest.id!]?.map(\.name) == ["Django", "Flask"])
        #expect(users[fixture.paypal.id!]?.map(\.name) == ["Express"])
        #expect(try Feature.frameworks.query(for: fixture.simpleAPI).fetchAll(db).map(\.name) == ["Django", "Flask"])
        // Filters compose: Python frameworks used by Pinterest that offer a simple API.
        let both = try Framework.filter(Column("language_id") == fixture.python.id)
            .filter(Framework.companies.containing(fixture.pinterest.id!))
            .filter(Framework.features.containing(fixture.simpleAPI.id!))
            .fetchAll(db)
        #expect(both.map(\.name) == ["Django", "Flask"])
        #expect(
            try Framework.filter(Framework.companies.containing(anyOf: [fixture.paypal.id!, fixture.google.id!]))
                .fetchAll(db).map(\.name) == ["Django", "Express"])
    }

    @Test func eagerLoadingRunsOneStatementPerAssociationWhateverTheCount() throws {
        let db = try migratedDatabase()
        let fixture = try Fixture(db)
        var counts: [Int] = []
        for size in [1, 10, 400] {
            // `size` companies that each use all three frameworks.
            var companies: [Company] = []
            try db.transaction {
                for index in 0..<size {
                    var company = Company(name: "Size \(size) company \(index)")
                    try company.insert(db)
                    try Company.frameworks.attach(
                        [fixture.django.id!, fixture.flask.id!, fixture.express.id!], to: company, db)
                    companies.append(company)
                }
            }
            let sql = try statements(on: db) {
                let frameworks = try Company.frameworks.load(for: companies, db)
                let all = Array(Set(frameworks.values.joined()))
                let languages = try Framework.language.load(for: all, db)
                let features = try Framework.features.load(for: all, db)
                #expect(frameworks.count == size)
                #expect(languages.count == 2)
                #expect(features.count == 3)
            }
            counts.append(sql.count)
        }
        #expect(counts == [3, 3, 3])
    }

    @Test func frameworksUsedByACompanyWithLanguagesAndFeaturesInFourStatements() throws {
        let db = try migratedDatabase()
        _ = try Fixture(db)
        // The "done when" of the ORM issue, as a Swift program would write it.
        var lines: [String] = []
        let sql = try statements(on: db) {
            guard let company = try Company.filter(Column("name").equalsIgnoringCase("pinterest")).fetchOne(db) else {
                return
            }
            let frameworks = try Company.frameworks.query(for: company).fetchAll(db)
            let languages = try Framework.language.load(for: frameworks, db)
            let features = try Framework.features.load(for: frameworks, db)
            for framework in frameworks {
                let featureNames = features[framework.id!, default: []].map(\.name).joined(separator: ", ")
                lines.append("\(framework.name) (\(languages[framework.languageID]?.name ?? "?")): \(featureNames)")
            }
        }
        #expect(lines == ["Django (Python): Middleware, Simple API", "Flask (Python): Simple API"])
        #expect(sql.count == 4)
    }

    @Test func attachDetachAndSyncLinks() throws {
        let db = try migratedDatabase()
        let fixture = try Fixture(db)
        func companies() throws -> [String] {
            try Framework.companies.query(for: fixture.express).fetchAll(db).map(\.name)
        }
        try Framework.companies.attach([fixture.google.id!, fixture.paypal.id!], to: fixture.express, db)
        #expect(try companies() == ["Google", "PayPal"])
        try Framework.companies.detach([fixture.paypal.id!], from: fixture.express, db)
        #expect(try companies() == ["Google"])
        let sql = try statements(on: db) {
            try Framework.companies.sync(fixture.express, to: [fixture.pinterest.id!, fixture.paypal.id!], db)
        }
        #expect(try companies() == ["PayPal", "Pinterest"])
        // SAVEPOINT, DELETE, INSERT, RELEASE: the same four whatever the number of links.
        #expect(sql.count == 4)
        try Framework.companies.sync(fixture.express, to: [], db)
        #expect(try companies().isEmpty)
        // Other frameworks' links are untouched.
        #expect(try Framework.companies.query(for: fixture.django).fetchCount(db) == 2)
        #expect(throws: RecordError.notInserted(table: "frameworks")) {
            try Framework.companies.attach([1], to: Framework(name: "New", languageID: 1), db)
        }
    }

    @Test func savepointsAndTransactionsWrapORMWork() throws {
        let db = try migratedDatabase()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction {
                var company = Company(name: "Temp")
                try company.insert(db)
                throw Boom()
            }
        }
        #expect(try Company.all().fetchCount(db) == 0)
        // Raw SQL with bound parameters stays available and returns the same rows.
        var company = Company(name: "Acme")
        try company.insert(db)
        let rows = try db.fetchAll("SELECT id, name FROM companies WHERE name = ?", [.text("Acme")])
        #expect(try rows.map(Company.init(row:)) == [company])
    }
}
