import CatalogDatabase

/// A child points at one parent through a foreign-key column (framework -> language).
///
/// `load(for:)` fetches the parents of any number of children in ONE statement.
public struct BelongsTo<Child, Parent: FetchableRecord & PersistableRecord>: Sendable {
    /// The child's foreign-key column, e.g. `language_id`.
    public let foreignKey: String
    /// The foreign-key value of a child.
    public let value: @Sendable (Child) -> Int64?

    public init(foreignKey: String, value: @escaping @Sendable (Child) -> Int64?) {
        self.foreignKey = foreignKey
        self.value = value
    }

    /// The parents of `children`, keyed by parent id.
    ///
    /// ```sql
    /// SELECT ... FROM "languages" WHERE "id" IN (<the ids, bound as one list parameter>)
    /// ```
    public func load(for children: [Child], _ db: any DatabaseConnection) throws -> [Int64: Parent] {
        let ids = Set(children.compactMap(value))
        if ids.isEmpty { return [:] }
        var parents: [Int64: Parent] = [:]
        for parent in try Parent.find(ids: ids, db) {
            if let id = parent.id { parents[id] = parent }
        }
        return parents
    }

    /// The parent of one child, or nil.
    public func fetch(for child: Child, _ db: any DatabaseConnection) throws -> Parent? {
        guard let id = value(child) else { return nil }
        return try Parent.find(id, db)
    }
}

/// A parent has many children holding its id in a foreign-key column (language -> frameworks).
public struct HasMany<Parent: PersistableRecord, Child: FetchableRecord & TableRecord>: Sendable {
    /// The child's foreign-key column, e.g. `language_id`.
    public let foreignKey: String

    public init(foreignKey: String) {
        self.foreignKey = foreignKey
    }

    /// The children of `parent`, as a query to refine.
    public func query(for parent: Parent) -> RecordQuery<Child> {
        Child.filter(Column(foreignKey) == parent.id)
    }

    /// The children of every parent in `parents`, keyed by parent id, in ONE statement.
    ///
    /// ```sql
    /// SELECT "id", ..., "language_id" FROM "frameworks"
    /// WHERE "language_id" IN (<the ids, bound as one list parameter>) ORDER BY ...
    /// ```
    public func load(for parents: [Parent], _ db: any DatabaseConnection) throws -> [Int64: [Child]] {
        let ids = parents.compactMap(\.id)
        if ids.isEmpty { return [:] }
        var context = SQLRenderContext(dialect: db.dialect)
        let owner = Column(foreignKey, table: "child")
        let membership = owner.in(ids.map { .integer($0) })
        var sql =
            "SELECT \(Child.selection(alias: "child", context)), \(owner.render(context)) "
            + "FROM \(context.quote(Child.databaseTableName)) AS \(context.quote("child"))"
        sql += " WHERE \(membership.render(&context))"
        if !Child.defaultOrdering.isEmpty {
            sql +=
                " ORDER BY "
                + Child.defaultOrdering.map { $0.render(context, qualifiedBy: "child") }.joined(separator: ", ")
        }
        return try groupedByOwner(sql: sql, arguments: context.arguments, db)
    }
}

/// A many-to-many link table (`framework_companies`): two foreign keys, one row per link.
///
/// A first-class description, so links are read and changed by id, with no records needed:
/// each operation is one statement whatever the number of links, since id lists travel as one
/// parameter.
public struct LinkTable: Sendable, Hashable {
    /// The table, e.g. `framework_companies`.
    public let name: String
    /// The column holding the left record's id, e.g. `framework_id`.
    public let leftKey: String
    /// The column holding the right record's id, e.g. `company_id`.
    public let rightKey: String

    public init(_ name: String, leftKey: String, rightKey: String) {
        self.name = name
        self.leftKey = leftKey
        self.rightKey = rightKey
    }

    /// The same table seen from the other side.
    public var inverse: LinkTable { LinkTable(name, leftKey: rightKey, rightKey: leftKey) }

    /// Links `leftID` to each of `rightIDs`; existing links are kept.
    ///
    /// ```sql
    /// INSERT INTO "framework_companies" ("framework_id", "company_id")
    /// SELECT ?, <each id of one list parameter> WHERE true ON CONFLICT DO NOTHING
    /// ```
    public func attach(_ rightIDs: some Collection<Int64>, toID leftID: Int64, _ db: any DatabaseConnection) throws {
        if rightIDs.isEmpty { return }
        var context = SQLRenderContext(dialect: db.dialect)
        let sql = insertSelecting(.integer(leftID), rightIDs.map { .integer($0) }, &context)
        try db.cachedStatement(sql: sql).execute(context.arguments)
    }

    /// Writes `count` links that are not stored yet, `link(index)` giving the two ids of each,
    /// through the connection's bulk copy (`DatabaseConnection.copyRows`): on PostgreSQL one
    /// `COPY`, whatever the number. Unlike `attach`, a link already stored fails the call with a
    /// constraint error.
    ///
    /// ```sql
    /// COPY "framework_companies" ("framework_id", "company_id") FROM STDIN
    /// ```
    public func copyLinks(
        count: Int, _ db: any DatabaseConnection, _ link: (_ index: Int) throws -> (left: Int64, right: Int64)
    ) throws {
        try db.copyRows(into: name, columns: [leftKey, rightKey], count: count) { index, values in
            let (left, right) = try link(index)
            values[0] = .integer(left)
            values[1] = .integer(right)
        }
    }

