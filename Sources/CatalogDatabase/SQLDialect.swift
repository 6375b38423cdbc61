/// How one database spells what generated SQL needs: placeholders, identifiers, id lists,
/// case-insensitive comparison, limits. SQL is built as a tree (CatalogKit's `SQLExpression`) and
/// rendered through the connection's dialect only when it runs, the way sql-kit's `SQLDialect`
/// and GRDB's `SQLGenerationContext` do.
///
/// Upsert (`ON CONFLICT (...) DO UPDATE SET c = excluded.c`), `ON CONFLICT DO NOTHING` and
/// `RETURNING` are spelled the same by SQLite (3.35+) and PostgreSQL, so they need no hook.
public protocol SQLDialect: Sendable {
    /// A short name for messages: `sqlite`, `postgresql`.
    var name: String { get }

    /// The placeholder for the 1-based parameter `position`: `?` or `$1`.
    func placeholder(at position: Int) -> String

    /// `name` quoted as an identifier.
    func quoteIdentifier(_ name: String) -> String

    /// A table-valued source of `values` (all integers or all text) bound as ONE parameter, and
    /// the name of its one column, for `IN (SELECT <column> FROM <source>)` and
    /// `INSERT ... SELECT ?, <column> FROM <source>`; nil when the values cannot travel as one
    /// (mixed types), and then each is bound on its own.
    func listSource(_ values: [DatabaseValue], _ context: inout SQLRenderContext) -> (source: String, column: String)?

    /// `lhs = rhs`, ignoring the case of ASCII letters (and only of those).
    func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> String

    /// `term` as an ORDER BY or IN operand that compares ignoring the case of ASCII letters.
    func ignoringCase(_ term: String) -> String

    /// The `ON CONFLICT (...)` target of a unique `column` (quoted), unique ignoring ASCII case
    /// when `ignoringCase`: SQLite names the column (its UNIQUE constraint compares with the
    /// column's case-insensitive collation), PostgreSQL the expression of its unique index.
    func conflictTarget(_ column: String, ignoringCase: Bool) -> String

    /// The LIMIT/OFFSET clause, with a leading space, or "" for neither.
    func limitClause(limit: Int?, offset: Int?) -> String

    /// Literals for the constant predicates.
    var trueLiteral: String { get }
    var falseLiteral: String { get }
}

extension SQLDialect {
    public func conflictTarget(_ column: String, ignoringCase: Bool) -> String { column }

    /// `"name"` with embedded quotes doubled: the SQL standard, which SQLite and PostgreSQL share.
    public func quoteIdentifier(_ name: String) -> String { CatalogDatabase.quoteIdentifier(name) }
}

/// Where a rendering collects its bound values; hands out the dialect's placeholder for each.
public struct SQLRenderContext {
    /// The dialect the SQL is rendered for.
    public let dialect: any SQLDialect
    /// The values bound so far, in placeholder order.
    public private(set) var arguments: [DatabaseValue] = []

    public init(dialect: any SQLDialect) {
        self.dialect = dialect
    }

    /// Binds `value` and returns its placeholder.
    public mutating func bind(_ value: DatabaseValue) -> String {
        arguments.append(value)
        return dialect.placeholder(at: arguments.count)
    }

    /// `name` quoted for the dialect.
    public func quote(_ name: String) -> String { dialect.quoteIdentifier(name) }
}
