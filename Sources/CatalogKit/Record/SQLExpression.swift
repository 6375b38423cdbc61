import CatalogDatabase

/// A boolean SQL expression, kept as a tree until a connection renders it for its dialect:
/// placeholders, id lists and case-insensitive comparison are spelled only then. Values are
/// always bound, never spliced into the SQL text.
///
/// ```swift
/// Column("name").equalsIgnoringCase("o'reilly") && Column("year") >= 2005
/// ```
/// renders as `("name" = ? AND "year" >= ?)`, the first comparison ignoring ASCII case in the
/// dialect's own spelling.
public struct SQLExpression: Sendable, Equatable {
    indirect enum Node: Sendable, Equatable {
        /// Raw SQL with `?` placeholders, each rewritten to the dialect's own.
        case raw(String, [DatabaseValue])
        case constant(Bool)
        case compare(Column, String, DatabaseValue)
        case isNull(Column)
        case equalsIgnoringCase(Column, String)
        case like(Column, String)
        case membership(Column, [DatabaseValue], ignoringCase: Bool)
        /// `column IN (SELECT select FROM table WHERE condition)`.
        case subquery(Column, select: String, from: String, where: Node)
        /// `column` related to every one of the ids (`IDRelation.relatedToAll`).
        case related(Column, IDRelation, [Int64])
        /// `column` related to a target for which the condition (on `"target"`) holds
        /// (`IDRelation.relatedToAny(where:)`).
        case relatedWhere(Column, IDRelation, Node)
        case and(Node, Node)
        case or(Node, Node)
        case not(Node)
    }

    let node: Node

    init(_ node: Node) {
        self.node = node
    }

    /// Raw SQL with `?` placeholders, one per value: the escape hatch. Each `?` outside quotes is
    /// rendered as the dialect's placeholder. Bind values; never interpolate them.
    public init(sql: String, arguments: [DatabaseValue] = []) {
        self.node = .raw(sql, arguments)
    }

    /// Always true / always false.
    public static let `true` = SQLExpression(.constant(true))
    public static let `false` = SQLExpression(.constant(false))

    public static func && (lhs: SQLExpression, rhs: SQLExpression) -> SQLExpression {
        SQLExpression(.and(lhs.node, rhs.node))
    }

    public static func || (lhs: SQLExpression, rhs: SQLExpression) -> SQLExpression {
        SQLExpression(.or(lhs.node, rhs.node))
    }

    public static prefix func ! (expression: SQLExpression) -> SQLExpression {
        SQLExpression(.not(expression.node))
    }

    /// The SQL for `dialect` and the values it binds, in placeholder order.
    public func render(for dialect: any SQLDialect) -> (sql: String, arguments: [DatabaseValue]) {
        var context = SQLRenderContext(dialect: dialect)
        let sql = render(&context)
        return (sql, context.arguments)
    }

    /// The SQL, binding values into `context`.
    public func render(_ context: inout SQLRenderContext) -> String {
        node.render(&context)
    }
}

extension SQLExpression.Node {
    func render(_ context: inout SQLRenderContext) -> String {
        switch self {
        case .raw(let sql, let arguments):
            return Self.renderRaw(sql, arguments, &context)
        case .constant(let value):
            return value ? context.dialect.trueLiteral : context.dialect.falseLiteral
        case .compare(let column, let op, let value):
            return "\(column.render(context)) \(op) \(context.bind(value))"
        case .isNull(let column):
            return "\(column.render(context)) IS NULL"
        case .equalsIgnoringCase(let column, let text):
            let lhs = column.render(context)
            return context.dialect.equalsIgnoringCase(lhs, context.bind(.text(text)))
        case .like(let column, let pattern):
            return "\(column.render(context)) LIKE \(context.bind(.text(pattern))) ESCAPE '\\'"
        case .membership(let column, let values, let ignoringCase):
            if values.isEmpty { return context.dialect.falseLiteral }
            var lhs = column.render(context)
            if ignoringCase { lhs = context.dialect.ignoringCase(lhs) }
            // Both sides fold when ignoring case (PostgreSQL's lower() applies to one term only).
            let dialect = context.dialect
            let fold: (String) -> String = { ignoringCase ? dialect.ignoringCase($0) : $0 }
            if let list = context.dialect.listSource(values, &context) {
                return "\(lhs) IN (SELECT \(fold(list.column)) FROM \(list.source))"
            }
            return "\(lhs) IN (\(values.map { fold(context.bind($0)) }.joined(separator: ", ")))"
        case .subquery(let column, let select, let table, let condition):
            let lhs = column.render(context)
            let inner = condition.render(&context)
            return "\(lhs) IN (SELECT \(context.quote(select)) FROM \(context.quote(table)) WHERE \(inner))"
        case .related(let column, let relation, let ids):
            return relation.renderRelated(to: ids, column: column, &context)
        case .relatedWhere(let column, let relation, let condition):
            let lhs = column.render(context)
            let pairs =
                "SELECT \(context.quote("subject")) FROM \(relation.source(context)) AS \(context.quote("pairs"))"
            return "\(lhs) IN (\(pairs) WHERE \(condition.render(&context)))"
        case .and(let lhs, let rhs):
            let left = lhs.render(&context)
            return "(\(left) AND \(rhs.render(&context)))"
        case .or(let lhs, let rhs):
            let left = lhs.render(&context)
            return "(\(left) OR \(rhs.render(&context)))"
        case .not(let inner):
            return "NOT (\(inner.render(&context)))"
        }
    }

