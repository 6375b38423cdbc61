import CatalogSQLite

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
    /// SELECT ... FROM "languages" WHERE "id" IN (SELECT value FROM json_each(?))
    /// ```
    public func load(for children: [Child], _ db: Connection) throws -> [Int64: Parent] {
        let ids = Set(children.compactMap(value))
        if ids.isEmpty { return [:] }
        var parents: [Int64: Parent] = [:]
        for parent in try Parent.find(ids: ids, db) {
            if let id = parent.id { parents[id] = parent }
        }
        return parents
    }

    /// The parent of one child, or nil.
    public func fetch(for child: Child, _ db: Connection) throws -> Parent? {
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
    public func query(for parent: Parent) -> Query<Child> {
        Child.filter(Column(foreignKey) == parent.id)
    }

    /// The children of every parent in `parents`, keyed by parent id, in ONE statement.
    ///
    /// ```sql
    /// SELECT "id", ..., "language_id" FROM "frameworks"
    /// WHERE "language_id" IN (SELECT value FROM json_each(?)) ORDER BY ...
    /// ```
    public func load(for parents: [Parent], _ db: Connection) throws -> [Int64: [Child]] {
        let ids = parents.compactMap(\.id)
        if ids.isEmpty { return [:] }
        let owner = Column(foreignKey, table: "child")
        let membership = owner.in(ids.map { .integer($0) })
        var sql =
            "SELECT \(Child.selection(alias: "child")), \(owner.sql) FROM \(quoteIdentifier(Child.databaseTableName)) AS \"child\""
            + " WHERE \(membership.sql)"
        if !Child.defaultOrdering.isEmpty {
            sql += " ORDER BY " + Child.defaultOrdering.map { $0.sql(qualifiedBy: "child") }.joined(separator: ", ")
        }
        return try groupedByOwner(sql: sql, arguments: membership.arguments, db)
    }
}

/// Two record types linked many-to-many through a link table (framework <-> company).
///
/// Loading, filtering and link changes each take a constant number of statements, whatever the
/// number of records: id lists travel as one JSON array bound to one parameter.
public struct HasManyThrough<Left: PersistableRecord, Right: FetchableRecord & PersistableRecord>: Sendable {
    /// The link table, e.g. `framework_companies`.
    public let linkTable: String
    /// The link column holding the left record's id, e.g. `framework_id`.
    public let leftKey: String
    /// The link column holding the right record's id, e.g. `company_id`.
    public let rightKey: String

    public init(linkTable: String, leftKey: String, rightKey: String) {
        self.linkTable = linkTable
        self.leftKey = leftKey
        self.rightKey = rightKey
    }

    /// A predicate on `Left`: linked to the right record with id `rightID`.
    ///
    /// ```sql
    /// "id" IN (SELECT "framework_id" FROM "framework_companies" WHERE "company_id" = ?)
    /// ```
    public func containing(_ rightID: Int64) -> SQLExpression {
        containing(anyOf: [rightID])
    }

    /// A predicate on `Left`: linked to at least one of `rightIDs`.
    public func containing(anyOf rightIDs: [Int64]) -> SQLExpression {
        let membership = Column(rightKey).in(rightIDs.map { .integer($0) })
        return SQLExpression(
            sql:
                "\(quoteIdentifier("id")) IN (SELECT \(quoteIdentifier(leftKey)) FROM \(quoteIdentifier(linkTable)) WHERE \(membership.sql))",
            arguments: membership.arguments)
    }

    /// The right records linked to `left`, as a query to refine.
    public func query(for left: Left) -> Query<Right> {
        Right.filter(linkedFromLeft(left.id ?? -1))
    }

    /// A predicate on `Right`: linked from the left record with id `leftID`.
    private func linkedFromLeft(_ leftID: Int64) -> SQLExpression {
        let key = Column(leftKey)
        return SQLExpression(
            sql:
                "\(quoteIdentifier("id")) IN (SELECT \(quoteIdentifier(rightKey)) FROM \(quoteIdentifier(linkTable)) WHERE \(key.sql) = ?)",
            arguments: [.integer(leftID)])
    }

