/// A connection set up for SQL a person typed: the backend enforces that nothing changes unless
/// writes are allowed, stops a statement at a deadline, and names what it refused.
///
/// CatalogKit's `SQLSession` runs scripts through it (parameters, statement numbers, results,
/// error positions); everything the backend must enforce lives in the backend.
public protocol ScriptSession: AnyObject {
    associatedtype Statement: PreparedStatement

    /// True when the script may change the database (in one transaction).
    var allowsWrites: Bool { get }
    /// Rows changed since the session opened.
    var totalChanges: Int { get }
    /// Something that stops the running statement, callable from a signal handler.
    var interrupter: any Interrupter { get }
    /// The connection, for the prompt's own reads (tables, schema).
    var connection: any DatabaseConnection { get }
    /// The size and memory limits the session runs under.
    var limits: ScriptLimits { get }

    /// True when `sql` ends with a complete statement (its last `;` is not inside a string,
    /// comment or trigger body): an interactive prompt reads lines until this holds.
    func isComplete(_ sql: String) -> Bool

    /// How many statements `script` holds, as `forEachUserStatement` would run them (blank ones
    /// left out): one JSON document shapes itself by it before the first row.
    func statementCount(in script: String) -> Int

    /// Prepares and hands over the statements of `script` one after another, each with the
    /// UTF-8 byte offset where its text starts; the user's statements, as opposed to the
    /// session's own transaction control.
    func forEachUserStatement(in script: String, _ body: (Statement, Int) throws -> Void) throws
    /// Runs `body` with statements stopped (an `.interrupted` error) once `deadline` passes,
    /// also inside one long instruction; nothing is interrupted after it returns.
    /// `hardStop` runs when the work goes on past the deadline by its grace (`Watchdog`).
    func withDeadline<T>(
        _ deadline: ContinuousClock.Instant?, hardStop: Watchdog.HardStop?, _ body: () throws -> T
    ) throws -> T
    /// Runs `body` in one write transaction, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T
    /// Rolls back a transaction the script left open.
    func rollbackQuietly()
    /// What a refused statement would have done, when `error` is the backend's refusal.
    func refusal(for error: any DatabaseError) -> String?
}

extension ScriptSession {
    /// One write transaction on the session's connection (taking the write lock at once).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try connection.transaction(.immediate, body)
    }

    public func rollbackQuietly() {
        connection.rollbackQuietly()
    }
}

/// Stops a connection's running statement. Safe to call from another thread or a signal handler.
public protocol Interrupter: Sendable {
    func interrupt()
}

/// What one `catalog sql` invocation may use besides time: the largest value a statement may
/// build or read, and the memory the database engine may allocate. A single function call
/// (`printf('%.*c', 1e9, 'x')`, `randomblob(3e8)`) runs inside one instruction, where no
/// deadline is checked, so size and memory are bounded by the engine itself.
public struct ScriptLimits: Sendable, Equatable {
    /// The largest text or blob value, or row, in bytes.
    public var maxValueBytes: Int
    /// The most memory the database engine may hold at once, in bytes.
    public var maxMemoryBytes: Int

    public init(maxValueBytes: Int = Self.default.maxValueBytes, maxMemoryBytes: Int = Self.default.maxMemoryBytes) {
        self.maxValueBytes = maxValueBytes
        self.maxMemoryBytes = maxMemoryBytes
    }

    /// 16 MiB per value (the largest value of the large synthetic catalog is under 1 KiB) and
    /// 512 MiB of engine memory.
    public static let `default` = ScriptLimits(maxValueBytes: 16 << 20, maxMemoryBytes: 512 << 20)

    /// `bytes` in the largest unit that divides it: `16 MiB`, `1500 bytes`.
    public static func formatBytes(_ bytes: Int) -> String {
        for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")]
        where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift) \(unit)"
        }
        return "\(bytes) bytes"
    }
}
