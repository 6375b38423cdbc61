import CatalogDatabase

/// The values a record writes, by column name.
///
/// ```swift
/// func encode(to row: inout PersistenceRow) {
///     row["name"] = name
///     row["language_id"] = languageID
/// }
/// ```
///
/// The ORM hands `encode(to:)` a row that already knows the table's columns, so setting one is a
/// short search and a store into a values array allocated once: no more work per record than the
/// positional list it replaces.
public struct PersistenceRow: Sendable {
    /// The columns the table expects, in order.
    let expected: [String]
    /// Values of `expected`, by position (NULL until set).
    private var valuesByPosition: [DatabaseValue]
    /// Which of `expected` were set (bit i for column i).
    private var setMask: UInt64 = 0
    /// Columns set that are not in `expected`, in the order set.
    private var extraColumns: [String] = []
    private var extraValues: [DatabaseValue] = []

    /// A row for any columns, kept in the order they are set.
    public init() {
        self.init(expecting: [])
    }

    /// A row for a table with `columns` (at most 64).
    init(expecting columns: [String]) {
        precondition(columns.count <= 64, "a PersistenceRow holds at most 64 expected columns")
        expected = columns
        valuesByPosition = Array(repeating: .null, count: columns.count)
    }

    /// The value set for `column`, or nil. Setting a column twice keeps the last value.
    public subscript(column: String) -> (any DatabaseValueConvertible)? {
        get { value(of: column) }
        set {
            let value = newValue?.databaseValue ?? .null
            if let index = expected.firstIndex(of: column) {
                valuesByPosition[index] = value
                setMask |= 1 << UInt64(index)
            } else if let index = extraColumns.firstIndex(of: column) {
                extraValues[index] = value
            } else {
                extraColumns.append(column)
                extraValues.append(value)
            }
        }
    }

    /// The columns set: the expected ones in their order, then any others in the order set.
    public var columns: [String] {
        expected.indices.filter { setMask & (1 << UInt64($0)) != 0 }.map { expected[$0] } + extraColumns
    }

    /// The value of `column`, or nil when it was not set.
    public func value(of column: String) -> DatabaseValue? {
        if let index = expected.firstIndex(of: column) {
            return setMask & (1 << UInt64(index)) != 0 ? valuesByPosition[index] : nil
        }
        return extraColumns.firstIndex(of: column).map { extraValues[$0] }
    }

    /// The values of the expected columns in order; throws when a column of `table` was left
    /// out or one it lacks was set.
    func expectedValues(table: String) throws -> [DatabaseValue] {
        let all: UInt64 = expected.count == 64 ? ~0 : (1 << UInt64(expected.count)) - 1
        if setMask == all && extraColumns.isEmpty { return valuesByPosition }
        let missing = expected.indices.filter { setMask & (1 << UInt64($0)) == 0 }.map { expected[$0] }
        throw RecordError.columnMismatch(table: table, missing: missing, unknown: extraColumns)
    }
}

/// A record with an integer primary key `id` that can be inserted, updated, upserted and deleted.
///
/// A record writes its columns by name (`encode(to:)`); the ORM checks that it sets exactly the
/// columns of `databaseColumns` after `id`, so a misnamed or forgotten column fails loudly
/// instead of writing a value into its neighbour.
public protocol PersistableRecord: TableRecord {
    /// The primary key; nil until the record is inserted.
    var id: Int64? { get set }
    /// Sets the value of every column but `id`, by name.
    func encode(to row: inout PersistenceRow)
    /// The columns that identify a record in the world (a UNIQUE constraint), for `upsert`.
    static var naturalKey: [String] { get }
    /// True when the natural key is unique ignoring ASCII case (a name), as the catalog's are.
    static var naturalKeyIgnoresCase: Bool { get }
}

extension PersistableRecord {
    public static var naturalKeyIgnoresCase: Bool { false }
}

/// A persistence operation that could not be carried out.
public enum RecordError: Error, Equatable, CustomStringConvertible {
    /// `update` or `delete` of a record that has no id yet.
    case notInserted(table: String)
    /// `update` of a record whose row is gone.
    case notFound(table: String, id: Int64)
    /// `encode(to:)` left out a column of the table, or set one the table does not have.
    case columnMismatch(table: String, missing: [String], unknown: [String])

    public var description: String {
        switch self {
        case .notInserted(let table): return "a \(table) record without an id cannot be updated or deleted"
        case .notFound(let table, let id): return "no row of \(table) has id \(id)"
        case .columnMismatch(let table, let missing, let unknown):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("sets no value for " + missing.joined(separator: ", ")) }
            if !unknown.isEmpty { parts.append("sets unknown columns " + unknown.joined(separator: ", ")) }
            return "the \(table) record " + parts.joined(separator: " and ")
        }
    }
}

extension PersistableRecord {
    /// `databaseColumns` without `id`.
    static var persistenceColumns: [String] { Array(databaseColumns.dropFirst()) }

    /// The values of `persistenceColumns`, in that order, from `encode(to:)`.
    public func persistenceValues() throws -> [DatabaseValue] {
        try persistenceValues(columns: Self.persistenceColumns)
    }

    /// The values of `columns` (this type's `persistenceColumns`, computed once by the caller).
    func persistenceValues(columns: [String]) throws -> [DatabaseValue] {
        var row = PersistenceRow(expecting: columns)
        encode(to: &row)
        return try row.expectedValues(table: Self.databaseTableName)
    }

    /// Inserts the record and stores its new id.
    ///
    /// ```sql
    /// INSERT INTO "languages" ("name") VALUES (?) RETURNING "id"
    /// ```
    public mutating func insert(_ db: any DatabaseConnection) throws {
        var columns = Self.persistenceColumns
        var values = try persistenceValues()
        if let id {
            columns.insert("id", at: 0)
            values.insert(.integer(id), at: 0)
        }
        let sql = Self.insertSQL(columns, db.dialect)
        id = try db.cachedStatement(sql: sql).fetchOne(values)?.get(0, as: Int64.self)
    }

