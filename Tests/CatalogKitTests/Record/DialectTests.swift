import CatalogSQLite
import Testing

@testable import CatalogKit

/// A second dialect, shaped like PostgreSQL's, proves that SQL is spelled only when rendered:
/// numbered placeholders in order across nested expressions, a list bound as one array, case
/// folding by function, OFFSET without a LIMIT, boolean literals.
struct NumberedDialect: SQLDialect {
    var name: String { "numbered" }
    func placeholder(at position: Int) -> String { "$\(position)" }
    func listSource(_ values: [DatabaseValue], _ context: inout SQLRenderContext) -> (source: String, column: String)? {
        let items = values.compactMap { value -> String? in
            if case .integer(let int) = value { return String(int) }
            return nil
        }
        guard items.count == values.count else { return nil }
        return (
            "unnest(\(context.bind(.text("{" + items.joined(separator: ",") + "}")))::bigint[]) AS list(value)", "value"
        )
    }
    func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> String { "lower(\(lhs)) = lower(\(rhs))" }
    func ignoringCase(_ term: String) -> String { "lower(\(term))" }
    func limitClause(limit: Int?, offset: Int?) -> String {
        (limit.map { " LIMIT \($0)" } ?? "") + (offset.map { " OFFSET \($0)" } ?? "")
    }
    var trueLiteral: String { "TRUE" }
    var falseLiteral: String { "FALSE" }
}

@Suite struct DialectTests {
    @Test func aQueryRendersForEitherDialectWithTheSameValues() {
        let query = Framework.filter(
            Framework.named("django") && Framework.companies.containing(anyOf: [3, 4])
                && SQLExpression(
                    sql: "\"description\" <> '?' AND \"first_release_year\" > ?", arguments: [.integer(2000)])
        )
        .limit(5, offset: 10)
        let numbered = query.makeSQL(for: NumberedDialect())
        #expect(
            numbered.sql
                == "SELECT \"id\", \"name\", \"language_id\", \"first_release_year\", \"architecture_pattern\", \"is_open_source\", \"kind\", \"description\" FROM \"frameworks\" WHERE (((lower(\"name\") = lower($1) OR \"id\" IN (SELECT \"framework_id\" FROM \"framework_aliases\" WHERE lower(\"alias\") = lower($2))) AND \"id\" IN (SELECT \"framework_id\" FROM \"framework_companies\" WHERE \"company_id\" IN (SELECT value FROM unnest($3::bigint[]) AS list(value)))) AND \"description\" <> '?' AND \"first_release_year\" > $4) ORDER BY lower(\"name\") LIMIT 5 OFFSET 10"
        )
        #expect(numbered.arguments == [.text("django"), .text("django"), .text("{3,4}"), .integer(2000)])
        let sqlite = query.makeSQL(for: SQLiteDialect())
        #expect(sqlite.sql.contains("\"name\" = ? COLLATE NOCASE"))
        #expect(sqlite.sql.contains("IN (SELECT value FROM json_each(?))"))
        #expect(sqlite.arguments == [.text("django"), .text("django"), .text("[3,4]"), .integer(2000)])
        #expect(
            Language.all().limit(1_000_000, offset: 2).makeSQL(for: SQLiteDialect()).sql.hasSuffix(
                "LIMIT 1000000 OFFSET 2"))
        #expect(Language.all().makeSQL(for: NumberedDialect()).sql.hasSuffix("ORDER BY lower(\"name\")"))
        #expect(SQLExpression.false.render(for: NumberedDialect()).sql == "FALSE")
    }

    /// Filters by any number of names render to the same SQL text, binding the same number of
    /// values, for every question form and either dialect: a question's size never reaches the
    /// parser's depth or the parameter limit (80 filters used to overflow SQLite's parser stack).
    @Test func aFilterRendersTheSameSQLForTwoOrTenThousandNames() {
        let dialects: [any SQLDialect] = [SQLiteDialect(), NumberedDialect()]
        for dialect in dialects {
            for subject in CatalogQuery.Subject.allCases {
                for kind in CatalogQuery.Subject.allCases {
                    let relation = CatalogQuery.relation(from: subject, to: kind)
                    let two = relation.relatedToAll([1, 2]).render(for: dialect)
                    let many = relation.relatedToAll(Array(1...10_000)).render(for: dialect)
                    #expect(two.sql == many.sql, "\(subject) by \(kind)")
                    #expect(two.arguments.count == many.arguments.count)
                    #expect(many.arguments.last == .integer(10_000), "the count of distinct ids is bound")
                    // Repeats count once.
                    let repeated = relation.relatedToAll([7, 7, 7, 9]).render(for: dialect)
                    #expect(repeated.arguments.last == .integer(2))
                }
            }
        }
        let sql = CatalogQuery.relation(from: .companies, to: .features).relatedToAll([1, 2]).render(
            for: NumberedDialect())
        #expect(sql.sql.contains("$1") && sql.sql.contains("$2") && sql.sql.contains("UNION ALL"), "\(sql.sql)")
    }

    @Test func anOffsetWithoutALimitIsSpelledByTheDialect() {
        var query = RecordQuery<Language>()
        query.offset = 3
        #expect(query.makeSQL(for: SQLiteDialect()).sql.hasSuffix(" LIMIT -1 OFFSET 3"))
        #expect(query.makeSQL(for: NumberedDialect()).sql.hasSuffix("\"name\") OFFSET 3"))
    }
}
