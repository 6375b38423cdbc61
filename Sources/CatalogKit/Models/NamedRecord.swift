import CatalogDatabase

/// A record that is an id and a unique, case-insensitive name (languages, features, companies):
/// the table's columns, decoding, upsert key and order follow from that.
public protocol NamedRecord: FetchableRecord, PersistableRecord, Hashable, Sendable {
    var id: Int64? { get set }
    var name: String { get set }
    init(id: Int64?, name: String)
}

extension NamedRecord {
    public static var databaseColumns: [String] { ["id", "name"] }
    public static var naturalKey: [String] { ["name"] }
    public static var naturalKeyIgnoresCase: Bool { true }
    public static var defaultOrdering: [SQLOrdering] { [Column("name").ascIgnoringCase] }

    public init(row: Row) throws {
        self.init(id: try row.decode(0), name: try row.decode(1))
    }

    public func encode(to row: inout PersistenceRow) {
        row["name"] = name
    }
}
