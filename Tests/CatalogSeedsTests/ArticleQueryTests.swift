import CatalogKit
import CatalogSQLite
import Testing

@testable import CatalogSeeds

/// Relationship questions over the article's catalog as the seed loader writes it, both ways.
/// (`CatalogQuery`'s own behaviour is tested on an ORM fixture in CatalogKitTests.)
@Suite struct ArticleQueryTests {
    let sandbox: SeedSandbox

    init() throws {
        sandbox = try SeedSandbox()
        try sandbox.seed()
    }

    func query() throws -> CatalogQuery {
        CatalogQuery(try Connection(path: sandbox.database, mode: .readOnly))
    }

    @Test func everyCompanyOfTheArticleAnswersWithItsFrameworks() throws {
        var expected: [String: [String]] = [:]
        for fact in ArticleDataTests.facts {
            for company in fact.companies { expected[company, default: []].append(fact.name) }
        }
        let query = try query()
        for (company, frameworks) in expected {
            let answer = try query.frameworks(.init(companies: [company])).map(\.framework.name)
            #expect(answer == frameworks.sorted(), "\(company)")
            // And the reverse: each of those frameworks lists the company among its users.
            for framework in frameworks {
                #expect(try query.companies(.init(frameworks: [framework])).map(\.name).contains(company))
            }
        }
        #expect(try query.frameworks(.init(companies: ["PayPal"])).map(\.framework.name) == ["Express"])
        #expect(try query.frameworks(.init(companies: ["Google"])).map(\.framework.name) == ["Django", "Spring Boot"])
        #expect(try query.frameworks(.init(companies: ["Pinterest"])).map(\.framework.name) == ["Django", "Flask"])
    }

    @Test func namesMatchIgnoringCaseAndThroughAliases() throws {
        let query = try query()
        #expect(try query.frameworks(.init(companies: ["paypal"])).map(\.framework.name) == ["Express"])
        #expect(try query.frameworks(.init(companies: ["X"])).map(\.framework.name) == ["Express"])
        #expect(try query.frameworks(.init(frameworks: ["rails"])).map(\.framework.name) == ["Ruby on Rails"])
        #expect(try query.frameworks(.init(languages: ["js"])).map(\.framework.name) == ["Express"])
        #expect(
            try query.frameworks(.init(features: ["simple api"])).map(\.framework.name) == ["Laravel", "Spring Boot"])
    }

    @Test func aRecordsOwnNameWinsOverAnotherRecordsAlias() throws {
        let db = try Connection(path: sandbox.database)
        // An alias left behind by an earlier seed, spelt like another framework's name.
        let flask = try #require(try Framework.filter(Column("name") == "Flask").fetchOne(db))
        var alias = Alias<Framework>(ownerID: try #require(flask.id), alias: "django")
        try alias.insert(db)
        #expect(try CatalogQuery(db).frameworks(.init(frameworks: ["Django"])).map(\.framework.name) == ["Django"])
    }

    @Test func unknownNamesSuggestTheClosestKnownName() throws {
        let query = try query()
        #expect(throws: CatalogQuery.UnknownName(kind: "company", name: "Paypall", suggestion: "PayPal")) {
            try query.frameworks(.init(companies: ["Paypall"]))
        }
        #expect(throws: CatalogQuery.UnknownName(kind: "framework", name: "Djangoo", suggestion: "Django")) {
            try query.companies(.init(frameworks: ["Djangoo"]))
        }
        #expect(throws: CatalogQuery.UnknownName(kind: "language", name: "Cobol", suggestion: nil)) {
            try query.frameworks(.init(languages: ["Cobol"]))
        }
        #expect(
            CatalogQuery.UnknownName(kind: "company", name: "Paypall", suggestion: "PayPal").description
                == "no company named \"Paypall\" (did you mean \"PayPal\"?)")
    }

    @Test func filtersCombineWithAnd() throws {
        let query = try query()
        #expect(
            try query.frameworks(.init(features: ["Secure Authentication"], languages: ["Python"])).map(
                \.framework.name)
                == ["Django"])
        #expect(try query.frameworks(.init(companies: ["Google", "Pinterest"])).map(\.framework.name) == ["Django"])
        // A known name that matches nothing is an empty answer, not an error.
        #expect(try query.frameworks(.init(companies: ["Slack", "PayPal"])).isEmpty)
        #expect(try query.frameworks(.init(features: ["ORM"])).map(\.framework.name) == ["Flask", "Laravel"])
    }

    @Test func reverseQuestions() throws {
        let query = try query()
        #expect(
            try query.companies(.init(languages: ["Python"])).map(\.name) == [
                "DropBox", "Google", "Instagram", "LinkedIn", "Mozilla", "National Geographic", "Pinterest", "Spotify",
                "YouTube",
            ])
        #expect(
            try query.features(.init(frameworks: ["Laravel", "Spring Boot"])).map(\.name) == [
                "MVC architecture", "Simple API",
            ])
        #expect(try query.features(.init(frameworks: ["Django", "Flask"])).isEmpty)
        #expect(try query.languages(.init(companies: ["Google"])).map(\.name) == ["Java", "Python"])
        #expect(try query.languages(.init(features: ["REST API"])).map(\.name) == ["JavaScript", "Python"])
        let google = try #require(try query.companies(.init(companies: ["google"])).first)
        #expect(google.frameworks == ["Django", "Spring Boot"])
    }

    @Test func aCompanyQueryRunsFromIndexesInAConstantNumberOfStatements() throws {
        let db = try Connection(path: sandbox.database, mode: .readOnly)
        var plans: [String] = []
        db.trace { sql in
            if sql.hasPrefix("SELECT") { plans.append(sql) }
        }
        _ = try CatalogQuery(db).frameworks(.init(companies: ["PayPal"]))
        // Resolve the company, find its frameworks, then five eager loads.
        #expect(plans.count == 7, "\(plans)")
        plans.removeAll()
        _ = try CatalogQuery(db).frameworks(.init(companies: ["PayPal"]), including: [.language])
        #expect(plans.count == 3, "\(plans)")
        db.trace(nil)
        // The statements it runs search indexes and never scan the big tables: the plan of each,
        // its parameters unbound (NULL).
        var statements: [String] = []
        db.trace { sql in
            if sql.hasPrefix("SELECT") { statements.append(sql) }
        }
        _ = try CatalogQuery(db).frameworks(.init(companies: ["PayPal", "Twitter"]), including: [])
        _ = try CatalogQuery(db).frameworks(.init(companies: ["Twitter"]), including: [])
        _ = try CatalogQuery(db).frameworks(.init(companies: ["Twitter"]), including: [])
        db.trace(nil)
        #expect(statements.count == 6, "\(statements)")
        for sql in Set(statements) {
            let parameters = [DatabaseValue](repeating: .null, count: sql.filter { $0 == "?" }.count)
            let plan = try db.fetchAll("EXPLAIN QUERY PLAN " + sql, parameters).compactMap {
                $0.get(3, as: String.self)
            }
            #expect(
                !plan.contains {
                    $0.hasPrefix("SCAN companies") || $0.hasPrefix("SCAN company_aliases")
                        || $0.hasPrefix("SCAN framework_companies")
                }, "\(sql): \(plan)")
            if sql.contains("framework_companies") {
                #expect(plan.contains { $0.contains("framework_companies_company_id") }, "\(sql): \(plan)")
            }
        }
    }
}
