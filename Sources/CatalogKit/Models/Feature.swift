import CatalogDatabase

/// A feature one or more frameworks offer (`features`), e.g. "Simple API".
public struct Feature: NamedRecord {
    public var id: Int64?
    public var name: String

    public init(id: Int64? = nil, name: String) {
        self.id = id
        self.name = name
    }

    public static let databaseTableName = "features"

    /// The frameworks listing this feature.
    public static let frameworks = Framework.features.inverse
    /// The frameworks whose description mentions this capability.
    public static let mentionedBy = Framework.capabilities.inverse
}
