import CatalogDatabase

/// A SELECT over one record type: filters, order, limit and offset, built up by value and
/// rendered for the connection's dialect when it runs.
///
/// ```swift
/// let recent = try Framework.filter(Column("first_release_year") >= 2010)
///     .order(Column("name").asc)
///     .fetchAll(db)
/// ```
/// ```sql
/// SELECT "id", "name", ... FROM "frameworks" WHERE "first_release_year" >= ? ORDER BY "name"
/// ```
public struct RecordQuery<Record: FetchableRecord & TableRecord>: Sendable {
    var predicate: SQLExpression?
    var orderings: [SQLOrdering]?
    var limit: Int?
    var offset: Int?

    public init() {}

    /// Keeps the records matching `predicate` too (filters combine with AND).
    public func filter(_ predicate: SQLExpression) -> RecordQuery {
        var query = self
        query.predicate = self.predicate.map { $0 && predicate } ?? predicate
        return query
    }

    /// Replaces the order (the record's `defaultOrdering` applies when none is given).
    public func order(_ orderings: SQLOrdering...) -> RecordQuery {
        var query = self
        query.orderings = orderings
        return query
    }

    /// At most `limit` records, after skipping `offset`.
    public func limit(_ limit: Int, offset: Int? = nil) -> RecordQuery {
        var query = self
        query.limit = max(limit, 0)
        query.offset = offset.map { max($0, 0) }
        return query
    }

    /// The SELECT statement for `dialect` and its arguments.
    public func makeSQL(for dialect: any SQLDialect) -> (sql: String, arguments: [DatabaseValue]) {
        var context = SQLRenderContext(dialect: dialect)
        var sql = "SELECT \(Record.selection(context)) FROM \(context.quote(Record.databaseTableName))"
        sql += whereClause(&context)
        let order = orderings ?? Record.defaultOrdering
        if !order.isEmpty { sql += " ORDER BY " + order.map { $0.render(context) }.joined(separator: ", ") }
        sql += dialect.limitClause(limit: limit, offset: offset)
        return (sql, context.arguments)
    }

    private func whereClause(_ context: inout SQLRenderContext) -> String {
        guard let predicate else { return "" }
        return " WHERE " + predicate.render(&context)
    }

    /// `prefix` followed by the WHERE clause, rendered for `db`, and the arguments.
    private func statement(_ prefix: (SQLRenderContext) -> String, _ db: any DatabaseConnection) -> (
        String, [DatabaseValue]
    ) {
        var context = SQLRenderContext(dialect: db.dialect)
        let sql = prefix(context) + whereClause(&context)
        return (sql, context.arguments)
    }

    /// Every matching record.
    public func fetchAll(_ db: any DatabaseConnection) throws -> [Record] {
        let (sql, arguments) = makeSQL(for: db.dialect)
        var records: [Record] = []
        try db.cachedStatement(sql: sql).forEachRow(arguments) { statement in
            records.append(try Record(row: statement.row()))
        }
        return records
    }

    /// The first matching record, or nil.
    public func fetchOne(_ db: any DatabaseConnection) throws -> Record? {
        try limit(1, offset: offset).fetchAll(db).first
    }

    /// How many records match (limit and offset ignored).
    public func fetchCount(_ db: any DatabaseConnection) throws -> Int {
        let (sql, arguments) = statement({ "SELECT count(*) FROM \($0.quote(Record.databaseTableName))" }, db)
        return try db.cachedStatement(sql: sql).fetchOne(arguments)?.get(0, as: Int.self) ?? 0
    }

    /// True when at least one record matches.
    public func exists(_ db: any DatabaseConnection) throws -> Bool {
        let (sql, arguments) = statement({ "SELECT 1 FROM \($0.quote(Record.databaseTableName))" }, db)
        return try db.cachedStatement(sql: "SELECT EXISTS (\(sql))").fetchOne(arguments)?.get(0, as: Bool.self)
            ?? false
    }

    /// Deletes every matching row; returns how many.
    @discardableResult
    public func deleteAll(_ db: any DatabaseConnection) throws -> Int {
        let (sql, arguments) = statement({ "DELETE FROM \($0.quote(Record.databaseTableName))" }, db)
        try db.cachedStatement(sql: sql).execute(arguments)
        return db.changes
    }
}
