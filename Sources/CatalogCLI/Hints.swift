import CatalogKit
import CatalogSeeds

/// The command-line options that answer a library error. The library's messages name no option
/// (a Swift caller has none); the CLI adds the one that helps.
enum Hints {
    /// What to add to a migration error's message.
    static func hint(for error: MigrationError) -> String {
        switch error {
        case .directoryNotFound: return " (set it with --migrations or CATALOG_MIGRATIONS)"
        case .missing: return ", or pass --ignore-missing if it was removed on purpose"
        case .outOfOrder: return "; apply with --allow-out-of-order"
        case .lockTimeout, .busy: return lockWait
        default: return ""
        }
    }

    /// What to add to an error that came after waiting for a lock: the option that waits longer.
    static let lockWait = " (raise --lock-timeout to wait longer)"

    /// What to add to a database error's message.
    static func hint(for error: any DatabaseError) -> String {
        error.lockWaitMilliseconds != nil ? lockWait : ""
    }

    /// What to add to a seed setup error's message.
    static func hint(for error: SeedSetupError) -> String {
        switch error {
        case .seedsNotFound: return " (set it with --seeds or CATALOG_SEEDS)"
        case .busy: return lockWait
        default: return ""
        }
    }

    /// The right command for a usage error argument-parser found, when a word shows what was
    /// meant: `catalog query PayPal` (a name where the kind goes), `catalog migrate down`. A hint
    /// starting with `error: ` replaces argument-parser's line; any other is added to it.
    static func usageHint(for error: Error, arguments: [String]) -> String? {
        let message = Catalog.fullMessage(for: error)
        let command = arguments.prefix { !$0.hasPrefix("-") }
        if command.first == "query", let value = quoted(in: message, after: "The value '"),
            message.contains("is invalid for '<kind>'")
        {
            return "error: \"\(value)\" is not a kind of answer (frameworks, companies, features or languages); "
                + queryHint(for: value, arguments: arguments)
        }
        if command.first == "migrate", let word = quoted(in: message, after: "Unexpected argument '") {
            let undo = ["down", "undo", "revert", "back", "rollback"]
            if undo.contains(word.lowercased()) { return "to undo the last batch, run catalog migrate rollback" }
            if ["create", "generate", "make", "add"].contains(word.lowercased()) {
                return "to write a new migration file, run catalog migrate new NAME"
            }
            if ["list", "show", "info"].contains(word.lowercased()) {
                return "to list migrations, run catalog migrate status"
            }
            return "catalog migrate's subcommands are up, status, rollback, redo, reset, fresh, new and repair"
        }
        return nil
    }

    /// `catalog query X`: X is a name, not a kind; say which option takes it, from the catalog's
    /// own names when the catalog can be read.
    private static func queryHint(for value: String, arguments: [String]) -> String {
        let rest = arguments.filter { $0 != value }
        if let command = try? Catalog.parseAsRoot(rest) as? QueryCommand, let query = try? command.options.openQuery() {
            for (kind, option) in [
                (CatalogQuery.Subject.companies, "--company"), (.frameworks, "--framework"), (.features, "--feature"),
                (.languages, "--language"),
            ] {
                let names = (try? query.knownNames(of: kind)) ?? []
                if let name = names.first(where: { NameMatching.key($0) == NameMatching.key(value) }) {
                    let words = ["catalog", "query", option, shellQuoted(name)]
                    return "\(name) is a \(kind.singular): run \(words.joined(separator: " "))"
                }
            }
        }
        return "to filter by a name, give its kind: --company, --framework, --feature or --language "
            + shellQuoted(value)
    }

    /// The text between `prefix` and the next `'` in `message`.
    private static func quoted(in message: String, after prefix: String) -> String? {
        guard let start = message.firstRange(of: prefix)?.upperBound else { return nil }
        guard let end = message[start...].firstIndex(of: "'") else { return nil }
        return String(message[start..<end])
    }

    /// A `catalog sql` failure in the words of its options.
    static func message(for failure: SQLSession.Failure) -> String {
        switch failure {
        case .refused(let statement, "VACUUM", _):
            return "statement \(statement) would rewrite the whole database file (VACUUM); catalog sql runs every "
                + "script in one transaction, where VACUUM cannot run, even with --write: run it with the sqlite3 shell"
        case .refused(let statement, let action, let writeAllowed):
            return writeAllowed
                ? "statement \(statement) was refused: \(action) is not allowed, even with --write"
                : "statement \(statement) would modify the catalog or reach outside it (\(action)); "
                    + "run with --write to allow changes"
        case .timedOut(let statement, let seconds):
            return "statement \(statement) was stopped after the --timeout of \(MigrationError.formatSeconds(seconds))"
        case .tooBig:
            return failure.description + "; raise it with --max-value-size"
        case .outOfMemory:
            return failure.description + "; raise it with --max-memory"
        case .tooFewParameters(let statement, let needed, let left):
            return "statement \(statement) has \(needed) parameters but only \(left) --param values are left"
        case .unusedParameters(let count):
            return "\(count) --param values were not used by any statement"
        case .busy:
            return failure.description + lockWait
        case .interrupted, .sqlite:
            return failure.description
        }
    }
}
