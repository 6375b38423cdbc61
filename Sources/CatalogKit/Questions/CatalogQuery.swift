import CatalogDatabase

/// Relationship questions over the catalog, answered through the ORM with a constant number of
/// statements: which frameworks a company uses, which companies use a Python framework, which
/// features two frameworks share.
///
/// Filters name records by name or alias, ignoring ASCII case. Every filter must hold (AND);
/// each constrains the records asked for:
///
/// | asking for | `--company C` | `--framework F` | `--feature X` | `--language L` |
/// |---|---|---|---|---|
/// | frameworks | C uses it | it is F | it offers X | it is written in L |
/// | companies | it is C | it uses F | it uses a framework offering X | it uses a framework in L |
/// | features | a framework C uses offers it | F offers it | it is X | a framework in L offers it |
/// | languages | C uses a framework in it | F is written in it | a framework in it offers X | it is L |
///
/// "Offers" covers listed features and capabilities mentioned in descriptions.
public struct CatalogQuery {
    /// What is asked for.
    public enum Subject: String, Sendable, CaseIterable {
        case frameworks, companies, features, languages
    }

    /// The names to filter by, each list AND-ed.
    public struct Filters: Sendable, Equatable {
        public var companies: [String] = []
        public var frameworks: [String] = []
        public var features: [String] = []
        public var languages: [String] = []

        public init(
            companies: [String] = [], frameworks: [String] = [], features: [String] = [], languages: [String] = []
        ) {
            self.companies = companies
            self.frameworks = frameworks
            self.features = features
            self.languages = languages
        }

        public var isEmpty: Bool { companies.isEmpty && frameworks.isEmpty && features.isEmpty && languages.isEmpty }
    }

    /// A name that matches no record.
    public struct UnknownName: Error, Equatable, CustomStringConvertible {
        public var kind: String
        public var name: String
        public var suggestion: String?

        public init(kind: String, name: String, suggestion: String?) {
            self.kind = kind
            self.name = name
            self.suggestion = suggestion
        }

        public var description: String {
            "no \(kind) named \"\(TerminalText.shown(name))\""
                + (suggestion.map { " (did you mean \"\(TerminalText.shown($0))\"?)" } ?? "")
        }
    }

    /// A framework with everything known about it.
    public struct FrameworkDetails: Sendable, Equatable {
        public var framework: Framework
        public var language: String?
        public var aliases: [String]
        public var features: [String]
        public var capabilities: [String]
        public var companies: [String]
    }

    /// A record with the frameworks it relates to.
    public struct Related: Sendable, Equatable {
        public var name: String
        public var frameworks: [String]
    }

    let db: any DatabaseConnection

    public init(_ db: any DatabaseConnection) {
        self.db = db
    }

    // MARK: - Answers

    /// True when the catalog holds no framework: its schema is migrated but nothing is seeded.
    public func isEmpty() throws -> Bool {
        try Framework.all().fetchOne(db) == nil
    }

    /// Every name and alias of the `subject` records, for suggestions and shell completion.
    public func knownNames(of subject: Subject) throws -> [String] {
        switch subject {
        case .frameworks: return try knownNames(Framework.self)
        case .companies: return try knownNames(Company.self)
        case .languages: return try knownNames(Language.self)
        case .features: return try Feature.all().fetchAll(db).map(\.name)
        }
    }

    private func knownNames<Record: AliasOwner & Nameable>(_ type: Record.Type) throws -> [String] {
        try Record.all().fetchAll(db).map(\.name) + Alias<Record>.all().fetchAll(db).map(\.alias)
    }

    /// What to load besides each framework's own row.
    public enum Detail: Sendable, CaseIterable {
        case language, aliases, features, capabilities, companies
    }

