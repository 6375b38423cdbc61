import CatalogKit

#if canImport(Glibc)
    import Glibc
#endif

/// What the seed files say the catalog contains, validated, with names compared the way SQLite's
/// name columns do (ASCII letters only) and links resolved to the places of their records.
struct SeedCatalog {
    struct Entity {
        var name: Located<String>
        var aliases: [Located<String>] = []
    }

    struct FrameworkEntry {
        var name: Located<String>
        var language: NameKey  // a language's name, as a key
        var released: Int?
        var architecture: String?
        var openSource: Bool
        var kind: String
        var description: String?
        var aliases: [Located<String>]
    }

    /// A link between two records of the files, by their places in `frameworks` and in
    /// `companies` or `features`: 8 bytes, so millions of links cost tens of megabytes.
    struct Link: Hashable {
        var framework: Int32
        var other: Int32
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

    /// Builds a catalog record by record, in three phases: named records (languages, features,
    /// companies), then frameworks (which refer to them), then links (which refer to frameworks).
    struct Builder {
        private var building = SeedCatalog()
        private var languageNames = Namespace(kind: .languages)
        private var featureNames = Namespace(kind: .features)
        private var companyNames = Namespace(kind: .companies)
        private var frameworkNames = Namespace(kind: .frameworks)

        /// The catalog built so far.
        var catalog: SeedCatalog {
            var catalog = building
            catalog.languages = languageNames.entities
            catalog.features = featureNames.entities
            catalog.companies = companyNames.entities
            return catalog
        }

        /// Declares a language, feature or company.
        mutating func declare(_ record: SeedRecord, log: inout IssueLog) {
            guard let name = record.text("name") else { return }
            switch record.kind {
            case .languages:
                _ = languageNames.declare(name, aliases: record.list("aliases"), log: &log)
            case .features:
                _ = featureNames.declare(name, aliases: [], log: &log)
            case .companies:
                _ = companyNames.declare(name, aliases: record.list("aliases"), log: &log)
            default:
                break
            }
        }

        /// Adds a framework, once every language, feature and company is declared.
        mutating func addFramework(_ record: SeedRecord, log: inout IssueLog) {
            guard let name = record.text("name"), let language = record.text("language") else { return }
            let aliases = record.list("aliases")
            guard let framework = frameworkNames.declare(name, aliases: aliases, log: &log) else { return }
            let languageKey = languageNames.resolve(language, log: &log).map { NameKey(languageNames.name($0).value) }
            for feature in record.list("features") {
                if let other = featureNames.resolve(feature, log: &log) {
                    building.frameworkFeatures.insert(Link(framework: framework, other: other))
                }
            }
            for capability in record.list("capabilities") {
                if let other = featureNames.resolve(capability, log: &log) {
                    building.frameworkCapabilities.insert(Link(framework: framework, other: other))
                }
            }
            for company in record.list("companies") {
                if let other = companyNames.resolve(company, log: &log) {
                    building.frameworkCompanies.insert(Link(framework: framework, other: other))
                }
            }
            // A framework keeps its place even when its language is unknown (the run fails on
            // the logged issue anyway): links refer to frameworks by place.
            building.frameworks.append(
                FrameworkEntry(
                    name: name, language: languageKey ?? NameKey(""), released: record.integer("released"),
                    architecture: record.text("architecture")?.value, openSource: record.boolean("open_source") ?? true,
                    kind: record.text("kind")?.value ?? "full-stack", description: record.text("description")?.value,
                    aliases: aliases))
        }

        /// Adds a link record, once every framework is added.
        mutating func addLink(_ record: SeedRecord, log: inout IssueLog) {
            let field = record.kind == .frameworkCompanies ? "company" : "feature"
            guard let frameworkName = record.text("framework"), let otherName = record.text(field) else { return }
            let framework = frameworkNames.resolve(frameworkName, log: &log)
            let other =
                record.kind == .frameworkCompanies
                ? companyNames.resolve(otherName, log: &log) : featureNames.resolve(otherName, log: &log)
            guard let framework, let other else { return }
            let link = Link(framework: framework, other: other)
            switch record.kind {
            case .frameworkCompanies: building.frameworkCompanies.insert(link)
            case .frameworkFeatures: building.frameworkFeatures.insert(link)
            case .frameworkCapabilities: building.frameworkCapabilities.insert(link)
            default: break
            }
        }
    }
}

extension SeedKind {
    /// True for the kinds that link a framework to another record.
    var isLink: Bool { self == .frameworkCompanies || self == .frameworkFeatures || self == .frameworkCapabilities }
}

/// The names and aliases of one kind of record, for duplicate checks and reference lookups.
///
/// Records are numbered in the order they are declared (their place in the catalog's list).
/// The namespace holds each name once; the catalog's lists are made from it (`entities`).
struct Namespace {
    let kind: SeedKind
    /// Each record's name where it was declared, by place.
    private var names: [Located<String>] = []
    /// Each record's aliases, by place (mostly empty, which costs no allocation).
    private var aliasLists: [[Located<String>]] = []
    /// Name or alias, compared ignoring ASCII case -> the record's place.
    private var entries: [NameKey: Int32] = [:]
    /// Aliases as written, for suggestions.
    private var aliases: [String] = []