    /// The right records of every left record, keyed by left id, in ONE statement.
    ///
    /// ```sql
    /// SELECT "right"."id", "right"."name", "link"."framework_id"
    /// FROM "companies" AS "right" JOIN "framework_companies" AS "link" ON "link"."company_id" = "right"."id"
    /// WHERE "link"."framework_id" IN (SELECT value FROM json_each(?)) ORDER BY ...
    /// ```
    public func load(for lefts: [Left], _ db: Connection) throws -> [Int64: [Right]] {
        let ids = lefts.compactMap(\.id)
        if ids.isEmpty { return [:] }
        let owner = Column(leftKey, table: "link")
        let membership = owner.in(ids.map { .integer($0) })
        var sql =
            "SELECT \(Right.selection(alias: "right")), \(owner.sql) FROM \(quoteIdentifier(Right.databaseTableName)) AS \"right\""
            + " JOIN \(quoteIdentifier(linkTable)) AS \"link\" ON \(Column(rightKey, table: "link").sql) = \"right\".\"id\""
            + " WHERE \(membership.sql)"
        if !Right.defaultOrdering.isEmpty {
            sql += " ORDER BY " + Right.defaultOrdering.map { $0.sql(qualifiedBy: "right") }.joined(separator: ", ")
        }
        return try groupedByOwner(sql: sql, arguments: membership.arguments, db)
    }

    // MARK: - Links

    /// Links `left` to each of `rightIDs` (existing links are kept): one statement.
    ///
    /// ```sql
    /// INSERT INTO "framework_companies" ("framework_id", "company_id")
    /// SELECT ?, value FROM json_each(?) WHERE true ON CONFLICT DO NOTHING
    /// ```
    public func attach(_ rightIDs: some Collection<Int64>, to left: Left, _ db: Connection) throws {
        let leftID = try requireID(left)
        if rightIDs.isEmpty { return }
        let sql =
            "INSERT INTO \(quoteIdentifier(linkTable)) (\(quoteIdentifier(leftKey)), \(quoteIdentifier(rightKey))) "
            + "SELECT ?, value FROM json_each(?) WHERE true ON CONFLICT DO NOTHING"
        try db.cachedStatement(sql: sql).execute([.integer(leftID), .text(Self.json(rightIDs))])
    }

    /// Removes the links from `left` to each of `rightIDs`: one statement.
    public func detach(_ rightIDs: some Collection<Int64>, from left: Left, _ db: Connection) throws {
        let leftID = try requireID(left)
        if rightIDs.isEmpty { return }
        let sql =
            "DELETE FROM \(quoteIdentifier(linkTable)) WHERE \(quoteIdentifier(leftKey)) = ? "
            + "AND \(quoteIdentifier(rightKey)) IN (SELECT value FROM json_each(?))"
        try db.cachedStatement(sql: sql).execute([.integer(leftID), .text(Self.json(rightIDs))])
    }

    /// Makes the links of `left` exactly `rightIDs`: two statements in one savepoint, whatever
    /// the number of links.
    public func sync(_ left: Left, to rightIDs: some Collection<Int64>, _ db: Connection) throws {
        let leftID = try requireID(left)
        let json = Self.json(rightIDs)
        try db.savepoint {
            let delete =
                "DELETE FROM \(quoteIdentifier(linkTable)) WHERE \(quoteIdentifier(leftKey)) = ? "
                + "AND \(quoteIdentifier(rightKey)) NOT IN (SELECT value FROM json_each(?))"
            try db.cachedStatement(sql: delete).execute([.integer(leftID), .text(json)])
            let insert =
                "INSERT INTO \(quoteIdentifier(linkTable)) (\(quoteIdentifier(leftKey)), \(quoteIdentifier(rightKey))) "
                + "SELECT ?, value FROM json_each(?) WHERE true ON CONFLICT DO NOTHING"
            try db.cachedStatement(sql: insert).execute([.integer(leftID), .text(json)])
        }
    }

    private func requireID(_ left: Left) throws -> Int64 {
        guard let id = left.id else { throw RecordError.notInserted(table: Left.databaseTableName) }
        return id
    }

    static func json(_ ids: some Collection<Int64>) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }
}

extension HasManyThrough where Left: FetchableRecord {
    /// The same link seen from the other side (company -> frameworks).
    public var inverse: HasManyThrough<Right, Left> {
        HasManyThrough<Right, Left>(linkTable: linkTable, leftKey: rightKey, rightKey: leftKey)
    }
}

/// Runs `sql`, whose last column is the owner id, and groups the records by it.
private func groupedByOwner<Record: FetchableRecord & TableRecord>(
    sql: String, arguments: [DatabaseValue], _ db: Connection
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
