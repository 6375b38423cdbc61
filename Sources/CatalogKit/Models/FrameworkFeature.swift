import CatalogDatabase

/// A row of `framework_features`: framework offers feature.
public struct FrameworkFeature: FetchableRecord, TableRecord, Hashable, Sendable {
    public var frameworkID: Int64
    public var featureID: Int64

    public static let databaseTableName = "framework_features"
    public static let databaseColumns = ["framework_id", "feature_id"]

    public init(row: Row) throws {
        frameworkID = try row.decode(0)
        featureID = try row.decode(1)
    }
}
