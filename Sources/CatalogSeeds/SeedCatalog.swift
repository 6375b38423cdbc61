import CatalogKit

/// What the seed files say the catalog contains, validated and with references resolved to
/// natural keys (names folded for comparison the way SQLite's NOCASE does: ASCII letters only).
struct SeedCatalog {
    struct Entity {
        var name: Located<String>
        var aliases: [Located<String>] = []
    }

    struct FrameworkEntry {
        var name: Located<String>
        var language: String  // folded key of a language
        var released: Int?
        var architecture: String?
        var openSource: Bool
        var kind: String
        var description: String?
        var aliases: [Located<String>]
    }

    /// A link between two records, by their folded names.
    struct Link: Hashable {
        var framework: String
        var other: String
    }

    var languages: [Entity] = []
    var features: [Entity] = []
    var companies: [Entity] = []
    var frameworks: [FrameworkEntry] = []
    var frameworkCompanies: Set<Link> = []
    var frameworkFeatures: Set<Link> = []
    var frameworkCapabilities: Set<Link> = []

    /// The frameworks as named entities with aliases, like languages and companies.
    var frameworkEntities: [Entity] { frameworks.map { Entity(name: $0.name, aliases: $0.aliases) } }

    /// How many records and links the files describe.
    var size: Int {
        languages.count + features.count + companies.count + frameworks.count + frameworkCompanies.count
            + frameworkFeatures.count + frameworkCapabilities.count
    }

    /// Builds the catalog from `records`, logging duplicates and dangling references.
    static func build(_ records: [SeedRecord], log: inout IssueLog) -> SeedCatalog {
        var catalog = SeedCatalog()
        var languageNames = Namespace(kind: .languages)
        var featureNames = Namespace(kind: .features)
        var companyNames = Namespace(kind: .companies)
        var frameworkNames = Namespace(kind: .frameworks)

        // Referenced kinds first, whatever the order of files.
        for record in records {
            guard let name = record.text("name") else { continue }
            let aliases = record.list("aliases")
            switch record.kind {
            case .languages:
                if languageNames.declare(name, aliases: aliases, log: &log) {
                    catalog.languages.append(Entity(name: name, aliases: aliases))
                }
            case .features:
                if featureNames.declare(name, aliases: [], log: &log) { catalog.features.append(Entity(name: name)) }
            case .companies:
                if companyNames.declare(name, aliases: aliases, log: &log) {
                    catalog.companies.append(Entity(name: name, aliases: aliases))
                }
            default:
                break
            }
        }
        for record in records where record.kind == .frameworks {
            guard let name = record.text("name"), let language = record.text("language") else { continue }
            let aliases = record.list("aliases")
            guard frameworkNames.declare(name, aliases: aliases, log: &log) else { continue }
            let languageKey = languageNames.resolve(language, log: &log)
            let key = fold(name.value)
            for feature in record.list("features") {
                if let other = featureNames.resolve(feature, log: &log) {
                    catalog.frameworkFeatures.insert(Link(framework: key, other: other))
                }
            }
            for capability in record.list("capabilities") {
                if let other = featureNames.resolve(capability, log: &log) {
                    catalog.frameworkCapabilities.insert(Link(framework: key, other: other))
                }
            }
            for company in record.list("companies") {
                if let other = companyNames.resolve(company, log: &log) {
                    catalog.frameworkCompanies.insert(Link(framework: key, other: other))
                }
            }
            guard let languageKey else { continue }
            catalog.frameworks.append(
                FrameworkEntry(
                    name: name, language: languageKey, released: record.integer("released"),
                    architecture: record.text("architecture")?.value, openSource: record.boolean("open_source") ?? true,
                    kind: record.text("kind")?.value ?? "full-stack", description: record.text("description")?.value,
                    aliases: aliases))
        }
        // Link files refer to frameworks too, so they come last.
        for record in records {
            let target: (Namespace, WritableKeyPath<SeedCatalog, Set<Link>>, String)
            switch record.kind {
            case .frameworkCompanies: target = (companyNames, \.frameworkCompanies, "company")
            case .frameworkFeatures: target = (featureNames, \.frameworkFeatures, "feature")
            case .frameworkCapabilities: target = (featureNames, \.frameworkCapabilities, "feature")
            default: continue
            }
            guard let framework = record.text("framework"), let other = record.text(target.2) else { continue }
            let frameworkKey = frameworkNames.resolve(framework, log: &log)
            let otherKey = target.0.resolve(other, log: &log)
            if let frameworkKey, let otherKey {
                catalog[keyPath: target.1].insert(Link(framework: frameworkKey, other: otherKey))
            }
        }
        return catalog
    }
}

/// The names and aliases of one kind of record, for duplicate checks and reference lookups.
struct Namespace {
    let kind: SeedKind
    /// Folded name or alias -> the canonical folded name, the record's name where it was
    /// declared, and the name or alias as written (for suggestions).
    private var entries: [String: (canonical: String, declared: Located<String>, written: String)] = [:]

    init(kind: SeedKind) {
        self.kind = kind
    }

    /// Declares a record; logs a duplicate name or alias and returns false.
    mutating func declare(_ name: Located<String>, aliases: [Located<String>], log: inout IssueLog) -> Bool {
        let canonical = fold(name.value)
        if let existing = entries[canonical] {
            log.add(
                name.file, name.location,
                "duplicate \(kind.singular) \"\(name.value)\" (already declared at \(existing.declared.file):\(existing.declared.location.line))"
            )
            return false
        }
        entries[canonical] = (canonical, name, name.value)
        for alias in aliases {
            let key = fold(alias.value)
            if let existing = entries[key] {
                let what = existing.canonical == canonical ? "repeats" : "is already used by"
                log.add(
                    alias.file, alias.location,
                    "alias \"\(alias.value)\" \(what) \(kind.singular) \"\(existing.declared.value)\" (\(existing.declared.file):\(existing.declared.location.line))"
                )
                continue
            }
            entries[key] = (canonical, name, alias.value)
        }
        return true
    }

    /// The canonical folded name `reference` means (a name or an alias), or nil after logging an
    /// unknown name with the closest known one.
    func resolve(_ reference: Located<String>, log: inout IssueLog) -> String? {
        if let entry = entries[fold(reference.value)] { return entry.canonical }
        var message = "unknown \(kind.singular) \"\(reference.value)\""
        // Suggestions cost an edit distance per known name: only for issues that will be shown.
        if !log.isFull, let suggestion = closest(to: reference.value) {
            message += " (did you mean \"\(suggestion)\"?)"
        }
        log.add(reference.file, reference.location, message)
        return nil
    }

    /// The declared name or alias nearest to `text` by edit distance, when it is near enough.
    func closest(to text: String) -> String? {
        NameMatching.closest(to: text, in: entries.values.map(\.written))
    }
}

/// Folds ASCII letters to lower case, as SQLite's NOCASE collation compares.
func fold(_ text: String) -> String { NameMatching.key(text) }
