import CatalogSQLite

/// Ad-hoc SQL against a catalog, safe by default.
///
/// Without `write`, nothing the user types can change the database or touch another file, and
/// SQLite itself enforces it: the file is opened read-only, `SQLITE_DBCONFIG_DEFENSIVE` and
/// `trusted_schema = OFF` are set, and a deny-by-default authorizer allows only reads. Each layer
/// alone has a hole (`PRAGMA query_only` can be turned off, a read-only open still lets
/// `VACUUM INTO` write a file and `ATTACH` read one, `sqlite3_stmt_readonly` is true for ATTACH).
/// With `write`, the statements run in one transaction rolled back on any error, and ATTACH and
/// extension loading stay refused.
public final class SQLSession {
    /// Why a statement did not run.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The authorizer refused it; `action` says what it would have done.
        case refused(statement: Int, action: String, writeAllowed: Bool)
        /// It ran longer than the timeout.
        case timedOut(statement: Int, seconds: Double)
        /// Ctrl-C.
        case interrupted(statement: Int)
        /// SQLite's own error, with the 1-based line and column of the position it blames.
        case sqlite(statement: Int, message: String, line: Int, column: Int, excerpt: String, caret: Int)
        /// `--param` values do not match the statements' `?`s.
        case parameters(String)

        public var description: String {
            switch self {
            case .refused(let statement, let action, let writeAllowed):
                return writeAllowed
                    ? "statement \(statement) was refused: \(action) is not allowed, even with --write"
                    : "statement \(statement) would modify the catalog or reach outside it (\(action)); "
                        + "run with --write to allow changes"
            case .timedOut(let statement, let seconds):
                return
                    "statement \(statement) was stopped after the --timeout of \(MigrationError.formatSeconds(seconds))"
            case .interrupted(let statement):
                return "statement \(statement) was interrupted"
            case .sqlite(let statement, let message, let line, let column, _, _):
                return "statement \(statement), line \(line), column \(column): \(message)"
            case .parameters(let message):
                return message
            }
        }