    /// `sql` with each `?` outside quotes and comments replaced by the dialect's placeholder for
    /// the next of `arguments`.
    private static func renderRaw(_ sql: String, _ arguments: [DatabaseValue], _ context: inout SQLRenderContext)
        -> String
    {
        if arguments.isEmpty { return sql }
        var out = ""
        var next = arguments.makeIterator()
        var quote: Character?
        var previous: Character = " "
        var comment = false
        for character in sql {
            if comment {
                if character == "\n" { comment = false }
            } else if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "-" && previous == "-" {
                comment = true
            } else if character == "?", let value = next.next() {
                out += context.bind(value)
                previous = character
                continue
            }
            out.append(character)
            previous = character
        }
        return out
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

    /// `"table"."name"` or `"name"`, quoted for the context's dialect.
    public func render(_ context: SQLRenderContext) -> String {
        (table.map { context.quote($0) + "." } ?? "") + context.quote(name)
    }

    /// This column qualified by `table`.
    public func qualified(by table: String) -> Column { Column(name, table: table) }

    private func compare(_ op: String, _ value: some DatabaseValueConvertible) -> SQLExpression {
        SQLExpression(.compare(self, op, value.databaseValue))
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
    public var isNull: SQLExpression { SQLExpression(.isNull(self)) }

    /// Equal to `text`, ignoring the case of ASCII letters (`SQLDialect.equalsIgnoringCase`).
    public func equalsIgnoringCase(_ text: String) -> SQLExpression {
        SQLExpression(.equalsIgnoringCase(self, text))
    }

    /// `column LIKE ? ESCAPE '\'`: `%` and `_` are wildcards (case-insensitive for ASCII).
    public func like(_ pattern: String) -> SQLExpression {
        SQLExpression(.like(self, pattern))
    }

    /// `column IN (...)`. An empty list is false. Integer and text lists bind as ONE parameter
    /// (`SQLDialect.listSource`), so a list of any length is one statement,
    /// never above the backend's parameter limit; mixed lists bind one placeholder per value.
    public func `in`(_ values: [DatabaseValue]) -> SQLExpression {
        SQLExpression(.membership(self, values, ignoringCase: false))
    }

    /// `column IN (...)`, case-insensitively for text.
    public func inIgnoringCase(_ values: [String]) -> SQLExpression {
        SQLExpression(.membership(self, values.map { .text($0) }, ignoringCase: true))
    }

    /// `column IN (SELECT select FROM table WHERE condition)`.
    public func `in`(select: String, from table: String, where condition: SQLExpression) -> SQLExpression {
        SQLExpression(.subquery(self, select: select, from: table, where: condition.node))
    }

    /// Ascending order.
    public var asc: SQLOrdering { SQLOrdering(column: self, descending: false, ignoringCase: false) }
    /// Descending order.
    public var desc: SQLOrdering { SQLOrdering(column: self, descending: true, ignoringCase: false) }
    /// Ascending order, ignoring the case of ASCII letters.
    public var ascIgnoringCase: SQLOrdering { SQLOrdering(column: self, descending: false, ignoringCase: true) }
}

/// One term of an ORDER BY.
public struct SQLOrdering: Sendable, Equatable {
    public let column: Column
    public let descending: Bool
    public let ignoringCase: Bool

    /// The term, with its column qualified by `table` when it has no table of its own.
    func render(_ context: SQLRenderContext, qualifiedBy table: String? = nil) -> String {
        let target = column.table == nil ? table.map { column.qualified(by: $0) } ?? column : column
        var term = target.render(context)
        if ignoringCase { term = context.dialect.ignoringCase(term) }
        return descending ? term + " DESC" : term
    }
}
