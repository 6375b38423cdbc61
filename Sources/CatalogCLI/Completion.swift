import CatalogKit

/// Values the shell completion scripts offer, read from the catalog (never creating it).
enum Completion {
    /// The names (and aliases) of `subject` records starting with `prefix`, ignoring case.
    static func names(of subject: CatalogQuery.Subject, words: [String], prefix: String) -> [String] {
        values(words: words, prefix: prefix) { db in try CatalogQuery(db).knownNames(of: subject) }
    }

    /// The catalog's table names starting with `prefix`.
    static func tableNames(words: [String], prefix: String) -> [String] {
        values(words: words, prefix: prefix, SchemaDump.tableNames)
    }

    /// What `read` finds in the database the command line `words` names, filtered by `prefix` and
    /// sorted ignoring case; nothing when there is no database yet.
    private static func values(words: [String], prefix: String, _ read: (any DatabaseConnection) throws -> [String])
        -> [String]
    {
        guard
            let location = try? CatalogLocation.resolve(
                database: option("--database", in: words), migrations: nil, seeds: nil),
            case let driver = DatabaseBackend.driver(for: location.databasePath), driver.databaseExists(),
            let db = try? driver.openForReading(busyTimeoutMilliseconds: 200),
            let names = try? read(db)
        else { return [] }
        let folded = NameMatching.key(prefix)
        let sorted = names.filter { NameMatching.key($0).hasPrefix(folded) }
            .sorted { (NameMatching.key($0), $0) < (NameMatching.key($1), $1) }
        var unique: [String] = []
        for name in sorted where unique.last != name { unique.append(name) }
        return unique
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
