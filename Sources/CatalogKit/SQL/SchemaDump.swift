import CatalogDatabase

/// The catalog's schema as SQL, in a stable order, and its tables with row counts; the backend's
/// driver reads its own catalog of objects.
public enum SchemaDump {
    /// Every CREATE statement (tables, then indexes, views and triggers, each by name), without
    /// the backend's internal objects; limited to the objects of `tables` when given. Ends each
    /// statement with `;` and a blank line, so the text is stable across runs and diffs cleanly.
    public static func sql(_ db: any DatabaseConnection, tables: [String] = []) throws -> String {
        try DatabaseBackend.driver(for: db).schemaSQL(
            db, tables: Set(tables.map(NameMatching.key)), key: NameMatching.key)
    }

    /// The names of tables in `names` that do not exist.
    public static func unknownTables(_ db: any DatabaseConnection, _ names: [String]) throws -> [String] {
        let known = Set(try tableNames(db).map(NameMatching.key))
        return names.filter { !known.contains(NameMatching.key($0)) }
    }

    /// Tables with their row counts and columns.
    public static func tables(_ db: any DatabaseConnection) throws -> ResultTable {
        let driver = DatabaseBackend.driver(for: db)
        var rows: [[OutputValue]] = []
        for name in try driver.tableNames(db) {
            let count = try db.fetchValue("SELECT count(*) FROM \(db.dialect.quoteIdentifier(name))", as: Int.self) ?? 0
            rows.append([.text(name), .integer(Int64(count)), .list(try driver.columnNames(of: name, db))])
        }
        return ResultTable(columns: ["table", "rows", "columns"], rows: rows)
    }

    /// The names of the catalog's tables and of their columns (each once, sorted), for the
    /// prompt's Tab completion.
    public static func names(_ db: any DatabaseConnection) throws -> (tables: [String], columns: [String]) {
        let driver = DatabaseBackend.driver(for: db)
        let tables = try driver.tableNames(db)
        var columns = Set<String>()
        for table in tables { columns.formUnion(try driver.columnNames(of: table, db)) }
        return (tables, columns.sorted())
    }

    /// The names of the catalog's tables, sorted (the backend's internal tables left out).
    public static func tableNames(_ db: any DatabaseConnection) throws -> [String] {
        try DatabaseBackend.driver(for: db).tableNames(db)
    }
}
