import CatalogSQLite

/// A fragment of SQL with the values it binds. Values are never spliced into the SQL text.
///
/// ```swift
/// Column("name").equalsIgnoringCase("o'reilly") && Column("year") >= 2005
/// // ("name" = ? COLLATE NOCASE AND "year" >= ?), ["o'reilly", 2005]
/// ```
public struct SQLExpression: Sendable, Equatable {
    public let sql: String
    public let arguments: [DatabaseValue]

    /// Raw SQL with `?` placeholders: the escape hatch. Bind values; never interpolate them.
    public init(sql: String, arguments: [DatabaseValue] = []) {
        self.sql = sql
        self.arguments = arguments
    }

    /// Always true / always false.
    public static let `true` = SQLExpression(sql: "1")
    public static let `false` = SQLExpression(sql: "0")

    public static func && (lhs: SQLExpression, rhs: SQLExpression) -> SQLExpression {
        SQLExpression(sql: "(\(lhs.sql) AND \(rhs.sql))", arguments: lhs.arguments + rhs.arguments)
    }

    public static func || (lhs: SQLExpression, rhs: SQLExpression) -> SQLExpression {
        SQLExpression(sql: "(\(lhs.sql) OR \(rhs.sql))", arguments: lhs.arguments + rhs.arguments)
    }

    public static prefix func ! (expression: SQLExpression) -> SQLExpression {
        SQLExpression(sql: "NOT (\(expression.sql))", arguments: expression.arguments)
    }
}

/// A column, optionally qualified by a table name or alias; always quoted in SQL.
public struct Column: Sendable, Equatable {
    public let name: String
    public let table: String?

    public init(_ name: String, table: String? = nil) {
        self.name = name
        self.table = table
    }

    /// `"table"."name"` or `"name"`.
    public var sql: String { (table.map { quoteIdentifier($0) + "." } ?? "") + quoteIdentifier(name) }

    /// This column qualified by `table`.
    public func qualified(by table: String) -> Column { Column(name, table: table) }

    private func compare(_ op: String, _ value: some DatabaseValueConvertible) -> SQLExpression {
        SQLExpression(sql: "\(sql) \(op) ?", arguments: [value.databaseValue])
    }

    /// `column = ?`, or `column IS NULL` for a nil value.
    public static func == (lhs: Column, rhs: some DatabaseValueConvertible) -> SQLExpression {
        rhs.databaseValue.isNull ? lhs.isNull : lhs.compare("=", rhs)
    }

    /// `column <> ?`, or `column IS NOT NULL` for a nil value.
    public static func != (lhs: Column, rhs: some DatabaseValueConvertible) -> SQLExpression {
        rhs.databaseValue.isNull ? !lhs.isNull : lhs.compare("<>", rhs)
    }

    public static func < (lhs: Column, rhs: some DatabaseValueConvertible) -> SQLExpression { lhs.compare("<", rhs) }
    public static func <= (lhs: Column, rhs: some DatabaseValueConvertible) -> SQLExpression { lhs.compare("<=", rhs) }
    public static func > (lhs: Column, rhs: some DatabaseValueConvertible) -> SQLExpression { lhs.compare(">", rhs) }
    public static func >= (lhs: Column, rhs: some DatabaseValueConvertible) -> SQLExpression { lhs.compare(">=", rhs) }

    /// `column IS NULL`.
    public var isNull: SQLExpression { SQLExpression(sql: "\(sql) IS NULL") }

    /// `column = ? COLLATE NOCASE`: equal, ignoring the case of ASCII letters.
    public func equalsIgnoringCase(_ text: String) -> SQLExpression {
        SQLExpression(sql: "\(sql) = ? COLLATE NOCASE", arguments: [.text(text)])
    }

    /// `column LIKE ? ESCAPE '\'`: `%` and `_` are wildcards (case-insensitive for ASCII).
    public func like(_ pattern: String) -> SQLExpression {
        SQLExpression(sql: "\(sql) LIKE ? ESCAPE '\\'", arguments: [.text(pattern)])
    }

    /// `column IN (...)`. An empty list is false. Integer and text lists bind as ONE JSON array
    /// (`IN (SELECT value FROM json_each(?))`), so a list of any length is one parameter and one
    /// statement, never above SQLite's parameter limit.
    public func `in`(_ values: [DatabaseValue]) -> SQLExpression {
        SQLExpression.membership(sql, values)
    }

    /// `column IN (...)`, case-insensitively for text.
    public func inIgnoringCase(_ values: [String]) -> SQLExpression {
        let list = SQLExpression.membership("\(sql) COLLATE NOCASE", values.map { .text($0) })
        return list
    }

    /// Ascending order.
    public var asc: SQLOrdering { SQLOrdering(column: self, descending: false, ignoringCase: false) }
    /// Descending order.
    public var desc: SQLOrdering { SQLOrdering(column: self, descending: true, ignoringCase: false) }
    /// Ascending order, ignoring the case of ASCII letters.
    public var ascIgnoringCase: SQLOrdering { SQLOrdering(column: self, descending: false, ignoringCase: true) }
}

extension SQLExpression {
    /// `lhs IN (...)` for `values`, as described at `Column.in`.
    static func membership(_ lhs: String, _ values: [DatabaseValue]) -> SQLExpression {
        if values.isEmpty { return .false }
        if let json = jsonArray(values) {
            return SQLExpression(sql: "\(lhs) IN (SELECT value FROM json_each(?))", arguments: [.text(json)])
        }
        return SQLExpression(sql: "\(lhs) IN (\(placeholders(values.count)))", arguments: values)
    }

    /// `values` as a JSON array when every one is an integer, or every one is text.
    static func jsonArray(_ values: [DatabaseValue]) -> String? {
        var parts: [String] = []
        parts.reserveCapacity(values.count)
        var kind: Int?
        for value in values {
            switch value {
            case .integer(let int) where kind != 1:
                kind = 0
                parts.append(String(int))
            case .text(let text) where kind != 0:
                kind = 1
                parts.append(JSONRenderer.string(text))
            default:
                return nil
            }
        }
        return "[" + parts.joined(separator: ",") + "]"
    }
}

/// One term of an ORDER BY.
public struct SQLOrdering: Sendable, Equatable {
    public let column: Column
    public let descending: Bool
    public let ignoringCase: Bool

    /// The term, with its column qualified by `table` when it has no table of its own.
    func sql(qualifiedBy table: String? = nil) -> String {
        let target = column.table == nil ? table.map { column.qualified(by: $0) } ?? column : column
        return target.sql + (ignoringCase ? " COLLATE NOCASE" : "") + (descending ? " DESC" : "")
    }
}