    init(kind: SeedKind) {
        self.kind = kind
    }

    func name(_ place: Int32) -> Located<String> { names[Int(place)] }

    /// The declared records, by place.
    var entities: [SeedCatalog.Entity] {
        zip(names, aliasLists).map { SeedCatalog.Entity(name: $0, aliases: $1) }
    }

    /// Declares a record and returns its place; logs a duplicate name or alias (a duplicate name
    /// is not declared, and nil is returned).
    mutating func declare(_ name: Located<String>, aliases: [Located<String>], log: inout IssueLog) -> Int32? {
        if let existing = entries[NameKey(name.value)] {
            let declared = names[Int(existing)]
            log.add(
                name.file, name.location,
                "duplicate \(kind.singular) \"\(name.value)\" (already declared at \(declared.file):\(declared.location.line))"
            )
            return nil
        }
        let place = Int32(names.count)
        names.append(name)
        entries[NameKey(name.value)] = place
        for alias in aliases {
            if let existing = entries[NameKey(alias.value)] {
                let declared = names[Int(existing)]
                let what = existing == place ? "repeats" : "is already used by"
                log.add(
                    alias.file, alias.location,
                    "alias \"\(alias.value)\" \(what) \(kind.singular) \"\(declared.value)\" (\(declared.file):\(declared.location.line))"
                )
                continue
            }
            entries[NameKey(alias.value)] = place
            self.aliases.append(alias.value)
        }
        aliasLists.append(aliases)
        return place
    }

    /// The place of the record `reference` means (a name or an alias), or nil after logging an
    /// unknown name with the closest known one.
    func resolve(_ reference: Located<String>, log: inout IssueLog) -> Int32? {
        if let place = entries[NameKey(reference.value)] { return place }
        var message = "unknown \(kind.singular) \"\(TerminalText.shown(reference.value))\""
        // Suggestions cost an edit distance per known name: only for issues that will be shown.
        if !log.isFull, let suggestion = closest(to: reference.value) {
            message += " (did you mean \"\(TerminalText.shown(suggestion))\"?)"
        }
        log.add(reference.file, reference.location, message)
        return nil
    }

    /// The declared name or alias nearest to `text` by edit distance, when it is near enough.
    func closest(to text: String) -> String? {
        NameMatching.closest(to: text, in: names.map(\.value) + aliases)
    }
}

/// A name as a dictionary key that compares and hashes ignoring ASCII case, as the name columns'
/// collation does, without building a folded copy: a million names cost no extra strings.
struct NameKey: Hashable {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    /// Byte by byte, folding ASCII letters only, as the databases compare names. (Swift's `==`
    /// would call the NFC and NFD spellings of `école` equal, which both databases keep apart, and
    /// which hash differently here.)
    static func == (lhs: NameKey, rhs: NameKey) -> Bool {
        // Most lookups find the name spelt as declared: Swift's `==` (a memcmp for such strings,
        // no copies), then the bytes, since it also calls canonical equivalents equal.
        if lhs.text == rhs.text { return sameBytes(lhs.text, rhs.text) }
        guard lhs.text.utf8.count == rhs.text.utf8.count else { return false }
        var left = lhs.text
        var right = rhs.text
        return left.withUTF8 { left in
            right.withUTF8 { right in
                for index in 0..<left.count where NameMatching.fold(left[index]) != NameMatching.fold(right[index]) {
                    return false
                }
                return true
            }
        }
    }

    /// Whether `a` and `b` hold the same UTF-8 bytes (one memcmp for native strings).
    @inline(__always)
    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        let count = a.utf8.count
        guard count == b.utf8.count else { return false }
        let fast = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in
                count == 0 || memcmp(left.baseAddress!, right.baseAddress!, count) == 0
            }
        }
        return (fast ?? nil) ?? a.utf8.elementsEqual(b.utf8)
    }

    func hash(into hasher: inout Hasher) {
        // FNV-1a over the folded bytes, then one word into the hasher (SipHash per byte is slower).
        var text = self.text
        let hash = text.withUTF8 { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes {
                hash ^= UInt64(NameMatching.fold(byte))
                hash &*= 0x100_0000_01b3
            }
            return hash
        }
        hasher.combine(hash)
    }

}
