import CatalogDatabase

/// Pairs of record ids, `(subject, target)`, that a relationship question walks: a link table,
/// a foreign-key column, the union of two relations, or one followed by another (company ->
/// framework -> feature).
///
/// Its one use is a constant-size filter: `relatedToAll(_:)` keeps the subjects related to
/// every one of any number of targets (relational division), so a question with 10,000 names
/// is one statement of the same size and depth as a question with two.
public indirect enum IDRelation: Sendable, Equatable {
    /// One row per link: `leftKey` -> `rightKey`.
    case link(LinkTable)
    /// Each row of `table` relates its `from` column to its `to` column (`frameworks`:
    /// `id` -> `language_id`); `from` and `to` may be the same column (a record is itself).
    case column(table: String, from: String, to: String)
    /// The pairs of either relation.
    case union(IDRelation, IDRelation)
    /// The subject of the first relation to the target of the second, through the first's target.
    case then(IDRelation, IDRelation)

    /// The record itself: `id` -> `id` of `table`.
    public static func identity(_ table: String) -> IDRelation { .column(table: table, from: "id", to: "id") }

    /// A predicate on the subject table: its `id` is related to every one of `targetIDs`
    /// (repeats count once). No ids: always true.
    ///
    /// ```sql
    /// "id" IN (SELECT "subject" FROM (<pairs>) AS "pairs"
    ///          WHERE "target" IN (<the ids, one list parameter>)
    ///          GROUP BY "subject" HAVING count(DISTINCT "target") = ?)
    /// ```
    /// One id needs no grouping: `... WHERE "target" = ?)`.
    public func relatedToAll(_ targetIDs: some Collection<Int64>, column: Column = Column("id")) -> SQLExpression {
        var seen = Set<Int64>()
        let ids = targetIDs.filter { seen.insert($0).inserted }
        if ids.isEmpty { return .true }
        return SQLExpression(.related(column, self, ids))
    }

    /// A predicate on the subject table: its `id` is related to at least one target for which
    /// `target` holds; `target` is a condition on `Column("target")`, such as
    /// `Column("target").in(select: "id", from: "frameworks", where: ...)`.
    public func relatedToAny(where target: SQLExpression, column: Column = Column("id")) -> SQLExpression {
        SQLExpression(.relatedWhere(column, self, target.node))
    }

    /// `(SELECT ... AS "subject", ... AS "target" FROM ...)`: a FROM item with the two columns.
    func source(_ context: SQLRenderContext) -> String {
        let subject = context.quote("subject")
        let target = context.quote("target")
        switch self {
        case .link(let link):
            return "(SELECT \(context.quote(link.leftKey)) AS \(subject), \(context.quote(link.rightKey)) AS \(target) "
                + "FROM \(context.quote(link.name)))"
        case .column(let table, let from, let to):
            return "(SELECT \(context.quote(from)) AS \(subject), \(context.quote(to)) AS \(target) "
                + "FROM \(context.quote(table)))"
        case .union(let first, let second):
            return "(SELECT \(subject), \(target) FROM \(first.source(context)) AS \(context.quote("u1")) "
                + "UNION ALL SELECT \(subject), \(target) FROM \(second.source(context)) AS \(context.quote("u2")))"
        case .then(let first, let second):
            let (a, b) = (context.quote("a"), context.quote("b"))
            return "(SELECT \(a).\(subject) AS \(subject), \(b).\(target) AS \(target) "
                + "FROM \(first.source(context)) AS \(a) JOIN \(second.source(context)) AS \(b) "
                + "ON \(b).\(subject) = \(a).\(target))"
        }
    }

    /// The predicate `relatedToAll` describes, rendered.
    func renderRelated(to ids: [Int64], column: Column, _ context: inout SQLRenderContext) -> String {
        let subject = context.quote("subject")
        let target = context.quote("target")
        var sql = "\(column.render(context)) IN (SELECT \(subject) FROM \(source(context)) AS \(context.quote("pairs"))"
        if ids.count == 1 {
            return sql + " WHERE \(target) = \(context.bind(.integer(ids[0]))))"
        }
        sql += " WHERE " + Column("target").in(ids.map { .integer($0) }).render(&context)
        return sql
            + " GROUP BY \(subject) HAVING count(DISTINCT \(target)) = \(context.bind(.integer(Int64(ids.count)))))"
    }
}
