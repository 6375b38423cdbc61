import CatalogSQLite

/// A feature one or more frameworks offer (`features`), e.g. "Simple API".
public struct Feature: FetchableRecord, PersistableRecord, Hashable, Sendable {
    public var id: Int64?
    public var name: String

    public init(id: Int64? = nil, name: String) {
        self.id = id
        self.name = name
    }

    public static let databaseTableName = "features"
    public static let databaseColumns = ["id", "name"]
    public static let naturalKey = ["name"]
    public static let defaultOrdering = [Column("name").ascIgnoringCase]

    public init(row: Row) throws {
        id = try row.decode(0)
        name = try row.decode(1)
    }

    public var persistenceValues: [DatabaseValue] { [.text(name)] }

    /// The frameworks listing this feature.
    public static let frameworks = Framework.features.inverse
    /// The frameworks whose description mentions this capability.
    public static let mentionedBy = Framework.capabilities.inverse
}