    /// A prepared insert for many records of this type: the SQL is built and compiled once.
    public static func inserter(_ db: any DatabaseConnection) throws -> RecordInserter<Self> {
        // Where the backend reports the new id itself, skip RETURNING (see `lastInsertedID`).
        let returning = db.lastInsertedID == nil
        let columns = persistenceColumns
        let sql = insertSQL(columns, db.dialect, returning: returning)
        return RecordInserter(
            db: db, statement: try db.makeStatement(sql: sql), columns: columns, returnsID: returning)
    }

    private static func insertSQL(_ columns: [String], _ dialect: any SQLDialect, returning: Bool = true) -> String {
        var context = SQLRenderContext(dialect: dialect)
        let names = columns.map { context.quote($0) }.joined(separator: ", ")
        let placeholders = columns.map { _ in context.bind(.null) }.joined(separator: ", ")
        return "INSERT INTO \(context.quote(databaseTableName)) (\(names)) VALUES (\(placeholders))"
            + (returning ? " RETURNING \(context.quote("id"))" : "")
    }

    /// Writes every column of the record to its row.
    ///
    /// ```sql
    /// UPDATE "languages" SET "name" = ? WHERE "id" = ?
    /// ```
    public func update(_ db: any DatabaseConnection) throws {
        guard let id else { throw RecordError.notInserted(table: Self.databaseTableName) }
        var context = SQLRenderContext(dialect: db.dialect)
        let assignments = Self.persistenceColumns.map { "\(context.quote($0)) = \(context.bind(.null))" }
        let sql =
            "UPDATE \(context.quote(Self.databaseTableName)) SET \(assignments.joined(separator: ", ")) "
            + "WHERE \(context.quote("id")) = \(context.bind(.null))"
        try db.cachedStatement(sql: sql).execute(try persistenceValues() + [.integer(id)])
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
    public mutating func upsert(_ db: any DatabaseConnection) throws {
        var context = SQLRenderContext(dialect: db.dialect)
        let columns = Self.persistenceColumns
        let updated = columns.filter { !Self.naturalKey.contains($0) }
        let key = context.quote(Self.naturalKey[0])
        // With nothing else to update, a no-op assignment still makes RETURNING yield the id (the
        // stored row's key, qualified: PostgreSQL would not know it from `excluded`'s).
        let assignments =
            updated.isEmpty
            ? "\(key) = \(context.quote(Self.databaseTableName)).\(key)"
            : updated.map { "\(context.quote($0)) = excluded.\(context.quote($0))" }.joined(separator: ", ")
        let conflictTarget = Self.naturalKey.map {
            db.dialect.conflictTarget(context.quote($0), ignoringCase: Self.naturalKeyIgnoresCase)
        }.joined(separator: ", ")
        let sql =
            "INSERT INTO \(context.quote(Self.databaseTableName)) (\(columns.map { context.quote($0) }.joined(separator: ", "))) "
            + "VALUES (\(columns.map { _ in context.bind(.null) }.joined(separator: ", "))) "
            + "ON CONFLICT (\(conflictTarget)) DO UPDATE SET \(assignments) "
            + "RETURNING \(context.quote("id"))"
        id = try db.cachedStatement(sql: sql).fetchOne(try persistenceValues())?.get(0, as: Int64.self)
    }

    /// Inserts the record when it has no id, else updates it.
    public mutating func save(_ db: any DatabaseConnection) throws {
        if id == nil { try insert(db) } else { try update(db) }
    }

    /// Deletes the record's row; returns false when there was none.
    @discardableResult
    public func delete(_ db: any DatabaseConnection) throws -> Bool {
        guard let id else { throw RecordError.notInserted(table: Self.databaseTableName) }
        var context = SQLRenderContext(dialect: db.dialect)
        let sql =
            "DELETE FROM \(context.quote(Self.databaseTableName)) WHERE \(context.quote("id")) = \(context.bind(.null))"
        try db.cachedStatement(sql: sql).execute([.integer(id)])
        return db.changes > 0
    }
}

extension PersistableRecord where Self: FetchableRecord {
    /// The record with primary key `id`, or nil.
    public static func find(_ id: Int64, _ db: any DatabaseConnection) throws -> Self? {
        try filter(Column("id") == id).fetchOne(db)
    }

    /// The records with these ids, in `defaultOrdering`: one statement whatever the count.
    public static func find(ids: some Collection<Int64>, _ db: any DatabaseConnection) throws -> [Self] {
        try filter(Column("id").in(ids.map { .integer($0) })).fetchAll(db)
    }
}

/// Inserts records of one type through one prepared statement (`PersistableRecord.inserter`):
/// what a bulk load needs, at the cost of a bind and a step per row.
public struct RecordInserter<Record: PersistableRecord> {
    let db: any DatabaseConnection
    let statement: any PreparedStatement
    /// The record's columns after `id`, in the statement's order.
    let columns: [String]
    /// True when the statement ends with `RETURNING "id"`; else the connection reports the id.
    let returnsID: Bool

    /// Inserts `record` and stores its new id; a record that already has an id is inserted with
    /// it, as `insert(_:)` does.
    public func insert(_ record: inout Record) throws {
        if record.id != nil { return try record.insert(db) }
        let values = try record.persistenceValues(columns: columns)
        if returnsID {
            record.id = try statement.fetchOne(values)?.get(0, as: Int64.self)
        } else {
            try statement.execute(values)
            record.id = db.lastInsertedID
        }
    }
}