    /// The frameworks matching `filters`, sorted by name, with the `details` asked for (each one
    /// extra statement; a popular framework's companies can be many rows, so ask only for what
    /// will be shown).
    public func frameworks(_ filters: Filters, including details: Set<Detail> = Set(Detail.allCases)) throws
        -> [FrameworkDetails]
    {
        // One snapshot: the statements of an answer must not see a commit land between them.
        try db.savepoint {
            var query = Framework.all()
            for company in try resolve(filters.companies, Company.self, "company") {
                query = query.filter(Framework.companies.containing(company))
            }
            for framework in try resolve(filters.frameworks, Framework.self, "framework") {
                query = query.filter(Column("id") == framework)
            }
            for feature in try resolveFeatures(filters.features) {
                query = query.filter(Self.offering(feature))
            }
            for language in try resolve(filters.languages, Language.self, "language") {
                query = query.filter(Column("language_id") == language)
            }
            return try self.details(of: query.fetchAll(db), including: details)
        }
    }

    /// The companies matching `filters`, sorted by name, each with the frameworks it uses.
    public func companies(_ filters: Filters) throws -> [Related] {
        // One snapshot: the statements of an answer must not see a commit land between them.
        try db.savepoint {
            var query = Company.all()
            for company in try resolve(filters.companies, Company.self, "company") {
                query = query.filter(Column("id") == company)
            }
            for framework in try resolve(filters.frameworks, Framework.self, "framework") {
                query = query.filter(Company.frameworks.containing(framework))
            }
            for ids in try frameworkSets(features: filters.features, languages: filters.languages) {
                query = query.filter(Company.frameworks.containing(anyOf: ids))
            }
            let companies = try query.fetchAll(db)
            let used = try Company.frameworks.load(for: companies, db, ordered: false)
            return companies.map { Related(name: $0.name, frameworks: names(used[$0.id ?? -1])) }
        }
    }

    /// The features matching `filters`, sorted by name, each with the frameworks offering it.
    public func features(_ filters: Filters) throws -> [Related] {
        // One snapshot: the statements of an answer must not see a commit land between them.
        try db.savepoint {
            var query = Feature.all()
            for feature in try resolveFeatures(filters.features) {
                query = query.filter(Column("id") == feature)
            }
            for framework in try resolve(filters.frameworks, Framework.self, "framework") {
                query = query.filter(Self.offered(byAnyOf: [framework]))
            }
            for ids in try frameworkSets(companies: filters.companies, languages: filters.languages) {
                query = query.filter(Self.offered(byAnyOf: ids))
            }
            let features = try query.fetchAll(db)
            let listing = try Feature.frameworks.load(for: features, db, ordered: false)
            let mentioning = try Feature.mentionedBy.load(for: features, db, ordered: false)
            return features.map { feature in
                let id = feature.id ?? -1
                return Related(name: feature.name, frameworks: names((listing[id] ?? []) + (mentioning[id] ?? [])))
            }
        }
    }

    /// The languages matching `filters`, sorted by name, each with its frameworks.
    public func languages(_ filters: Filters) throws -> [Related] {
        // One snapshot: the statements of an answer must not see a commit land between them.
        try db.savepoint {
            var query = Language.all()
            for language in try resolve(filters.languages, Language.self, "language") {
                query = query.filter(Column("id") == language)
            }
            for framework in try resolve(filters.frameworks, Framework.self, "framework") {
                query = query.filter(
                    Column("id").in(try Framework.find(ids: [framework], db).map { .integer($0.languageID) }))
            }
            for ids in try frameworkSets(companies: filters.companies, features: filters.features) {
                query = query.filter(Column("id").in(try Framework.find(ids: ids, db).map { .integer($0.languageID) }))
            }
            let languages = try query.fetchAll(db)
            let frameworks = try Language.frameworks.load(for: languages, db)
            return languages.map { Related(name: $0.name, frameworks: names(frameworks[$0.id ?? -1])) }
        }
    }

    // MARK: - Building blocks

    /// A predicate on frameworks: lists feature `id` or mentions it as a capability.
    static func offering(_ id: Int64) -> SQLExpression {
        Framework.features.containing(id) || Framework.capabilities.containing(id)
    }

