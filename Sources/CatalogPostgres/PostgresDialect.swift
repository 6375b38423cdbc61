import CatalogDatabase

/// PostgreSQL's spelling of generated SQL.
///
/// Placeholders are numbered (`$1`). An id list travels as one array parameter,
/// `unnest(CAST($1 AS bigint[]))`, so any number of ids is one statement under the protocol's
/// 65,535-parameter limit. Comparing names ignoring case folds ASCII letters only, as SQLite's
/// case-insensitive collation does: `lower()` under the "C" collation leaves every other character alone (under a
/// language collation it would also fold `É` to `é`, and the backends would disagree about which
/// names are the same).
public struct PostgresDialect: SQLDialect {
    public init() {}

    public var name: String { "postgresql" }

    public func placeholder(at position: Int) -> String { "$\(position)" }

    public func listSource(_ values: [DatabaseValue], _ context: inout SQLRenderContext) -> (
        source: String, column: String
    )? {
        guard let (literal, type) = Self.arrayLiteral(values) else { return nil }
        let parameter = context.bind(.text(literal))
        return (
            "unnest(CAST(\(parameter) AS \(type)[])) AS \(quoteIdentifier("list"))(\(quoteIdentifier("value")))",
            quoteIdentifier("value")
        )
    }

    public func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> String {
        "\(ignoringCase(lhs)) = \(ignoringCase(rhs))"
    }

    public func ignoringCase(_ term: String) -> String { "lower((\(term)) COLLATE \"C\")" }

    /// The unique indexes on names are on `lower(name COLLATE "C")`.
    public func conflictTarget(_ column: String, ignoringCase: Bool) -> String {
        ignoringCase ? "(\(self.ignoringCase(column)))" : column
    }

    public func limitClause(limit: Int?, offset: Int?) -> String {
        (limit.map { " LIMIT \($0)" } ?? "") + (offset.map { " OFFSET \($0)" } ?? "")
    }

    public var trueLiteral: String { "TRUE" }
    public var falseLiteral: String { "FALSE" }

    /// `values` as a PostgreSQL array literal and its element type, when every one is an
    /// integer (`{1,2}`, `bigint`) or every one is text (`{"a","b\\"c"}`, `text`).
    static func arrayLiteral(_ values: [DatabaseValue]) -> (String, String)? {
        var literal = "{"
        var type: String?
        for value in values {
            if type != nil { literal += "," }
            switch value {
            case .integer(let int) where type != "text":
                type = "bigint"
                literal += String(int)
            case .text(let text) where type != "bigint":
                type = "text"
                literal += "\""
                for character in text.unicodeScalars {
                    if character == "\"" || character == "\\" { literal += "\\" }
                    literal.unicodeScalars.append(character)
                }
                literal += "\""
            default:
                return nil
            }
        }
        return (literal + "}", type ?? "bigint")
    }
}
