import CatalogDatabase

/// A row of `framework_companies`: company uses framework.
public struct FrameworkCompany: FetchableRecord, TableRecord, Hashable, Sendable {
    public var frameworkID: Int64
    public var companyID: Int64

    public static let databaseTableName = "framework_companies"
    public static let databaseColumns = ["framework_id", "company_id"]

    public init(row: Row) throws {
        frameworkID = try row.decode(0)
        companyID = try row.decode(1)
    }
}
