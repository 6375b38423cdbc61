/// `name` as a double-quoted SQL identifier: `frameworks` -> `"frameworks"`, `a"b` -> `"a""b"`.
///
/// Identifiers are always quoted in generated SQL, so a table or column named like a keyword
/// (`order`, `group`) works, and values are never spliced into SQL: they are bound.
public func quoteIdentifier(_ name: String) -> String {
    "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
}