    /// A predicate on features: offered (listed or mentioned) by one of `frameworkIDs`.
    static func offered(byAnyOf frameworkIDs: [Int64]) -> SQLExpression {
        Feature.frameworks.containing(anyOf: frameworkIDs) || Feature.mentionedBy.containing(anyOf: frameworkIDs)
    }

    /// For each filter name, the ids of the frameworks it selects (used by companies, in a
    /// language, offering a feature).
    private func frameworkSets(companies: [String] = [], features: [String] = [], languages: [String] = []) throws
        -> [[Int64]]
    {
        var sets: [[Int64]] = []
        for company in try resolve(companies, Company.self, "company") {
            sets.append(try ids(Framework.filter(Framework.companies.containing(company))))
        }
        for feature in try resolveFeatures(features) {
            sets.append(try ids(Framework.filter(Self.offering(feature))))
        }
        for language in try resolve(languages, Language.self, "language") {
            sets.append(try ids(Framework.filter(Column("language_id") == language)))
        }
        return sets
    }

    private func ids(_ query: RecordQuery<Framework>) throws -> [Int64] {
        try query.fetchAll(db).compactMap(\.id)
    }

    /// Frameworks with the details asked for: one statement per detail, whatever the number of
    /// frameworks.
    func details(of frameworks: [Framework], including details: Set<Detail>) throws -> [FrameworkDetails] {
        func load<T>(_ detail: Detail, _ body: () throws -> [Int64: T]) rethrows -> [Int64: T] {
            details.contains(detail) ? try body() : [:]
        }
        let languages = try load(.language) { try Framework.language.load(for: frameworks, db) }
        let aliases = try load(.aliases) { try Framework.aliases.load(for: frameworks, db) }
        // Names only, in the database's order: `names(_:)` sorts each list (a card can list
        // thousands of companies, and whole records cost an allocation each).
        let features = try load(.features) {
            try Framework.features.loadColumn("name", as: String.self, for: frameworks, db)
        }
        let capabilities = try load(.capabilities) {
            try Framework.capabilities.loadColumn("name", as: String.self, for: frameworks, db)
        }
        let companies = try load(.companies) {
            try Framework.companies.loadColumn("name", as: String.self, for: frameworks, db)
        }
        return frameworks.map { framework in
            let id = framework.id ?? -1
            return FrameworkDetails(
                framework: framework, language: languages[framework.languageID]?.name,
                aliases: (aliases[id] ?? []).map(\.alias), features: NameMatching.sortedUnique(features[id] ?? []),
                capabilities: NameMatching.sortedUnique(capabilities[id] ?? []),
                companies: NameMatching.sortedUnique(companies[id] ?? []))
        }
    }

    /// Distinct names, sorted ignoring ASCII case.
    private func names(_ records: [some Nameable]?) -> [String] {
        guard let records else { return [] }
        return NameMatching.sortedUnique(records.map(\.name))
    }

    /// The ids of records named (or aliased) `names`; an unknown name throws with a suggestion.
    private func resolve<Record: AliasOwner & Nameable>(_ names: [String], _ type: Record.Type, _ kind: String)
        throws -> [Int64]
    {
        try names.map { name in
            // A record's own name wins over another record's alias that is spelt the same.
            if let id = try Record.filter(Column("name").equalsIgnoringCase(name)).fetchOne(db)?.id { return id }
            if let id = try Record.filter(Record.named(name)).fetchOne(db)?.id { return id }
            let known = try knownNames(Record.self)
            throw UnknownName(kind: kind, name: name, suggestion: NameMatching.closest(to: name, in: known))
        }
    }

    private func resolveFeatures(_ names: [String]) throws -> [Int64] {
        try names.map { name in
            if let id = try Feature.filter(Column("name").equalsIgnoringCase(name)).fetchOne(db)?.id { return id }
            let known = try knownNames(of: .features)
            throw UnknownName(kind: "feature", name: name, suggestion: NameMatching.closest(to: name, in: known))
        }
    }
}

/// A record with a display name.
public protocol Nameable {
    var name: String { get }
}

extension Language: Nameable {}
extension Framework: Nameable {}
extension Feature: Nameable {}
extension Company: Nameable {}
