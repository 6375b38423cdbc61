/// SQLite's spelling of generated SQL.
///
/// Id lists travel as one JSON array bound to one parameter (`json_each(?)`), so any number of
/// ids is one statement and never meets SQLite's parameter limit; case-insensitive comparison is
/// `COLLATE NOCASE`, which folds ASCII letters only, as the catalog's name columns do.
public struct SQLiteDialect: SQLDialect {
    public init() {}

    public var name: String { "sqlite" }

    public func placeholder(at position: Int) -> String { "?" }

    public func listSource(_ values: [DatabaseValue], _ context: inout SQLRenderContext) -> (
        source: String, column: String
    )? {
        guard let json = Self.jsonArray(values) else { return nil }
        return ("json_each(\(context.bind(.text(json))))", "value")
    }

    public func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> String {
        "\(lhs) = \(rhs) COLLATE NOCASE"
    }

    public func ignoringCase(_ term: String) -> String { "\(term) COLLATE NOCASE" }

    public func limitClause(limit: Int?, offset: Int?) -> String {
        var clause = ""
        if let limit { clause += " LIMIT \(limit)" }
        if let offset { clause += (limit == nil ? " LIMIT -1" : "") + " OFFSET \(offset)" }
        return clause
    }

    public var trueLiteral: String { "1" }
    public var falseLiteral: String { "0" }

    /// `values` as a JSON array when every one is an integer, or every one is text.
    static func jsonArray(_ values: [DatabaseValue]) -> String? {
        var json = "["
        var kind: Int?
        for value in values {
            if kind != nil { json += "," }
            switch value {
            case .integer(let int) where kind != 1:
                kind = 0
                json += String(int)
            case .text(let text) where kind != 0:
                kind = 1
                json += JSONText.string(text)
            default:
                return nil
            }
        }
        return json + "]"
    }
}
