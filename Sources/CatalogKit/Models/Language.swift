import CatalogSQLite

/// A programming language frameworks are written in (`languages`).
public struct Language: FetchableRecord, PersistableRecord, Hashable, Sendable {
    public var id: Int64?
    public var name: String

    public init(id: Int64? = nil, name: String) {
        self.id = id
        self.name = name
    }

    public static let databaseTableName = "languages"
    public static let databaseColumns = ["id", "name"]
    public static let naturalKey = ["name"]
    public static let defaultOrdering = [Column("name").ascIgnoringCase]

    public init(row: Row) throws {
        id = try row.decode(0)
        name = try row.decode(1)
    }

    public var persistenceValues: [DatabaseValue] { [.text(name)] }

    /// The frameworks written in this language.
    public static let frameworks = HasMany<Language, Framework>(foreignKey: "language_id")
}
