import CatalogSQLite

/// The catalog's schema as SQL, in a stable order, and its tables with row counts.
public enum SchemaDump {
    /// Every CREATE statement (tables, then indexes, views and triggers, each by name), without
    /// SQLite's internal objects; limited to the objects of `tables` when given. Ends each
    /// statement with `;` and a blank line, so the text is stable across runs and diffs cleanly.
    public static func sql(_ db: Connection, tables: [String] = []) throws -> String {
        var statements: [String] = []
        let rows = try db.fetchAll(
            """
            SELECT tbl_name, sql FROM sqlite_schema
            WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, name
            """)
        let wanted = Set(tables.map(NameMatching.key))
        for row in rows {
            guard let table: String = row.get(0), let sql: String = row.get(1) else { continue }
            if wanted.isEmpty || wanted.contains(NameMatching.key(table)) { statements.append(sql + ";\n") }
        }
        return statements.joined(separator: "\n")
    }

    /// The names of tables in `names` that do not exist.
    public static func unknownTables(_ db: Connection, _ names: [String]) throws -> [String] {
        let known = Set(try tableNames(db).map(NameMatching.key))
        return names.filter { !known.contains(NameMatching.key($0)) }
    }

    /// Tables with their row counts and columns.
    public static func tables(_ db: Connection) throws -> ResultTable {
        var rows: [[OutputValue]] = []
        for name in try tableNames(db) {
            let count = try db.fetchValue("SELECT count(*) FROM \(quoteIdentifier(name))", as: Int.self) ?? 0
            let columns = try db.fetchAll("SELECT name FROM pragma_table_info(?)", [.text(name)])
                .compactMap { $0.get(0, as: String.self) }
            rows.append([.text(name), .integer(Int64(count)), .list(columns)])
        }
        return ResultTable(columns: ["table", "rows", "columns"], rows: rows)
    }

    /// The names of the catalog's tables, sorted (SQLite's internal tables left out).
    public static func tableNames(_ db: Connection) throws -> [String] {
        try db.fetchAll(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        ).compactMap { $0.get(0, as: String.self) }
    }
}
