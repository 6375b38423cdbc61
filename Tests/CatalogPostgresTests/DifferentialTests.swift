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
        let compared = try compareBothBackends(seeds: Self.root + "/Seeds")
        #expect(compared.answers > 10_000)
        print("differential: \(compared.answers) answers compared, \(compared.names) names")
    }

    /// The same on a generated catalog whose names are made to trip a backend: LIKE wildcards,
    /// quotes, backslashes, names that differ only by a non-ASCII letter's case (two names on both
    /// backends) and aliases of those.
    @Test func theSyntheticCatalogAnswersTheSameOnBothBackends() throws {
        let folder = NSTemporaryDirectory() + "differential-seeds-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try SyntheticCatalog.write(to: folder)
        let compared = try compareBothBackends(seeds: folder)
        #expect(compared.names >= 100)
        print("differential (synthetic): \(compared.answers) answers compared, \(compared.names) names")
    }

    /// Loads `seeds` into SQLite and PostgreSQL with the same loader, then asks every question
    /// form with no filter, every name alone and every pair of names, on both.
    func compareBothBackends(seeds: String) throws -> (answers: Int, names: Int) {
        // SQLite: the project's migrations and seeds.
        let path = NSTemporaryDirectory() + "differential-" + UUID().uuidString + ".sqlite3"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try Migrator(databasePath: path, migrationsDirectory: Self.root + "/Migrations").migrate()
        let lite = try Connection(path: path, mode: .readWrite)
        let seeder = try Seeder(directory: seeds)
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
        return (compared, names.count)
    }
}

/// A small generated catalog (deterministic: SplitMix64 from a fixed seed) written as JSON seed
/// files: 6 languages, 16 frameworks, 28 features, 48 companies, aliases, and random links.
enum SyntheticCatalog {
    struct Generator {
        var state: UInt64 = 0x5EED_CA7A_1065
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func pick<T>(_ items: [T], count: Int) -> [T] {
            var pool = items
            var picked: [T] = []
            for _ in 0..<min(count, pool.count) { picked.append(pool.remove(at: below(pool.count))) }
            return picked
        }
    }

    static func write(to folder: String) throws {
        var random = Generator()
        let languages: [[String: Any]] = [
            ["name": "Python"], ["name": "Go", "aliases": ["Golang"]], ["name": "Élixir", "aliases": ["élixir"]],
            ["name": "c++"], ["name": "Lua"], ["name": "O'Caml", "aliases": ["OCAML"]],
        ]
        let hostileFeatures = [
            "100% typed", "under_score", "Quote\"d", "Back\\slash", "ünïcode", "ÜNÏCODE", "straße", "STRASSE",
        ]
        let features = hostileFeatures + (0..<20).map { "Feature \($0)" }
        let hostileCompanies = ["A_B", "A%B", "école", "École", "it's", "Ǆungla", "ǆungla", "日本株式会社"]
        let companies = hostileCompanies + (0..<40).map { "Company \($0)" }
        let frameworkNames = ["Fw_One", "Fw%Two", "Ωmega", "ωmega"] + (0..<12).map { "Framework \($0)" }
        let frameworks: [[String: Any]] = frameworkNames.enumerated().map { index, name in
            var framework: [String: Any] = [
                "name": name, "language": (languages[random.below(languages.count)]["name"] as? String) ?? "",
                "kind": random.below(2) == 0 ? "full-stack" : "microframework",
                "released": 1995 + random.below(30), "open_source": random.below(4) != 0,
                "features": random.pick(features, count: random.below(7)),
                "capabilities": random.pick(features, count: random.below(3)),
                "companies": random.pick(companies, count: random.below(9)),
            ]
            if random.below(2) == 0 { framework["architecture"] = ["MVC", "MVVM", "MTV"][random.below(3)] }
            if index % 5 == 0 { framework["aliases"] = ["alias of \(name)"] }
            return framework
        }
        let files: [(String, [String: Any])] = [
            ("languages.json", ["languages": languages]),
            ("features.json", ["features": features.map { ["name": $0] }]),
            (
                "companies.json",
                [
                    "companies": companies.enumerated().map { index, name -> [String: Any] in
                        index % 7 == 3 ? ["name": name, "aliases": ["\(name) Inc"]] : ["name": name]
                    }
                ]
            ),
            ("frameworks.json", ["frameworks": frameworks]),
        ]
        for (name, content) in files {
            let data = try JSONSerialization.data(withJSONObject: content, options: [.sortedKeys])
            try data.write(to: URL(fileURLWithPath: folder + "/" + name))
        }
    }
}
