import CatalogSQLite

/// A record with an integer primary key `id` that can be inserted, updated, upserted and deleted.
///
/// `databaseColumns` must start with `"id"`; `persistenceValues` gives the other columns' values
/// in the same order.
public protocol PersistableRecord: TableRecord {
    /// The primary key; nil until the record is inserted.
    var id: Int64? { get set }
    /// Values of `databaseColumns` after `id`, in order.
    var persistenceValues: [DatabaseValue] { get }
    /// The columns that identify a record in the world (a UNIQUE constraint), for `upsert`.
    static var naturalKey: [String] { get }
}

/// A persistence operation that could not be carried out.
public enum RecordError: Error, Equatable, CustomStringConvertible {
    /// `update` or `delete` of a record that has no id yet.
    case notInserted(table: String)
    /// `update` of a record whose row is gone.
    case notFound(table: String, id: Int64)

    public var description: String {
        switch self {
        case .notInserted(let table): return "a \(table) record without an id cannot be updated or deleted"
        case .notFound(let table, let id): return "no row of \(table) has id \(id)"
        }
    }
}

extension PersistableRecord {
    /// `databaseColumns` without `id`.
    static var persistenceColumns: [String] { Array(databaseColumns.dropFirst()) }

    /// Inserts the record and stores its new id.
    ///
    /// ```sql
    /// INSERT INTO "languages" ("name") VALUES (?) RETURNING "id"
    /// ```
    public mutating func insert(_ db: Connection) throws {
        var columns = Self.persistenceColumns
        var values = persistenceValues
        if let id {
            columns.insert("id", at: 0)
            values.insert(.integer(id), at: 0)
        }
        let sql =
            "INSERT INTO \(quoteIdentifier(Self.databaseTableName)) (\(columns.map(quoteIdentifier).joined(separator: ", "))) "
            + "VALUES (\(placeholders(values.count))) RETURNING \"id\""
        id = try db.cachedStatement(sql: sql).fetchOne(values)?.get(0, as: Int64.self)
    }

    /// A prepared insert for many records of this type: the SQL is built and compiled once.
    public static func inserter(_ db: Connection) throws -> RecordInserter<Self> {
        let sql =
            "INSERT INTO \(quoteIdentifier(databaseTableName)) (\(persistenceColumns.map(quoteIdentifier).joined(separator: ", "))) "
            + "VALUES (\(placeholders(persistenceColumns.count)))"
        return RecordInserter(db: db, statement: try db.makeStatement(sql: sql))
    }

    /// Writes every column of the record to its row.
    ///
    /// ```sql
    /// UPDATE "languages" SET "name" = ? WHERE "id" = ?
    /// ```
    public func update(_ db: Connection) throws {
        guard let id else { throw RecordError.notInserted(table: Self.databaseTableName) }
        let assignments = Self.persistenceColumns.map { quoteIdentifier($0) + " = ?" }.joined(separator: ", ")
        let sql = "UPDATE \(quoteIdentifier(Self.databaseTableName)) SET \(assignments) WHERE \"id\" = ?"
        try db.cachedStatement(sql: sql).execute(persistenceValues + [.integer(id)])
        if db.changes == 0 { throw RecordError.notFound(table: Self.databaseTableName, id: id) }
    }

    /// Inserts the record, or updates the row with the same natural key, and stores the row's id.
    /// The id of an existing row never changes (no `INSERT OR REPLACE`, which deletes, cascades
    /// and renumbers).
    ///
    /// ```sql
    /// INSERT INTO "frameworks" ("name", "language_id", ...) VALUES (?, ?, ...)
    /// ON CONFLICT ("name") DO UPDATE SET "language_id" = excluded."language_id", ...
    /// RETURNING "id"
    /// ```
    public mutating func upsert(_ db: Connection) throws {
        let columns = Self.persistenceColumns
        let updated = columns.filter { !Self.naturalKey.contains($0) }
        // With nothing else to update, a no-op assignment still makes RETURNING yield the id.
        let assignments =
            updated.isEmpty
            ? "\(quoteIdentifier(Self.naturalKey[0])) = \(quoteIdentifier(Self.naturalKey[0]))"
            : updated.map { "\(quoteIdentifier($0)) = excluded.\(quoteIdentifier($0))" }.joined(separator: ", ")
        let sql =
            "INSERT INTO \(quoteIdentifier(Self.databaseTableName)) (\(columns.map(quoteIdentifier).joined(separator: ", "))) "
            + "VALUES (\(placeholders(columns.count))) "
            + "ON CONFLICT (\(Self.naturalKey.map(quoteIdentifier).joined(separator: ", "))) DO UPDATE SET \(assignments) "
            + "RETURNING \"id\""
        id = try db.cachedStatement(sql: sql).fetchOne(persistenceValues)?.get(0, as: Int64.self)
    }

    /// Inserts the record when it has no id, else updates it.
    public mutating func save(_ db: Connection) throws {
        if id == nil { try insert(db) } else { try update(db) }
    }

    /// Deletes the record's row; returns false when there was none.
    @discardableResult
    public func delete(_ db: Connection) throws -> Bool {
        guard let id else { throw RecordError.notInserted(table: Self.databaseTableName) }
        try db.cachedStatement(sql: "DELETE FROM \(quoteIdentifier(Self.databaseTableName)) WHERE \"id\" = ?")
            .execute([.integer(id)])
        return db.changes > 0
    }
}

extension PersistableRecord where Self: FetchableRecord {
    /// The record with primary key `id`, or nil.
    public static func find(_ id: Int64, _ db: Connection) throws -> Self? {
        try filter(Column("id") == id).fetchOne(db)
    }

    /// The records with these ids, in `defaultOrdering`: one statement whatever the count.
    public static func find(ids: some Collection<Int64>, _ db: Connection) throws -> [Self] {
        try filter(Column("id").in(ids.map { .integer($0) })).fetchAll(db)
    }
}

/// `?, ?, ?` for `count` parameters.
func placeholders(_ count: Int) -> String {
    Array(repeating: "?", count: count).joined(separator: ", ")
}

/// Inserts records of one type through one prepared statement (`PersistableRecord.inserter`):
/// what a bulk load needs, at the cost of a bind and a step per row.
public struct RecordInserter<Record: PersistableRecord> {
    let db: Connection
    let statement: Statement

    /// Inserts `record` and stores its new id; a record that already has an id is inserted
    /// with it, as `insert(_:)` does.
    public func insert(_ record: inout Record) throws {
        if record.id != nil { return try record.insert(db) }
        try statement.execute(record.persistenceValues)
        record.id = db.lastInsertRowID
    }
}
