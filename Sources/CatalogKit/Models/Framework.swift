import CatalogDatabase

/// A backend web framework (`frameworks`): written in one language, offering features, used by
/// companies.
public struct Framework: FetchableRecord, PersistableRecord, Hashable, Sendable {
    /// Whether the framework is a full-stack framework or a microframework.
    public enum Kind: String, Sendable, CaseIterable, DatabaseValueConvertible {
        case fullStack = "full-stack"
        case microframework

        public var databaseValue: DatabaseValue { .text(rawValue) }
        public static func fromDatabaseValue(_ value: DatabaseValue) -> Kind? {
            String.fromDatabaseValue(value).flatMap(Kind.init(rawValue:))
        }
    }

    public var id: Int64?
    public var name: String
    public var languageID: Int64
    public var firstReleaseYear: Int?
    public var architecturePattern: String?
    public var isOpenSource: Bool
    public var kind: Kind
    public var description: String?

    public init(
        id: Int64? = nil, name: String, languageID: Int64, firstReleaseYear: Int? = nil,
        architecturePattern: String? = nil, isOpenSource: Bool = true, kind: Kind = .fullStack,
        description: String? = nil
    ) {
        self.id = id
        self.name = name
        self.languageID = languageID
        self.firstReleaseYear = firstReleaseYear
        self.architecturePattern = architecturePattern
        self.isOpenSource = isOpenSource
        self.kind = kind
        self.description = description
    }

    public static let databaseTableName = "frameworks"
    public static let databaseColumns = [
        "id", "name", "language_id", "first_release_year", "architecture_pattern", "is_open_source", "kind",
        "description",
    ]
    public static let naturalKey = ["name"]
    public static let naturalKeyIgnoresCase = true
    public static let defaultOrdering = [Column("name").ascIgnoringCase]

    public init(row: Row) throws {
        id = try row.decode(0)
        name = try row.decode(1)
        languageID = try row.decode(2)
        firstReleaseYear = try row.decode(3)
        architecturePattern = try row.decode(4)
        isOpenSource = try row.decode(5)
        kind = try row.decode(6)
        description = try row.decode(7)
    }

    public func encode(to row: inout PersistenceRow) {
        row["name"] = name
        row["language_id"] = languageID
        row["first_release_year"] = firstReleaseYear
        row["architecture_pattern"] = architecturePattern
        row["is_open_source"] = isOpenSource
        row["kind"] = kind
        row["description"] = description
    }

    /// The language the framework is written in.
    public static let language = BelongsTo<Framework, Language>(foreignKey: "language_id") { $0.languageID }
    /// The features the framework offers (through `framework_features`).
    public static let features = HasManyThrough<Framework, Feature>(
        LinkTable("framework_features", leftKey: "framework_id", rightKey: "feature_id"))
    /// Capabilities the framework's description mentions besides its listed features (through
    /// `framework_capabilities`; they share the features vocabulary).
    public static let capabilities = HasManyThrough<Framework, Feature>(
        LinkTable("framework_capabilities", leftKey: "framework_id", rightKey: "feature_id"))
    /// The companies that use the framework (through `framework_companies`).
    public static let companies = HasManyThrough<Framework, Company>(
        LinkTable("framework_companies", leftKey: "framework_id", rightKey: "company_id"))
}
