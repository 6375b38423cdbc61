import CatalogKit

/// Values the shell completion scripts offer, read from the catalog (never creating it).
enum Completion {
    /// The names (and aliases) of `subject` records starting with `prefix`, ignoring case.
    static func names(of subject: CatalogQuery.Subject, words: [String], prefix: String) -> [String] {
        let (table, aliases): (String, String?) =
            switch subject {
            case .frameworks: ("frameworks", "framework_aliases")
            case .companies: ("companies", "company_aliases")
            case .languages: ("languages", "language_aliases")
            case .features: ("features", nil)
            }
        var sql = "SELECT name FROM \(table)"
        if let aliases { sql += " UNION SELECT alias FROM \(aliases)" }
        return values(sql + " ORDER BY 1", words: words, prefix: prefix)
    }

    /// The catalog's table names starting with `prefix`.
    static func tableNames(words: [String], prefix: String) -> [String] {
        values(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1",
            words: words, prefix: prefix)
    }

    /// The first column of `sql` on the database the command line `words` names, filtered by
    /// `prefix`; nothing when there is no database yet.
    private static func values(_ sql: String, words: [String], prefix: String) -> [String] {
        guard
            let location = try? CatalogLocation.resolve(
                database: option("--database", in: words), migrations: nil, seeds: nil),
            FileSystem.exists(location.databasePath),
            let db = try? Connection.openReadOnly(path: location.databasePath, busyTimeout: 200),
            let rows = try? db.fetchAll(sql)
        else { return [] }
        let folded = NameMatching.key(prefix)
        return rows.compactMap { $0.get(0, as: String.self) }.filter { NameMatching.key($0).hasPrefix(folded) }
    }

    /// The value of `--name VALUE` or `--name=VALUE` among `words`, the last one winning.
    static func option(_ name: String, in words: [String]) -> String? {
        var value: String?
        for (index, word) in words.enumerated() {
            if word == name, index + 1 < words.count {
                value = words[index + 1]
            } else if word.hasPrefix(name + "=") {
                value = String(word.dropFirst(name.count + 1))
            }
        }
        return value
    }
}
