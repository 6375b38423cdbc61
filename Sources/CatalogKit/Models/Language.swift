import CatalogDatabase

/// A programming language frameworks are written in (`languages`).
public struct Language: NamedRecord {
    public var id: Int64?
    public var name: String

    public init(id: Int64? = nil, name: String) {
        self.id = id
        self.name = name
    }

    public static let databaseTableName = "languages"

    /// The frameworks written in this language.
    public static let frameworks = HasMany<Language, Framework>(foreignKey: "language_id")
}
