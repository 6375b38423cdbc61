import CatalogDatabase

/// Relationship questions over the catalog, answered through the ORM with a constant number of
/// statements: which frameworks a company uses, which companies use a Python framework, which
/// features two frameworks share.
///
/// Filters name records by name or alias, ignoring ASCII case. Every filter must hold (AND). A
/// filter of the kind asked for names the record itself ("it is X"); the others describe one
/// framework, the same one for all of them, to which the record relates:
///
/// | asking for | the record relates to a framework that... |
/// |---|---|
/// | frameworks | is the record |
/// | companies | the company uses |
/// | features | offers the feature |
/// | languages | is written in the language |
///
/// and that framework is used by every `--company`, offers every `--feature`, is written in
/// every `--language`. Each `--framework` names one such framework: the record relates to every
/// one of them, and each must fit the other filters. So `companies --language Java --feature
/// "Admin interface"` asks for companies using a Java framework with an admin interface (none
/// in the article), and `features --framework Laravel --framework "Spring Boot"` for the
/// features both offer.
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
            let query = try filtered(Framework.all(), asking: .frameworks, filters)
            return try self.details(of: query.fetchAll(db), including: details)
        }
    }

    /// The companies matching `filters`, sorted by name, each with the frameworks it uses.
    public func companies(_ filters: Filters) throws -> [Related] {
        try db.savepoint {
            let companies = try filtered(Company.all(), asking: .companies, filters).fetchAll(db)
            let used = try Company.frameworks.load(for: companies, db, ordered: false)
            return companies.map { Related(name: $0.name, frameworks: names(used[$0.id ?? -1])) }
        }
    }

    /// The features matching `filters`, sorted by name, each with the frameworks offering it.
    public func features(_ filters: Filters) throws -> [Related] {
        try db.savepoint {
            let features = try filtered(Feature.all(), asking: .features, filters).fetchAll(db)
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
        try db.savepoint {
            let languages = try filtered(Language.all(), asking: .languages, filters).fetchAll(db)
            let frameworks = try Language.frameworks.load(for: languages, db)
            return languages.map { Related(name: $0.name, frameworks: names(frameworks[$0.id ?? -1])) }
        }
    }

    // MARK: - Building blocks

    /// `query` (over the `subject` table) narrowed by every filter: one predicate per kind of
    /// name, of the same size whatever the number of names (`IDRelation.relatedToAll`), so the
    /// statement never outgrows the SQL parser. Unknown names throw, in the order companies,
    /// frameworks, features, languages.
    private func filtered<Record>(_ query: RecordQuery<Record>, asking subject: Subject, _ filters: Filters) throws
        -> RecordQuery<Record>
    {
        var query = query
        let resolved: [(Subject, [Int64])] = [
            (.companies, try resolve(filters.companies, Company.self, Subject.companies.singular)),
            (.frameworks, try resolve(filters.frameworks, Framework.self, Subject.frameworks.singular)),
            (.features, try resolveFeatures(filters.features)),
            (.languages, try resolve(filters.languages, Language.self, Subject.languages.singular)),
        ]
        // What the one framework must be, from the filters of the other kinds.
        var fits = SQLExpression.true
        var describes = false
        var named: [Int64] = []
        for (kind, ids) in resolved where !ids.isEmpty {
            if kind == subject {
                query = query.filter(IDRelation.identity(subject.tableName).relatedToAll(ids))
            } else if kind == .frameworks {
                named = ids
            } else {
                fits = fits && Self.relation(from: .frameworks, to: kind).relatedToAll(ids)
                describes = true
            }
        }
        guard describes || !named.isEmpty else { return query }
        guard let toFrameworks = Self.toFrameworks(from: subject) else { return query.filter(fits) }
        if named.isEmpty {
            let target = Column("target").in(select: "id", from: Framework.databaseTableName, where: fits)
            return query.filter(toFrameworks.relatedToAny(where: target))
        }
        // Each named framework must fit the others: one statement, whatever the number of names.
        if describes {
            let fitting = try Framework.filter(Column("id").in(named.map { .integer($0) })).filter(fits).fetchCount(db)
            if fitting < named.count { return query.filter(.false) }
        }
        return query.filter(toFrameworks.relatedToAll(named))
    }

    /// How a `subject` record relates to a record of `kind` named by a filter: through the
    /// frameworks, as the table in the type's documentation says (a company to the features
    /// of the frameworks it uses; a record of the asked kind only to itself).
    static func relation(from subject: Subject, to kind: Subject) -> IDRelation {
        if subject == kind { return .identity(subject.tableName) }
        switch (toFrameworks(from: subject), fromFrameworks(to: kind)) {
        case (let first?, let second?): return .then(first, second)
        case (let first?, nil): return first
        case (nil, let second?): return second
        case (nil, nil): return .identity(Framework.databaseTableName)
        }
    }

    /// A `subject` record to the frameworks it relates to; nil for frameworks themselves.
    private static func toFrameworks(from subject: Subject) -> IDRelation? {
        switch subject {
        case .frameworks: return nil
        case .companies: return .link(Framework.companies.link.inverse)
        case .features:
            return .union(.link(Framework.features.link.inverse), .link(Framework.capabilities.link.inverse))
        case .languages: return .column(table: Framework.databaseTableName, from: "language_id", to: "id")
        }
    }

    /// A framework to the `kind` records it relates to (offers: listed features and
    /// capabilities mentioned in descriptions); nil for frameworks themselves.
    private static func fromFrameworks(to kind: Subject) -> IDRelation? {
        switch kind {
        case .frameworks: return nil
        case .companies: return .link(Framework.companies.link)
        case .features: return .union(.link(Framework.features.link), .link(Framework.capabilities.link))
        case .languages: return .column(table: Framework.databaseTableName, from: "id", to: "language_id")
        }
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

    /// The ids of the records named (or aliased) `names`, ignoring ASCII case, without repeats:
    /// two statements whatever the number of names (a record's own name wins over another
    /// record's alias spelt the same). The first unknown name throws with a suggestion.
    private func resolve<Record: AliasOwner & Nameable>(_ names: [String], _ type: Record.Type, _ kind: String)
        throws -> [Int64]
    {
        let wanted = Self.uniqueNames(names)
        if wanted.isEmpty { return [] }
        var found = try idsByName(wanted, Record.self)
        let missing = wanted.filter { found[Self.byteKey($0)] == nil }
        if !missing.isEmpty {
            for alias in try Alias<Record>.filter(Column("alias").inIgnoringCase(missing)).fetchAll(db) {
                found[Self.byteKey(alias.alias)] = alias.ownerID
            }
        }
        return try ids(of: wanted, in: found, kind) { try knownNames(Record.self) }
    }

    /// Features have no aliases: their names only.
    private func resolveFeatures(_ names: [String]) throws -> [Int64] {
        let wanted = Self.uniqueNames(names)
        if wanted.isEmpty { return [] }
        return try ids(of: wanted, in: try idsByName(wanted, Feature.self), Subject.features.singular) {
            try knownNames(of: .features)
        }
    }

    /// The ids of the `Record`s whose own name is one of `names` (ignoring ASCII case), by `byteKey`.
    private func idsByName<Record: FetchableRecord & PersistableRecord & Nameable>(
        _ names: [String], _ type: Record.Type
    ) throws
        -> [[UInt8]: Int64]
    {
        var found: [[UInt8]: Int64] = [:]
        for record in try Record.filter(Column("name").inIgnoringCase(names)).fetchAll(db) {
            if let id = record.id { found[Self.byteKey(record.name)] = id }
        }
        return found
    }

    /// The id of each of `names` (looked up by `byteKey`), without repeats; the first
    /// unknown name throws, suggesting the closest of `known()`.
    private func ids(
        of names: [String], in found: [[UInt8]: Int64], _ kind: String, known: () throws -> [String]
    ) throws -> [Int64] {
        var seen = Set<Int64>()
        var ids: [Int64] = []
        for name in names {
            guard let id = found[Self.byteKey(name)] else {
                throw UnknownName(kind: kind, name: name, suggestion: NameMatching.closest(to: name, in: try known()))
            }
            if seen.insert(id).inserted { ids.append(id) }
        }
        return ids
    }

    /// `names` without the repeats that differ only by ASCII case, in order.
    static func uniqueNames(_ names: [String]) -> [String] {
        var seen = Set<[UInt8]>()
        return names.filter { seen.insert(byteKey($0)).inserted }
    }

    /// The bytes of `NameMatching.key(name)`: Swift compares `String`s by canonical equivalence
    /// (an NFC and an NFD "Café" are equal), the database by bytes, so names are keyed by bytes.
    static func byteKey(_ name: String) -> [UInt8] {
        Array(NameMatching.key(name).utf8)
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

extension CatalogQuery.Subject {
    /// One record of this kind, in words: `company`.
    public var singular: String {
        switch self {
        case .frameworks: return "framework"
        case .companies: return "company"
        case .features: return "feature"
        case .languages: return "language"
        }
    }

    /// The table holding the records of this kind.
    var tableName: String {
        switch self {
        case .frameworks: return Framework.databaseTableName
        case .companies: return Company.databaseTableName
        case .features: return Feature.databaseTableName
        case .languages: return Language.databaseTableName
        }
    }
}
