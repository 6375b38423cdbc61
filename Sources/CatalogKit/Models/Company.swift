import CatalogDatabase

/// A company known to use one or more frameworks (`companies`).
public struct Company: NamedRecord {
    public var id: Int64?
    public var name: String

    public init(id: Int64? = nil, name: String) {
        self.id = id
        self.name = name
    }

    public static let databaseTableName = "companies"

    /// The frameworks this company uses.
    public static let frameworks = Framework.companies.inverse
}