        /// For SQL errors: the statement's line with a caret under the position SQLite blames.
        public var pointer: String? {
            guard case .sqlite(_, _, _, _, let excerpt, let caret) = self, !excerpt.isEmpty else { return nil }
            return "  " + excerpt + "\n  " + String(repeating: " ", count: caret) + "^"
        }
    }

    /// What running a script produces, in order.
    public enum Event {
        /// A statement returning rows starts: its column names.
        case columns([String])
        /// One row.
        case row([OutputValue])
        /// The rows of the current statement are done.
        case end
    }

    public let db: Connection
    public let allowsWrites: Bool
    private var refusal: String?
    /// True while the user's statements are prepared and run (not catalog's own BEGIN/COMMIT).
    private var runningUserSQL = false

    /// Opens `path` for inspection (read-only) or, with `write`, for changes.
    ///
    /// A database whose last writer crashed is recovered first (`Connection.openReadOnly`).
    public init(path: String, write: Bool, busyTimeout: Int = 5_000) throws {
        db =
            write
            ? try Connection(path: path, mode: .readWrite, busyTimeout: busyTimeout)
            : try Connection.openReadOnly(path: path, busyTimeout: busyTimeout)
        allowsWrites = write
        try db.setConfig(.defensive, to: true)
        try db.setConfig(.trustedSchema, to: false)
        db.setAuthorizer { [unowned self] request in
            // catalog's own BEGIN and COMMIT around a --write script are not the user's.
            if request.action == AuthorizerRequest.transaction && !self.runningUserSQL { return .allow }
            let decision = write ? Self.writePolicy(request) : Self.readPolicy(request)
            if decision == .deny { self.refusal = Self.describe(request) }
            return decision
        }
    }

    // MARK: - Policies

    /// Pragmas that only report, with or without an argument naming what to report on.
    static let reportingPragmas: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
        "foreign_key_check", "integrity_check", "quick_check", "database_list", "collation_list", "function_list",
        "module_list", "pragma_list", "compile_options",
    ]

    /// Pragmas that are settings: readable without an argument, never settable here.
    static let settingPragmas: Set<String> = [
        "user_version", "schema_version", "application_id", "page_count", "page_size", "freelist_count",
        "journal_mode", "foreign_keys", "encoding", "data_version", "cache_size", "busy_timeout", "query_only",
        "auto_vacuum", "synchronous", "max_page_count", "recursive_triggers", "case_sensitive_like",
    ]

    static func readPolicy(_ request: AuthorizerRequest) -> AuthorizerDecision {
        switch request.action {
        case AuthorizerRequest.select, AuthorizerRequest.read, AuthorizerRequest.recursive,
            AuthorizerRequest.transaction, AuthorizerRequest.savepoint:
            return .allow
        case AuthorizerRequest.function:
            return deniedFunctions.contains((request.second ?? "").lowercased()) ? .deny : .allow
        case AuthorizerRequest.pragma:
            let name = (request.first ?? "").lowercased()
            if reportingPragmas.contains(name) { return .allow }
            return settingPragmas.contains(name) && request.second == nil ? .allow : .deny
        case AuthorizerRequest.update:
            // SQLite asks this of its own schema table while it sets up table-valued pragma
            // functions (`pragma_table_info('t')`); the read-only open and defensive mode refuse
            // a user's write to it anyway.
            let schema = request.first == "sqlite_master" || request.first == "sqlite_schema"
            return schema && request.source == nil ? .allow : .deny
        default:
            return .deny
        }
    }

    /// Functions refused in both modes: `load_extension` runs native code, and the two-argument
    /// `fts3_tokenizer` (this SQLite is built with `ENABLE_FTS3_TOKENIZER`) registers a native
    /// function pointer, while its one-argument form leaks a heap address.
    static let deniedFunctions: Set<String> = ["load_extension", "fts3_tokenizer"]

    static func writePolicy(_ request: AuthorizerRequest) -> AuthorizerDecision {
        switch request.action {
        case AuthorizerRequest.attach, AuthorizerRequest.detach: return .deny
        // catalog's own transaction wraps the script: a user's COMMIT would end it early.
        case AuthorizerRequest.transaction: return .deny
        case AuthorizerRequest.function:
            return deniedFunctions.contains((request.second ?? "").lowercased()) ? .deny : .allow
        case AuthorizerRequest.pragma:
            let name = (request.first ?? "").lowercased()
            return ["writable_schema", "journal_mode", "query_only", "trusted_schema"].contains(name)
                && request.second != nil ? .deny : .allow
        default: return .allow
        }
    }

    /// Words for what a refused request would do.
    static func describe(_ request: AuthorizerRequest) -> String {
        let target = request.first.map { " \($0)" } ?? ""
        switch request.action {
        case AuthorizerRequest.attach: return "ATTACH or VACUUM INTO of" + target
        case AuthorizerRequest.detach: return "DETACH" + target
        case AuthorizerRequest.pragma:
            return "PRAGMA " + (request.first ?? "") + (request.second.map { " = \($0)" } ?? "")
        case AuthorizerRequest.function: return "the function " + (request.second ?? "")
        case AuthorizerRequest.transaction:
            return (request.first ?? "a transaction statement") + " (--write runs everything in one transaction)"
        case AuthorizerRequest.insert: return "INSERT INTO" + target
        case AuthorizerRequest.update: return "UPDATE" + target
        case AuthorizerRequest.delete: return "DELETE FROM" + target
        default: return "a change (SQLite action \(request.action)\(target))"
        }
    }

    // MARK: - Running

    /// Runs every statement of `script`, binding `parameters` to their `?`s in order, with a
    /// time limit per script, and reports results as they come.
    ///
    /// With writes allowed, the whole script runs in one `BEGIN IMMEDIATE` transaction that is
    /// rolled back on any error. Returns the number of rows changed.
    @discardableResult
    public func run(_ script: String, parameters: [String] = [], timeout: Double? = nil, onEvent: (Event) -> Void)
        throws -> Int
    {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: .milliseconds(Migrator.milliseconds($0))) }
        db.setProgressHandler(every: 1_000) { deadline.map { clock.now > $0 } ?? false }
        defer { db.setProgressHandler(nil) }
        let before = db.totalChanges
        if allowsWrites {
            try db.transaction { try runStatements(script, parameters, timeout, deadline, clock, onEvent) }
        } else {
            try runStatements(script, parameters, timeout, deadline, clock, onEvent)
            db.rollbackQuietly()  // a BEGIN the user left open
        }
        return db.totalChanges - before
    }

    private func runStatements(
        _ script: String, _ parameters: [String], _ timeout: Double?, _ deadline: ContinuousClock.Instant?,
        _ clock: ContinuousClock, _ onEvent: (Event) -> Void
    ) throws {
        runningUserSQL = true
        defer { runningUserSQL = false }
        var remaining = parameters[...]
        var number = 0
        var running = false  // false while SQLite prepares the next statement
        do {
            try db.forEachStatement(in: script) { statement, _ in
                number += 1
                running = true
                refusal = nil
                let needed = statement.parameterCount
                guard remaining.count >= needed else {
                    throw Failure.parameters(
                        "statement \(number) has \(needed) parameters but only \(remaining.count) --param values are left"
                    )
                }
                try statement.bind(remaining.prefix(needed).map { .text($0) })
                remaining = remaining.dropFirst(needed)
                let returnsRows = statement.columnCount > 0
                if returnsRows { onEvent(.columns(statement.columnNames)) }
                while try statement.step() {
                    onEvent(.row((0..<statement.columnCount).map { OutputValue(statement.value(at: $0)) }))
                }
                if returnsRows { onEvent(.end) }
                running = false
            }
        } catch let error as SQLiteError {
            let failing = running ? number : number + 1
            throw translate(error, script: script, statement: failing, timeout: timeout, deadline: deadline, clock)
        }
        if !remaining.isEmpty {
            throw Failure.parameters("\(remaining.count) --param values were not used by any statement")
        }
    }

    private func translate(
        _ error: SQLiteError, script: String, statement: Int, timeout: Double?, deadline: ContinuousClock.Instant?,
        _ clock: ContinuousClock
    ) -> Error {
        if ResultCode.auth ~= error.code, let refusal {
            return Failure.refused(statement: statement, action: refusal, writeAllowed: allowsWrites)
        }
        if ResultCode.interrupt ~= error.code {
            if let timeout, let deadline, clock.now >= deadline {
                return Failure.timedOut(statement: statement, seconds: timeout)
            }
            return Failure.interrupted(statement: statement)
        }
        var script = script
        let (location, excerpt) = script.withUTF8 { bytes in
            let offset = min(error.offset ?? 0, bytes.count)
            let line = bytes[SourceText.lineRange(around: offset, in: bytes)]
            return (SourceText.location(ofByte: offset, in: bytes), String(decoding: line, as: UTF8.self))
        }
        return Failure.sqlite(
            statement: statement, message: error.description, line: location.line, column: location.column,
            excerpt: excerpt, caret: location.column - 1)
    }
}
