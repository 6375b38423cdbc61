import CatalogSQLite

/// A SELECT over one record type: filters, order, limit and offset, built up by value.
///
/// ```swift
/// let recent = try Framework.filter(Column("first_release_year") >= 2010)
///     .order(Column("name").asc)
///     .fetchAll(db)
/// ```
/// ```sql
/// SELECT "id", "name", ... FROM "frameworks" WHERE "first_release_year" >= ? ORDER BY "name"
/// ```
public struct Query<Record: FetchableRecord & TableRecord>: Sendable {
    var predicate: SQLExpression?
    var orderings: [SQLOrdering]?
    var limit: Int?
    var offset: Int?

    public init() {}

    /// Keeps the records matching `predicate` too (filters combine with AND).
    public func filter(_ predicate: SQLExpression) -> Query {
        var query = self
        query.predicate = self.predicate.map { $0 && predicate } ?? predicate
        return query
    }

    /// Replaces the order (the record's `defaultOrdering` applies when none is given).
    public func order(_ orderings: SQLOrdering...) -> Query {
        var query = self
        query.orderings = orderings
        return query
    }

    /// At most `limit` records, after skipping `offset`.
    public func limit(_ limit: Int, offset: Int? = nil) -> Query {
        var query = self
        query.limit = max(limit, 0)
        query.offset = offset.map { max($0, 0) }
        return query
    }

    /// The SELECT statement and its arguments.
    public func makeSQL() -> (sql: String, arguments: [DatabaseValue]) {
        var sql = "SELECT \(Record.selection()) FROM \(quoteIdentifier(Record.databaseTableName))"
        sql += whereClause
        let order = orderings ?? Record.defaultOrdering
        if !order.isEmpty { sql += " ORDER BY " + order.map { $0.sql() }.joined(separator: ", ") }
        if let limit { sql += " LIMIT \(limit)" }
        if let offset { sql += (limit == nil ? " LIMIT -1" : "") + " OFFSET \(offset)" }
        return (sql, predicate?.arguments ?? [])
    }

    private var whereClause: String { predicate.map { " WHERE " + $0.sql } ?? "" }

    /// Every matching record.
    public func fetchAll(_ db: Connection) throws -> [Record] {
        let (sql, arguments) = makeSQL()
        var records: [Record] = []
        try db.cachedStatement(sql: sql).forEachRow(arguments) { statement in
            records.append(try Record(row: statement.row()))
        }
        return records
    }

    /// The first matching record, or nil.
    public func fetchOne(_ db: Connection) throws -> Record? {
        try limit(1, offset: offset).fetchAll(db).first
    }

    /// How many records match (limit and offset ignored).
    public func fetchCount(_ db: Connection) throws -> Int {
        let sql = "SELECT count(*) FROM \(quoteIdentifier(Record.databaseTableName))" + whereClause
        return try db.cachedStatement(sql: sql).fetchOne(predicate?.arguments ?? [])?.get(0, as: Int.self) ?? 0
    }

    /// True when at least one record matches.
    public func exists(_ db: Connection) throws -> Bool {
        let sql = "SELECT EXISTS (SELECT 1 FROM \(quoteIdentifier(Record.databaseTableName))\(whereClause))"
        return try db.cachedStatement(sql: sql).fetchOne(predicate?.arguments ?? [])?.get(0, as: Bool.self) ?? false
    }

    /// Deletes every matching row; returns how many.
    @discardableResult
    public func deleteAll(_ db: Connection) throws -> Int {
        let sql = "DELETE FROM \(quoteIdentifier(Record.databaseTableName))" + whereClause
        try db.cachedStatement(sql: sql).execute(predicate?.arguments ?? [])
        return db.changes
    }
}
