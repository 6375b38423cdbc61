import CatalogDatabase

/// A record type that can have aliases: other spellings stored in its own alias table.
public protocol AliasOwner: FetchableRecord, PersistableRecord {
    /// The alias table, e.g. `company_aliases`.
    static var aliasTable: String { get }
    /// Its column holding the owner's id, e.g. `company_id`.
    static var aliasForeignKey: String { get }
}

/// Another spelling of a language, framework or company (`Alias<Company>` is a row of
/// `company_aliases`). Aliases are unique among their kind, ignoring ASCII case.
public struct Alias<Owner: AliasOwner>: FetchableRecord, PersistableRecord, Hashable, Sendable {
    public var id: Int64?
    public var ownerID: Int64
    public var alias: String

    public init(id: Int64? = nil, ownerID: Int64, alias: String) {
        self.id = id
        self.ownerID = ownerID
        self.alias = alias
    }

    public static var databaseTableName: String { Owner.aliasTable }
    public static var databaseColumns: [String] { ["id", Owner.aliasForeignKey, "alias"] }
    public static var naturalKey: [String] { ["alias"] }
    public static var naturalKeyIgnoresCase: Bool { true }
    public static var defaultOrdering: [SQLOrdering] { [Column("alias").ascIgnoringCase] }

    public init(row: Row) throws {
        id = try row.decode(0)
        ownerID = try row.decode(1)
        alias = try row.decode(2)
    }

    public func encode(to row: inout PersistenceRow) {
        row[Owner.aliasForeignKey] = ownerID
        row["alias"] = alias
    }
}

extension AliasOwner {
    /// The aliases of records of this type.
    public static var aliases: HasMany<Self, Alias<Self>> { HasMany(foreignKey: aliasForeignKey) }

    /// A predicate on this type: its name or one of its aliases equals `name`, ignoring ASCII case.
    ///
    /// ```sql
    /// ("name" = ? OR "id" IN (SELECT "company_id" FROM "company_aliases" WHERE "alias" = ?)),
    /// both comparisons ignoring ASCII case as the dialect spells it
    /// ```
    public static func named(_ name: String) -> SQLExpression {
        Column("name").equalsIgnoringCase(name)
            || Column("id").in(
                select: aliasForeignKey, from: aliasTable, where: Column("alias").equalsIgnoringCase(name))
    }
}

extension Language: AliasOwner {
    public static let aliasTable = "language_aliases"
    public static let aliasForeignKey = "language_id"
}

extension Framework: AliasOwner {
    public static let aliasTable = "framework_aliases"
    public static let aliasForeignKey = "framework_id"
}

extension Company: AliasOwner {
    public static let aliasTable = "company_aliases"
    public static let aliasForeignKey = "company_id"
}
