import CatalogKit
import CatalogSQLite
import Foundation
import Testing

@testable import CatalogSeeds

/// What combined filters mean (issue 16), against an oracle: the article's seed files are read
/// into memory, every answer is computed by brute force from them following the definition in
/// `CatalogQuery`'s documentation, and compared with what the database answers, for every
/// question form and every combination of up to two filters over all names, and of three
/// filters every `CATALOG_ORACLE_STRIDE`-th combination (default 16, what CI runs: all 750,256
/// questions take 4 to 12 minutes on two busy cores; `scripts/soak.sh` sets 1).
@Suite struct FilterOracleTests {
    static var stride: Int {
        max(ProcessInfo.processInfo.environment["CATALOG_ORACLE_STRIDE"].flatMap(Int.init) ?? 16, 1)
    }
    typealias Subject = CatalogQuery.Subject

    /// The seed files as plain sets of names.
    struct Facts {
        var names: [Subject: [String]] = [:]
        var frameworks: [String] = []
        var language: [String: String] = [:]
        var companies: [String: Set<String>] = [:]  // framework -> companies using it
        var offers: [String: Set<String>] = [:]  // framework -> features listed or mentioned

        init(_ catalog: SeedCatalog) {
            names[.languages] = catalog.languages.map(\.name.value)
            names[.features] = catalog.features.map(\.name.value)
            names[.companies] = catalog.companies.map(\.name.value)
            names[.frameworks] = catalog.frameworks.map(\.name.value)
            frameworks = names[.frameworks] ?? []
            let languageByKey = Dictionary(
                catalog.languages.map { (NameKey($0.name.value), $0.name.value) }, uniquingKeysWith: { a, _ in a })
            for entry in catalog.frameworks {
                language[entry.name.value] = languageByKey[entry.language]
            }
            for link in catalog.frameworkCompanies {
                companies[frameworks[Int(link.framework)], default: []].insert(
                    catalog.companies[Int(link.other)].name.value)
            }
            for link in catalog.frameworkFeatures.union(catalog.frameworkCapabilities) {
                offers[frameworks[Int(link.framework)], default: []].insert(
                    catalog.features[Int(link.other)].name.value)
            }
        }

        /// Whether `record` of `subject` relates to the framework `framework`.
        func relates(_ subject: Subject, _ record: String, _ framework: String) -> Bool {
            switch subject {
            case .frameworks: return record == framework
            case .companies: return companies[framework, default: []].contains(record)
            case .features: return offers[framework, default: []].contains(record)
            case .languages: return language[framework] == record
            }
        }

        /// The answer, by brute force.
        func answer(_ subject: Subject, _ filters: [(Subject, String)]) -> Set<String> {
            let describing = filters.filter { $0.0 != subject && $0.0 != .frameworks }
            let named = subject == .frameworks ? [] : filters.filter { $0.0 == .frameworks }.map(\.1)
            func fits(_ framework: String) -> Bool {
                describing.allSatisfy { relates($0.0, $0.1, framework) }
            }
            return Set(
                (names[subject] ?? []).filter { record in
                    guard filters.allSatisfy({ $0.0 != subject || $0.1 == record }) else { return false }
                    if !named.isEmpty {
                        return named.allSatisfy { fits($0) && relates(subject, record, $0) }
                    }
                    if describing.isEmpty && subject != .frameworks { return true }
                    return frameworks.contains { fits($0) && relates(subject, record, $0) }
                })
        }
    }

    static let facts: Facts = {
        let seeder = try! Seeder(directory: SeedSandbox.projectRoot + "/Seeds")
        return Facts(try! seeder.load())
    }()

    /// Every name with its kind, in a fixed order.
    static let allNames: [(Subject, String)] = Subject.allCases.flatMap { kind in
        (facts.names[kind] ?? []).map { (kind, $0) }
    }

    @Test(arguments: Subject.allCases)
    func everyCombinationOfUpToThreeFiltersAnswersAsTheSeedFilesSay(_ subject: Subject) throws {
        let sandbox = try SeedSandbox()
        try sandbox.seed()
        let query = CatalogQuery(try Connection(path: sandbox.database, mode: .readOnly))
        func answer(_ filters: [(Subject, String)]) throws -> Set<String> {
            var built = CatalogQuery.Filters()
            for (kind, name) in filters {
                switch kind {
                case .companies: built.companies.append(name)
                case .frameworks: built.frameworks.append(name)
                case .features: built.features.append(name)
                case .languages: built.languages.append(name)
                }
            }
            switch subject {
            case .frameworks: return Set(try query.frameworks(built, including: []).map(\.framework.name))
            case .companies: return Set(try query.companies(built).map(\.name))
            case .features: return Set(try query.features(built).map(\.name))
            case .languages: return Set(try query.languages(built).map(\.name))
            }
        }
        let names = Self.allNames
        #expect(names.count > 100)
        var checked = 0
        var nonEmpty = 0
        var wrong = 0
        func check(_ filters: [(Subject, String)]) throws {
            let expected = Self.facts.answer(subject, filters)
            let actual = try answer(filters)
            checked += 1
            if !expected.isEmpty { nonEmpty += 1 }
            if actual != expected {
                wrong += 1
                if wrong <= 10 {
                    let described = filters.map { "--\($0.0) \($0.1)" }.joined(separator: " ")
                    Issue.record("\(subject) \(described): \(actual.sorted()) instead of \(expected.sorted())")
                }
            }
        }
        var triple = 0
        for i in names.indices {
            try check([names[i]])
            for j in (i + 1)..<names.count {
                try check([names[i], names[j]])
                for k in (j + 1)..<names.count {
                    triple += 1
                    if triple % Self.stride == 0 { try check([names[i], names[j], names[k]]) }
                }
            }
        }
        print(
            "filter oracle (\(subject)): \(checked) questions (three filters: 1 in \(Self.stride)), "
                + "\(nonEmpty) with an answer, \(wrong) wrong")
        #expect(wrong == 0)
        #expect(nonEmpty > 500)
    }
}