    /// Removes the links from `leftID` to each of `rightIDs`.
    public func detach(_ rightIDs: some Collection<Int64>, fromID leftID: Int64, _ db: any DatabaseConnection) throws {
        if rightIDs.isEmpty { return }
        let condition = Column(leftKey) == leftID && Column(rightKey).in(rightIDs.map { .integer($0) })
        try delete(where: condition, db)
    }

    /// Makes the links of `leftID` exactly `rightIDs`: two statements in one savepoint.
    public func sync(_ leftID: Int64, to rightIDs: some Collection<Int64>, _ db: any DatabaseConnection) throws {
        try db.savepoint {
            var condition = Column(leftKey) == leftID
            if !rightIDs.isEmpty { condition = condition && !Column(rightKey).in(rightIDs.map { .integer($0) }) }
            try delete(where: condition, db)
            try attach(rightIDs, toID: leftID, db)
        }
    }

    /// Calls `body` with the two ids of every link, in no particular order.
    public func forEachLink(_ db: any DatabaseConnection, _ body: (_ left: Int64, _ right: Int64) throws -> Void)
        throws
    {
        let context = SQLRenderContext(dialect: db.dialect)
        let sql = "SELECT \(context.quote(leftKey)), \(context.quote(rightKey)) FROM \(context.quote(name))"
        try db.cachedStatement(sql: sql).forEachRow { statement in
            try body(statement.int64(at: 0), statement.int64(at: 1))
        }
    }

    /// A predicate on the left table: linked to at least one of `rightIDs`.
    ///
    /// ```sql
    /// "id" IN (SELECT "framework_id" FROM "framework_companies" WHERE "company_id" = ?)
    /// ```
    public func leftLinked(toAnyOf rightIDs: [Int64]) -> SQLExpression {
        let condition =
            rightIDs.count == 1 ? Column(rightKey) == rightIDs[0] : Column(rightKey).in(rightIDs.map { .integer($0) })
        return Column("id").in(select: leftKey, from: name, where: condition)
    }

    private func delete(where condition: SQLExpression, _ db: any DatabaseConnection) throws {
        var context = SQLRenderContext(dialect: db.dialect)
        let sql = "DELETE FROM \(context.quote(name)) WHERE \(condition.render(&context))"
        try db.cachedStatement(sql: sql).execute(context.arguments)
    }

    private func insertSelecting(_ left: DatabaseValue, _ rights: [DatabaseValue], _ context: inout SQLRenderContext)
        -> String
    {
        let columns = "\(context.quote(name)) (\(context.quote(leftKey)), \(context.quote(rightKey)))"
        let leftPlaceholder = context.bind(left)
        if let list = context.dialect.listSource(rights, &context) {
            // `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
            return "INSERT INTO \(columns) SELECT \(leftPlaceholder), \(list.column) FROM \(list.source) "
                + "WHERE true ON CONFLICT DO NOTHING"
        }
        var rows = ["(\(leftPlaceholder), \(context.bind(rights[0])))"]
        for right in rights.dropFirst() { rows.append("(\(context.bind(left)), \(context.bind(right)))") }
        return "INSERT INTO \(columns) VALUES \(rows.joined(separator: ", ")) ON CONFLICT DO NOTHING"
    }
}

/// Two record types linked many-to-many through a link table (framework <-> company).
///
/// Loading, filtering and link changes each take a constant number of statements, whatever the
/// number of records.
public struct HasManyThrough<Left: PersistableRecord, Right: FetchableRecord & PersistableRecord>: Sendable {
    /// The link table.
    public let link: LinkTable

    public init(_ link: LinkTable) {
        self.link = link
    }

    /// A predicate on `Left`: linked to the right record with id `rightID`.
    ///
    /// ```sql
    /// "id" IN (SELECT "framework_id" FROM "framework_companies" WHERE "company_id" = ?)
    /// ```
    public func containing(_ rightID: Int64) -> SQLExpression {
        link.leftLinked(toAnyOf: [rightID])
    }

    /// A predicate on `Left`: linked to at least one of `rightIDs`.
    public func containing(anyOf rightIDs: [Int64]) -> SQLExpression {
        rightIDs.isEmpty ? .false : link.leftLinked(toAnyOf: rightIDs)
    }

    /// The right records linked to `left`, as a query to refine.
    public func query(for left: Left) -> RecordQuery<Right> {
        Right.filter(link.inverse.leftLinked(toAnyOf: [left.id ?? -1]))
    }

