import CatalogKit
import Testing

@testable import CatalogSeeds

/// The article's facts, written once, checked against a database loaded from the real Seeds/.
@Suite struct ArticleDataTests {
    struct Fact {
        var name: String
        var language: String
        var released: Int
        var architecture: String?
        var kind: Framework.Kind
        var features: [String]
        var companies: [String]
    }

    static let facts: [Fact] = [
        Fact(
            name: "Django", language: "Python", released: 2005, architecture: "MVC", kind: .fullStack,
            features: [
                "Secure Authentication", "Batteries included", "Support of middleware", "SEO Optimized",
                "Huge community support", "Easy integration with third-party applications",
            ],
            companies: [
                "Google", "YouTube", "Instagram", "Spotify", "Pinterest", "DropBox", "Mozilla", "National Geographic",
            ]),
        Fact(
            name: "Laravel", language: "PHP", released: 2011, architecture: "MVC", kind: .fullStack,
            features: [
                "Own CLI (Command Line Interface)", "Integrates with MySQL, SQL Server, SQLite, and Postgres",
                "Migration of database", "Simple API", "Template Engine",
            ],
            companies: ["9GAG", "Pfizer", "Crowdcube", "Razorpay"]),
        Fact(
            name: "Express", language: "JavaScript", released: 2010, architecture: nil, kind: .microframework,
            features: [
                "Routing", "Middleware", "Debugging", "Plugin support", "Extensive templates", "HTTP utility methods",
            ],
            companies: ["Accenture", "PayPal", "Twitter", "Myntra", "Uber", "IBM"]),
        Fact(
            name: "Spring Boot", language: "Java", released: 2014, architecture: "MVC", kind: .fullStack,
            features: ["Simple API", "Dependency management", "Avoids Complex configuration of XML", "Microservices"],
            companies: ["Google", "Microsoft", "Udemy", "Amazon", "Trivago"]),
        Fact(
            name: "Ruby on Rails", language: "Ruby", released: 2004, architecture: "MVC", kind: .fullStack,
            features: [
                "Good community support", "Reliable and high-quality", "Simple testing", "Scaffolding", "Localization",
            ],
            companies: ["GitHub", "Shopify", "Netflix", "Airbnb", "Crunchbase"]),
        Fact(
            name: "Flask", language: "Python", released: 2010, architecture: nil, kind: .microframework,
            features: [
                "Unicode backend", "Development server", "Rapid development", "Minimalistic", "Good documentation",
            ],
            companies: ["LinkedIn", "Pinterest"]),
        Fact(
            name: "ASP.NET", language: "C#", released: 2002, architecture: nil, kind: .fullStack,
            features: [
                "Has multiple versions", "Minimal coding", "Asynchronous", "Support for containers",
                "Various support options for lifecycle",
            ],
            companies: ["Slack", "SpaceX", "Alibaba Travels", "MasterCard"]),
    ]

    @Test func theRealSeedsHoldEveryFactOfTheArticle() throws {
        let sandbox = try SeedSandbox()
        try sandbox.seed()
        let db = try sandbox.open()
        let frameworks = try Framework.all().fetchAll(db)
        #expect(Set(frameworks.map(\.name)) == Set(Self.facts.map(\.name)))
        let languages = try Framework.language.load(for: frameworks, db)
        let features = try Framework.features.load(for: frameworks, db)
        let companies = try Framework.companies.load(for: frameworks, db)
        for fact in Self.facts {
            let framework = try #require(frameworks.first { $0.name == fact.name })
            #expect(languages[framework.languageID]?.name == fact.language, "\(fact.name)")
            #expect(framework.firstReleaseYear == fact.released, "\(fact.name)")
            #expect(framework.architecturePattern == fact.architecture, "\(fact.name)")
            #expect(framework.kind == fact.kind, "\(fact.name)")
            #expect(framework.isOpenSource, "\(fact.name)")
            #expect(framework.description?.isEmpty == false, "\(fact.name)")
            #expect(Set(features[framework.id!, default: []].map(\.name)) == Set(fact.features), "\(fact.name)")
            #expect(Set(companies[framework.id!, default: []].map(\.name)) == Set(fact.companies), "\(fact.name)")
        }
        // Each feature and company is one record, however many frameworks it links to.
        #expect(try Feature.filter(Column("name") == "Simple API").fetchCount(db) == 1)
        let simpleAPI = try #require(try Feature.filter(Column("name") == "Simple API").fetchOne(db))
        #expect(try Feature.frameworks.query(for: simpleAPI).fetchAll(db).map(\.name) == ["Laravel", "Spring Boot"])
        for (company, users) in [("Google", ["Django", "Spring Boot"]), ("Pinterest", ["Django", "Flask"])] {
            let record = try #require(try Company.filter(Column("name") == company).fetchOne(db))
            #expect(try Company.frameworks.query(for: record).fetchAll(db).map(\.name) == users)
        }
        #expect(try Company.all().fetchCount(db) == Set(Self.facts.flatMap(\.companies)).count)
    }

    @Test func aliasesAndCapabilitiesAreQueryable() throws {
        let sandbox = try SeedSandbox()
        try sandbox.seed()
        let db = try sandbox.open()
        for (alias, name) in [("Rails", "Ruby on Rails"), ("express.js", "Express"), ("ASP.NET Core", "ASP.NET")] {
            #expect(try Framework.filter(Framework.named(alias)).fetchOne(db)?.name == name, "\(alias)")
        }
        #expect(try Company.filter(Company.named("dropbox")).fetchOne(db)?.name == "DropBox")
        #expect(try Company.filter(Company.named("X")).fetchOne(db)?.name == "Twitter")
        #expect(try Language.filter(Language.named("csharp")).fetchOne(db)?.name == "C#")
        for (capability, users) in [
            ("ORM", ["Flask", "Laravel"]), ("REST API", ["Express", "Flask"]), ("Admin interface", ["Django"]),
            ("MEAN stack", ["Express"]), ("MERN stack", ["Express"]),
            ("DRY (Don't Repeat Yourself)", ["Django", "Ruby on Rails"]),
            ("Convention over Configuration", ["Ruby on Rails"]),
        ] {
            let feature = try #require(try Feature.filter(Column("name") == capability).fetchOne(db), "\(capability)")
            #expect(try Feature.mentionedBy.query(for: feature).fetchAll(db).map(\.name) == users, "\(capability)")
        }
    }
}
