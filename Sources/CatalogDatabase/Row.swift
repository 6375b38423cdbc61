/// One result row: column names and their values, read by index (fast) or by name.
public struct Row: Hashable, Sendable {
    /// Column names as the database reports them.
    public let columns: [String]
    /// Values, in column order.
    public let values: [DatabaseValue]

    public init(columns: [String], values: [DatabaseValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value at `index`, or `.null` past the end.
    public subscript(index: Int) -> DatabaseValue {
        values.indices.contains(index) ? values[index] : .null
    }

    /// The value of the first column named `name` (case-insensitive, as SQL is), or `.null`.
    public subscript(name: String) -> DatabaseValue {
        let lowered = name.lowercased()
        guard let index = columns.firstIndex(where: { $0.lowercased() == lowered }) else { return .null }
        return values[index]
    }

    /// The value at `index` converted to `T`, or nil when it is NULL or does not convert.
    public func get<T: DatabaseValueConvertible>(_ index: Int, as type: T.Type = T.self) -> T? {
        T.fromDatabaseValue(self[index])
    }

    /// The value of column `name` converted to `T`, or nil when it is NULL or does not convert.
    public func get<T: DatabaseValueConvertible>(_ name: String, as type: T.Type = T.self) -> T? {
        T.fromDatabaseValue(self[name])
    }
}
