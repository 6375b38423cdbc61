import CatalogDatabase

/// Everything that can stop a migration command, each with a one-line explanation that names
/// the file, the line or the version concerned and, where there is one, what to do next.
public enum MigrationError: Error, Equatable, CustomStringConvertible {
    case directoryNotFound(String)
    case badFileName(file: String)
    case invalidFile(file: String, line: Int, reason: String)
    case missingMarker(file: String, marker: String)
    case duplicateVersion(version: String, files: [String])
    /// A statement of a migration failed; the migration was rolled back.
    case statementFailed(file: String, line: Int, direction: String, message: String, rolledBack: Bool)
    /// A statement ended catalog's transaction although the keyword check let it through.
    case transactionEnded(file: String, line: Int)
    /// A migration left rows whose foreign keys point nowhere.
    case foreignKeyViolation(file: String, direction: String, table: String, rowid: Int64?, parent: String)
    case changed(version: String, file: String)
    case missing(version: String, name: String, more: Int)
    case outOfOrder(files: [String], newestApplied: String)
    case unknownVersion(String)
    case notApplied(String)
    case fileMissingForRollback(version: String, name: String)
    case irreversible(file: String)
    /// Another process held catalog's write lock for longer than the wait allowed; `holder` is
    /// that process when the backend can tell.
    case lockTimeout(path: String, seconds: Double, holder: LockHolder?)
    /// The database's own lock was held by another connection for longer than the wait allowed;
    /// the message says how long it waited and who held it when that is known.
    case busy(message: String)
    case notACatalogDatabase(path: String, tables: [String])
    case unexpectedLedger(path: String, missingColumns: [String])
    case database(path: String, message: String)
    /// A command that never creates the database found none.
    case databaseMissing(String)
    case invalidName(String)
    case fileExists(String)
    case versionTaken(version: String, file: String)
    case nothingToRepair(version: String)

    public var description: String {
        switch self {
        case .directoryNotFound(let path):
            return "migrations directory \(path) does not exist"
        case .badFileName(let file):
            return "\(file): a migration file must be named <14-digit version>_<snake_case_name>.sql, "
                + "e.g. 20241124120000_create_frameworks.sql"
        case .invalidFile(let file, let line, let reason):
            return "\(file):\(line): the migration file \(reason)"
        case .missingMarker(let file, let marker):
            return "\(file): the migration file has no '\(marker)' line; a migration needs both "
                + "'-- migrate:up' and '-- migrate:down'"
        case .duplicateVersion(let version, let files):
            return "two migration files share version \(version): \(files.joined(separator: " and "))"
        case .statementFailed(let file, let line, let direction, let message, let rolledBack):
            let outcome =
                rolledBack
                ? "the migration was rolled back and nothing of it applied"
                : "statements before it in this transaction:false section stay applied; no ledger row was written"
            return "\(file):\(line): \(direction) failed: \(message); \(outcome)"
        case .transactionEnded(let file, let line):
            return "\(file):\(line): the statement ended catalog's transaction, so the statements before it may "
                + "be committed without a ledger row; check the schema before running migrate again"
        case .foreignKeyViolation(let file, let direction, let table, let rowid, let parent):
            let row = rowid.map { "row \($0) of \(table)" } ?? "a row of \(table)"
            return "\(file): \(direction) left a broken foreign key: \(row) references a missing row in "
                + "\(parent); the migration was rolled back"
        case .changed(let version, let file):
            return "\(file) was edited after it was applied (its checksum differs); restore the file, or accept "
                + "the edit with `catalog migrate repair \(version)`"
        case .missing(let version, let name, let more):
            let others = more > 0 ? " (and \(more) more)" : ""
            return "migration \(version)_\(name) is applied but its file is missing\(others); restore it"
        case .outOfOrder(let files, let newest):
            return "\(files.joined(separator: ", ")) \(files.count == 1 ? "is" : "are") older than the newest "
                + "applied migration \(newest) (merged from another branch?)"
        case .unknownVersion(let version):
            return "no migration has version \(version)"
        case .notApplied(let version):
            return "migration \(version) is not applied"
        case .fileMissingForRollback(let version, let name):
            return "cannot roll back \(version)_\(name): its file is missing, so its down section is unknown; "
                + "restore the file first"
        case .irreversible(let file):
            return "cannot roll back \(file): its '-- migrate:down' section is empty; nothing was rolled back"
        case .lockTimeout(let path, let seconds, let holder):
            let waited = "gave up after waiting \(Self.formatSeconds(seconds))"
            guard let holder else {
                return "another process holds catalog's write lock on \(path) and left no record of which; \(waited)"
            }
            return "another process, \(holder), holds catalog's write lock on \(path); \(waited)"
        case .busy(let message):
            return message
        case .notACatalogDatabase(let path, let tables):
            let shown = tables.prefix(3).joined(separator: ", ") + (tables.count > 3 ? ", ..." : "")
            return "\(path) holds tables (\(shown)) but no schema_migrations ledger: it was not made by catalog, "
                + "so catalog will not change it"
        case .unexpectedLedger(let path, let missing):
            return "\(path) has a schema_migrations table without the columns \(missing.joined(separator: ", ")) "
                + "(made by another migration tool?); catalog will not change it"
        case .databaseMissing(let path):
            return
                "no catalog database at \(path); nothing was created (run `catalog migrate` or `catalog setup` to create it)"
        case .database(let path, let message):
            return "\(path): \(message)"
        case .invalidName(let name):
            return "migration name '\(name)' is not snake_case (lowercase letters, digits and single underscores, "
                + "starting with a letter), e.g. add_company_aliases"
        case .fileExists(let path):
            return "\(path) exists already; catalog never overwrites a migration file"
        case .versionTaken(let version, let file):
            return "version \(version) is taken by \(file); wait a second and run the command again"
        case .nothingToRepair(let version):
            return "migration \(version) matches its ledger checksum; there is nothing to repair"
        }
    }

    public static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}

extension MigrationError {
    /// Wraps an error from opening or reading the database at `path`.
    static func wrap(_ error: any DatabaseError, path: String) -> MigrationError {
        // A lock that was waited for names the database itself.
        if error.lockWaitMilliseconds != nil { return .busy(message: error.description) }
        return .database(path: path, message: error.description)
    }
}

extension MigrationDriver {
    /// Takes the write lock, waiting up to `timeout` seconds, with its failures as migration
    /// errors: what migrating and seeding both do first. `waiting` hears who holds a busy lock.
    public func takeWriteLock(timeout: Double, waiting: (LockHolder?) -> Void = { _ in }) throws -> any WriteLock {
        do {
            return try writeLock(timeout: timeout, waiting: waiting)
        } catch WriteLockError.timedOut(let seconds, let holder) {
            throw MigrationError.lockTimeout(path: location, seconds: seconds, holder: holder)
        } catch WriteLockError.failed(let message) {
            throw MigrationError.database(path: location, message: message)
        }
    }
}
