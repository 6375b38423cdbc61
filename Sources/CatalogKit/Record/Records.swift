import CatalogDatabase

/// A type stored in one table.
///
/// ```swift
/// struct Language: TableRecord {
///     static let databaseTableName = "languages"
///     static let databaseColumns = ["id", "name"]
/// }
/// ```
public protocol TableRecord {
    /// The table's name.
    static var databaseTableName: String { get }
    /// The columns to select, in the order `FetchableRecord.init(row:)` reads them by index.
    static var databaseColumns: [String] { get }
    /// The order of lists when a query names none (default: none, i.e. the database's order).
    static var defaultOrdering: [SQLOrdering] { get }
}

extension TableRecord {
    public static var defaultOrdering: [SQLOrdering] { [] }

    /// Every record of the table, in `defaultOrdering`.
    public static func all() -> RecordQuery<Self> where Self: FetchableRecord { RecordQuery() }

    /// The records matching `predicate`.
    public static func filter(_ predicate: SQLExpression) -> RecordQuery<Self> where Self: FetchableRecord {
        RecordQuery().filter(predicate)
    }

    /// The select list for this table, qualified with `alias` when given: `"t"."id", "t"."name"`.
    static func selection(alias: String? = nil, _ context: SQLRenderContext) -> String {
        let prefix = alias.map { context.quote($0) + "." } ?? ""
        return databaseColumns.map { prefix + context.quote($0) }.joined(separator: ", ")
    }
}

/// A type built from a row whose columns are `TableRecord.databaseColumns`, in that order.
///
/// Read columns by index (`row.decode(0)`): it is the fast path, with no name lookups.
public protocol FetchableRecord {
    init(row: Row) throws
}

/// A row value that cannot become the Swift type a record asked for.
public struct RowDecodingError: Error, CustomStringConvertible, Equatable {
    public var column: String
    public var expected: String
    public var found: DatabaseValue

    public var description: String {
        "column \(column) holds \(found) where \(expected) was expected"
    }
}

extension Row {
    /// Column `index` as `T`; throws `RowDecodingError` for NULL (unless `T` is optional) or a
    /// value of another type.
    public func decode<T: DatabaseValueConvertible>(_ index: Int, as type: T.Type = T.self) throws -> T {
        let value = self[index]
        guard let decoded = T.fromDatabaseValue(value) else {
            let name = index < columns.count ? columns[index] : "#\(index)"
            throw RowDecodingError(column: name, expected: "\(T.self)", found: value)
        }
        return decoded
    }
}
