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
