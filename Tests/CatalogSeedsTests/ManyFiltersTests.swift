import CatalogKit
import CatalogSQLite
import Testing

@testable import CatalogSeeds

/// Questions with many filters (issue 13, part 3): the SQL keeps one predicate per kind of name,
/// so 80 or 10,000 filters answer (80 used to overflow SQLite's parser stack), repeats count
/// once. (What combined filters mean is `FilterOracleTests`'.)
@Suite struct ManyFiltersTests {
    let sandbox: SeedSandbox
    let query: CatalogQuery

    init() throws {
        sandbox = try SeedSandbox()
        try sandbox.seed()
        query = CatalogQuery(try Connection(path: sandbox.database, mode: .readOnly))
    }

    typealias Subject = CatalogQuery.Subject

    /// The names of the answer to `filters` when asking for `subject`.
    func answer(_ subject: Subject, _ filters: CatalogQuery.Filters) throws -> [String] {
        switch subject {
        case .frameworks: return try query.frameworks(filters, including: []).map(\.framework.name)
        case .companies: return try query.companies(filters).map(\.name)
        case .features: return try query.features(filters).map(\.name)
        case .languages: return try query.languages(filters).map(\.name)
        }
    }

    /// Filters naming `names`, all of kind `kind`.
    func filters(_ kind: Subject, _ names: [String]) -> CatalogQuery.Filters {
        var filters = CatalogQuery.Filters()
        switch kind {
        case .frameworks: filters.frameworks = names
        case .companies: filters.companies = names
        case .features: filters.features = names
        case .languages: filters.languages = names
        }
        return filters
    }

    /// Every record name of `kind` (not the aliases).
    func names(_ kind: Subject) throws -> [String] {
        try answer(kind, .init())
    }

    @Test(arguments: Subject.allCases)
    func manyRepeatsOfEveryKindAnswerLikeOne(_ subject: Subject) throws {
        let one = CatalogQuery.Filters(
            companies: ["PayPal"], frameworks: ["Express"], features: ["Debugging"], languages: ["JavaScript"])
        let expected = try answer(subject, one)
        #expect(!expected.isEmpty)
        for count in [80, 10_000] {
            // Repeats in every spelling: case differences and an alias are the same record.
            let many = CatalogQuery.Filters(
                companies: Array(repeating: ["PayPal", "paypal"], count: count / 2).flatMap { $0 },
                frameworks: Array(repeating: ["Express", "express.js"], count: count / 2).flatMap { $0 },
                features: Array(repeating: ["debugging", "DEBUGGING"], count: count / 2).flatMap { $0 },
                languages: Array(repeating: ["JavaScript", "javascript"], count: count / 2).flatMap { $0 })
            #expect(try answer(subject, many) == expected, "\(subject), \(count) filters of each kind")
        }
    }

    @Test func everyNameOfAKindAtOnceMatchesOnlyWhatAllOfThemShare() throws {
        // Every company at once: the frameworks used by every company of the article (none).
        let companies = try names(.companies)
        #expect(companies.count > 20)
        #expect(try answer(.frameworks, .init(companies: companies)) == [])
        // Two frameworks at once are not one framework.
        #expect(try answer(.frameworks, .init(frameworks: ["Django", "Flask"])) == [])
        // ... but a company can use both, and a language can hold both.
        #expect(try answer(.companies, .init(frameworks: ["Django", "Flask"])) == ["Pinterest"])
        #expect(try answer(.languages, .init(frameworks: ["Django", "Flask"])) == ["Python"])
    }

    @Test func theFirstUnknownNameAmongManyIsReported() throws {
        let names = Array(repeating: "PayPal", count: 5_000) + ["Nobody Inc", "Also Nobody"]
        #expect(throws: CatalogQuery.UnknownName.self) { try query.frameworks(.init(companies: names)) }
        let error = #expect(throws: CatalogQuery.UnknownName.self) { try query.companies(.init(companies: names)) }
        #expect(error?.name == "Nobody Inc")
        #expect(error?.kind == "company")
    }
}