    /// The right records of every left record, keyed by left id, in ONE statement.
    ///
    /// ```sql
    /// SELECT "right"."id", "right"."name", "link"."framework_id"
    /// FROM "companies" AS "right" JOIN "framework_companies" AS "link" ON "link"."company_id" = "right"."id"
    /// WHERE "link"."framework_id" IN (<the ids, bound as one list parameter>) ORDER BY ...
    /// ```
    ///
    /// With `ordered: false` the rows come in the database's order, for a caller that sorts
    /// them itself (SQLite then skips a sort of every row it found).
    public func load(for lefts: [Left], _ db: any DatabaseConnection, ordered: Bool = true) throws -> [Int64: [Right]] {
        let ids = lefts.compactMap(\.id)
        if ids.isEmpty { return [:] }
        var context = SQLRenderContext(dialect: db.dialect)
        var sql = joinedSelect(Right.selection(alias: "right", context), linkedTo: ids, &context)
        if ordered && !Right.defaultOrdering.isEmpty {
            sql +=
                " ORDER BY "
                + Right.defaultOrdering.map { $0.render(context, qualifiedBy: "right") }.joined(separator: ", ")
        }
        return try groupedByOwner(sql: sql, arguments: context.arguments, db)
    }

    /// One column of the right records of every left record, keyed by left id, in ONE
    /// statement and in the database's order: what a listing of names needs, without decoding
    /// whole records.
    ///
    /// ```sql
    /// SELECT "right"."name", "link"."framework_id"
    /// FROM "companies" AS "right" JOIN "framework_companies" AS "link" ON "link"."company_id" = "right"."id"
    /// WHERE "link"."framework_id" IN (<the ids, bound as one list parameter>)
    /// ```
    public func loadColumn<Value: DatabaseValueConvertible>(
        _ column: String, as type: Value.Type = Value.self, for lefts: [Left], _ db: any DatabaseConnection
    ) throws -> [Int64: [Value]] {
        let ids = lefts.compactMap(\.id)
        if ids.isEmpty { return [:] }
        var context = SQLRenderContext(dialect: db.dialect)
        let sql = joinedSelect(Column(column, table: "right").render(context), linkedTo: ids, &context)
        var grouped: [Int64: [Value]] = [:]
        try db.cachedStatement(sql: sql).forEachRow(context.arguments) { statement in
            guard let value = Value.fromDatabaseValue(statement.value(at: 0)) else {
                throw RowDecodingError(column: column, expected: "\(Value.self)", found: statement.value(at: 0))
            }
            grouped[statement.int64(at: 1), default: []].append(value)
        }
        return grouped
    }

    /// `SELECT <selection>, "link"."<left key>" FROM <right> AS "right" JOIN <link> AS "link" ...
    /// WHERE` the left key is one of `ids`: the statement both loads share (the owner id last).
    private func joinedSelect(_ selection: String, linkedTo ids: [Int64], _ context: inout SQLRenderContext)
        -> String
    {
        let owner = Column(link.leftKey, table: "link")
        let membership = ids.count == 1 ? owner == ids[0] : owner.in(ids.map { .integer($0) })
        let join =
            "\(Column(link.rightKey, table: "link").render(context)) = \(Column("id", table: "right").render(context))"
        return "SELECT \(selection), \(owner.render(context)) "
            + "FROM \(context.quote(Right.databaseTableName)) AS \(context.quote("right")) "
            + "JOIN \(context.quote(link.name)) AS \(context.quote("link")) ON \(join) "
            + "WHERE \(membership.render(&context))"
    }

    // MARK: - Links

    /// Links `left` to each of `rightIDs` (existing links are kept): one statement.
    public func attach(_ rightIDs: some Collection<Int64>, to left: Left, _ db: any DatabaseConnection) throws {
        try link.attach(rightIDs, toID: try requireID(left), db)
    }

    /// Removes the links from `left` to each of `rightIDs`: one statement.
    public func detach(_ rightIDs: some Collection<Int64>, from left: Left, _ db: any DatabaseConnection) throws {
        try link.detach(rightIDs, fromID: try requireID(left), db)
    }

    /// Makes the links of `left` exactly `rightIDs`: two statements in one savepoint, whatever
    /// the number of links.
    public func sync(_ left: Left, to rightIDs: some Collection<Int64>, _ db: any DatabaseConnection) throws {
        try link.sync(try requireID(left), to: rightIDs, db)
    }

    private func requireID(_ left: Left) throws -> Int64 {
        guard let id = left.id else { throw RecordError.notInserted(table: Left.databaseTableName) }
        return id
    }
}

extension HasManyThrough where Left: FetchableRecord {
    /// The same link seen from the other side (company -> frameworks).
    public var inverse: HasManyThrough<Right, Left> {
        HasManyThrough<Right, Left>(link.inverse)
    }
}

/// Runs `sql`, whose last column is the owner id, and groups the records by it.
private func groupedByOwner<Record: FetchableRecord & TableRecord>(
    sql: String, arguments: [DatabaseValue], _ db: any DatabaseConnection
) throws -> [Int64: [Record]] {
    var grouped: [Int64: [Record]] = [:]
    let ownerIndex = Record.databaseColumns.count
    try db.cachedStatement(sql: sql).forEachRow(arguments) { statement in
        let row = statement.row()
        guard let owner = row.get(ownerIndex, as: Int64.self) else { return }
        grouped[owner, default: []].append(try Record(row: row))
    }
    return grouped
}
