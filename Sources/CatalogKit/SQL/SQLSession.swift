import CatalogDatabase

/// Ad-hoc SQL against a catalog, safe by default: statements run one by one with `--param`
/// values bound in order, results reported as they come, a time limit for the whole script, and
/// errors placed at their line and column. What may run at all is the backend's to enforce
/// (`ScriptSession`; for SQLite, `SQLiteScriptSession`).
public final class SQLSession {
    /// Why a statement did not run. The descriptions name no command-line option; the CLI adds
    /// its own hints (`--write`, `--timeout`, `--param`).
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The backend refused it; `action` says what it would have done.
        case refused(statement: Int, action: String, writeAllowed: Bool)
        /// It ran past the time limit of the script.
        case timedOut(statement: Int, seconds: Double)
        /// It built or read a value larger than `ScriptLimits.maxValueBytes`.
        case tooBig(statement: Int, limit: Int)
        /// The database engine needed more memory than `ScriptLimits.maxMemoryBytes`.
        case outOfMemory(statement: Int, limit: Int)
        /// Ctrl-C.
        case interrupted(statement: Int)
        /// Another connection held the database's lock past the wait allowed; the message says
        /// how long it waited and who held it when that is known.
        case busy(statement: Int, message: String)
        /// The database's own error, with the 1-based line and column of the position it blames.
        case sqlite(statement: Int, message: String, line: Int, column: Int, excerpt: String, caret: Int)
        /// A statement has more placeholders than there are values left to bind.
        case tooFewParameters(statement: Int, needed: Int, left: Int)
        /// Values were left over after the last statement.
        case unusedParameters(Int)

        public var description: String {
            switch self {
            case .refused(let statement, let action, let writeAllowed):
                return writeAllowed
                    ? "statement \(statement) was refused: \(action) is not allowed, even with writes allowed"
                    : "statement \(statement) would modify the catalog or reach outside it (\(action))"
            case .timedOut(let statement, let seconds):
                return
                    "statement \(statement) was stopped after the time limit of \(MigrationError.formatSeconds(seconds))"
            case .tooBig(let statement, let limit):
                return "statement \(statement) made or read a value larger than the limit of "
                    + ScriptLimits.formatBytes(limit)
            case .outOfMemory(let statement, let limit):
                return "statement \(statement) needed more memory than the limit of "
                    + ScriptLimits.formatBytes(limit)
            case .interrupted(let statement):
                return "statement \(statement) was interrupted"
            case .busy(let statement, let message):
                return "statement \(statement): \(message)"
            case .sqlite(let statement, let message, let line, let column, _, _):
                return "statement \(statement), line \(line), column \(column): \(message)"
            case .tooFewParameters(let statement, let needed, let left):
                return "statement \(statement) has \(needed) parameters but only \(left) values are left"
            case .unusedParameters(let count):
                return "\(count) parameter values were not used by any statement"
            }
        }

        /// For SQL errors: the statement's line with a caret under the position the database blames.
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

    /// The backend's session.
    public let backend: any ScriptSession
    /// What to do when a statement cannot be interrupted at the deadline (a C loop inside one
    /// function call): the command-line tool prints its error and exits; nil (a library caller)
    /// waits for the call to end.
    public var hardStop: Watchdog.HardStop?

    /// Opens the database at `path` for inspection (read-only) or, with `write`, for changes,
    /// within `limits`.
    public convenience init(path: String, write: Bool, busyTimeout: Int = 5_000, limits: ScriptLimits = .default)
        throws
    {
        self.init(
            try DatabaseBackend.openScriptSession(path, write: write, busyTimeout: busyTimeout, limits: limits))
    }

    public init(_ backend: any ScriptSession) {
        self.backend = backend
    }

    /// True when the script may change the database.
    public var allowsWrites: Bool { backend.allowsWrites }

    // MARK: - Running

    /// Runs every statement of `script`, binding `parameters` to their placeholders in order, with
    /// a time limit for the whole script counted from `start` (default: now), and reports results
    /// as they come. The limit covers every statement and the time `onEvent` takes (printing):
    /// the backend interrupts a statement at the deadline, and the deadline is checked before
    /// each statement and row.
    ///
    /// With writes allowed, the whole script runs in one transaction that is rolled back on any
    /// error. Returns the number of rows changed.
    @discardableResult
    public func run(
        _ script: String, parameters: [String] = [], timeout: Double? = nil, from start: ContinuousClock.Instant? = nil,
        onEvent: (Event) -> Void
    ) throws -> Int {
        let clock = ContinuousClock()
        let deadline = timeout.map { (start ?? clock.now).advanced(by: .milliseconds(Timeout.milliseconds($0))) }
        let before = backend.totalChanges
        if allowsWrites {
            // The deadline ends before the rollback or commit, which must not be interrupted.
            try backend.transaction {
                try backend.withDeadline(deadline, hardStop: hardStop) {
                    try runStatements(script, parameters, timeout, deadline, clock, onEvent)
                }
            }
        } else {
            defer { backend.rollbackQuietly() }  // a BEGIN the user left open
            try backend.withDeadline(deadline, hardStop: hardStop) {
                try runStatements(script, parameters, timeout, deadline, clock, onEvent)
            }
        }
        return backend.totalChanges - before
    }

    private func runStatements(
        _ script: String, _ parameters: [String], _ timeout: Double?, _ deadline: ContinuousClock.Instant?,
        _ clock: ContinuousClock, _ onEvent: (Event) -> Void
    ) throws {
        func checkDeadline(statement: Int) throws {
            if let timeout, let deadline, clock.now >= deadline {
                throw Failure.timedOut(statement: statement, seconds: timeout)
            }
        }
        var remaining = parameters[...]
        var number = 0
        var running = false  // false while the backend prepares the next statement
        do {
            try backend.forEachUserStatement(in: script) { statement, _ in
                number += 1
                running = true
                try checkDeadline(statement: number)
                let needed = statement.parameterCount
                guard remaining.count >= needed else {
                    throw Failure.tooFewParameters(statement: number, needed: needed, left: remaining.count)
                }
                try statement.bind(remaining.prefix(needed).map { .text($0) })
                remaining = remaining.dropFirst(needed)
                let columns = statement.columnNames
                if !columns.isEmpty { onEvent(.columns(columns)) }
                while try statement.step() {
                    try checkDeadline(statement: number)
                    onEvent(.row((0..<columns.count).map { OutputValue(statement.value(at: $0)) }))
                }
                if !columns.isEmpty { onEvent(.end) }
                running = false
            }
        } catch let error as any DatabaseError {
            let failing = running ? number : number + 1
            throw translate(error, script: script, statement: failing, timeout: timeout, deadline: deadline, clock)
        }
        if !remaining.isEmpty {
            throw Failure.unusedParameters(remaining.count)
        }
    }

    private func translate(
        _ error: any DatabaseError, script: String, statement: Int, timeout: Double?,
        deadline: ContinuousClock.Instant?,
        _ clock: ContinuousClock
    ) -> Error {
        if let refusal = backend.refusal(for: error) {
            return Failure.refused(statement: statement, action: refusal, writeAllowed: allowsWrites)
        }
        if error.kind == .tooBig {
            return Failure.tooBig(statement: statement, limit: backend.limits.maxValueBytes)
        }
        if error.kind == .outOfMemory {
            return Failure.outOfMemory(statement: statement, limit: backend.limits.maxMemoryBytes)
        }
        if error.lockWaitMilliseconds != nil {
            return Failure.busy(statement: statement, message: error.description)
        }
        if error.kind == .interrupted {
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
