/// The bulk-copy hooks' defaults: what any backend can do with plain SQL.
extension DatabaseConnection {
    /// Row by row is the fast path unless a backend says otherwise.
    public var prefersBulkCopy: Bool { false }

    /// One cached `INSERT` per row:
    ///
    /// ```sql
    /// INSERT INTO "companies" ("id", "name") VALUES (?, ?)
    /// ```
    public func copyRows(
        into table: String, columns: [String], count: Int,
        _ row: (_ index: Int, _ values: inout [DatabaseValue]) throws -> Void
    ) throws {
        guard count > 0 else { return }
        var context = SQLRenderContext(dialect: dialect)
        let names = columns.map { context.quote($0) }.joined(separator: ", ")
        let placeholders = columns.map { _ in context.bind(.null) }.joined(separator: ", ")
        let statement = try cachedStatement(
            sql: "INSERT INTO \(context.quote(table)) (\(names)) VALUES (\(placeholders))")
        var values = [DatabaseValue](repeating: .null, count: columns.count)
        for index in 0..<count {
            try row(index, &values)
            try statement.execute(values)
        }
    }

    /// The ids after the largest stored one:
    ///
    /// ```sql
    /// SELECT coalesce(max("id"), 0) FROM "companies"
    /// ```
    public func reserveIDs(_ count: Int, in table: String) throws -> [Int64] {
        guard count > 0 else { return [] }
        let largest =
            try fetchValue(
                "SELECT coalesce(max(\(quoteIdentifier("id"))), 0) FROM \(quoteIdentifier(table))", as: Int64.self) ?? 0
        return (1...Int64(count)).map { largest + $0 }
    }
}
