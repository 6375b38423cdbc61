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

    /// True when `sql` ends with a complete statement (its last `;` is not inside a string,
    /// comment or trigger body): an interactive prompt reads lines until this holds.
    func isComplete(_ sql: String) -> Bool

    /// Prepares and hands over the statements of `script` one after another, each with the
    /// UTF-8 byte offset where its text starts; the user's statements, as opposed to the
    /// session's own transaction control.
    func forEachUserStatement(in script: String, _ body: (Statement, Int) throws -> Void) throws
    /// Runs `body` with statements stopped (an `.interrupted` error) once `deadline` passes.
    func withDeadline<T>(_ deadline: ContinuousClock.Instant?, _ body: () throws -> T) throws -> T
    /// Runs `body` in one write transaction, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T
    /// Rolls back a transaction the script left open.
    func rollbackQuietly()
    /// What a refused statement would have done, when `error` is the backend's refusal.
    func refusal(for error: any DatabaseError) -> String?
}

/// Stops a connection's running statement. Safe to call from another thread or a signal handler.
public protocol Interrupter: Sendable {
    func interrupt()
}
