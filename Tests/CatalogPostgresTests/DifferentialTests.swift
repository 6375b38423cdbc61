import CatalogDatabase
import CatalogSQLite
import CatalogSeeds
import Foundation
import Testing

@testable import CatalogKit
@testable import CatalogPostgres

/// The same seeds loaded into SQLite and PostgreSQL give byte-identical answers (issue 14, item
/// 5): every question form, with no filter, every single filter and every pair of filters over
/// all names and aliases in the article data, printed as the CLI prints them (table and JSON).
@Suite(.enabled(if: PostgresServer.isConfigured)) struct DifferentialTests {
    static let root = PostgresSandbox.projectRoot

    @Test func everyQuestionWithUpToTwoFiltersAnswersTheSameOnBothBackends() throws {
        // SQLite: the project's migrations and seeds.
        let path = NSTemporaryDirectory() + "differential-" + UUID().uuidString + ".sqlite3"
        try Migrator(databasePath: path, migrationsDirectory: Self.root + "/Migrations").migrate()
        let lite = try Connection(path: path, mode: .readWrite)
        let seeder = try Seeder(directory: Self.root + "/Seeds")
        let liteSummary = try seeder.seed(lite)
        // PostgreSQL: its migrations, the same seeds through the same loader.
        let sandbox = try PostgresSandbox()
        try sandbox.migrateCatalog()
        let pgSummary = try seeder.seed(sandbox.db)
        #expect(pgSummary.isUnchanged == false)
        #expect(String(describing: pgSummary.tables) == String(describing: liteSummary.tables))
        // Seeding again changes nothing on either (idempotent).
        #expect(try seeder.seed(sandbox.db).isUnchanged)
        #expect(try seeder.seed(lite).isUnchanged)

        let backends: [(String, CatalogQuery)] = [
            ("sqlite", CatalogQuery(lite)), ("postgresql", CatalogQuery(sandbox.db)),
        ]
        func answer(_ query: CatalogQuery, _ subject: CatalogQuery.Subject, _ filters: CatalogQuery.Filters) -> String {
            do {
                let table: ResultTable
                switch subject {
                case .frameworks: table = CatalogQuery.FrameworkDetails.table(try query.frameworks(filters))
                case .companies: table = CatalogQuery.Related.table(try query.companies(filters))
                case .features: table = CatalogQuery.Related.table(try query.features(filters))
                case .languages: table = CatalogQuery.Related.table(try query.languages(filters))
                }
                return OutputFormat.table.render(table) + OutputFormat.json.render(table)
            } catch {
                return "error: \(error)"
            }
        }
        // Every name and alias of every kind, from SQLite (the same set on PostgreSQL).
        var names: [(CatalogQuery.Subject, String)] = []
        for kind in CatalogQuery.Subject.allCases {
            let liteNames = try backends[0].1.knownNames(of: kind).sorted()
            #expect(try backends[1].1.knownNames(of: kind).sorted() == liteNames, "\(kind)")
            names += liteNames.map { (kind, $0) }
        }
        func filters(_ pairs: [(CatalogQuery.Subject, String)]) -> CatalogQuery.Filters {
            var filters = CatalogQuery.Filters()
            for (kind, name) in pairs {
                switch kind {
                case .companies: filters.companies.append(name)
                case .frameworks: filters.frameworks.append(name)
                case .features: filters.features.append(name)
                case .languages: filters.languages.append(name)
                }
            }
            return filters
        }
        var questions: [[(CatalogQuery.Subject, String)]] = [[]] + names.map { [$0] }
        for first in names.indices {
            for second in names.indices where second > first { questions.append([names[first], names[second]]) }
        }
        var compared = 0
        var differences: [String] = []
        for question in questions {
            let given = filters(question)
            for subject in CatalogQuery.Subject.allCases {
                let lite = answer(backends[0].1, subject, given)
                let pg = answer(backends[1].1, subject, given)
                compared += 1
                if lite != pg && differences.count < 5 {
                    differences.append(
                        "\(subject) \(question.map { "\($0.0)=\($0.1)" }): sqlite\n\(lite)\npostgresql\n\(pg)")
                }
            }
        }
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n---\n"))")
        #expect(compared > 10_000)
        print("differential: \(compared) answers compared, \(names.count) names")
    }
}
