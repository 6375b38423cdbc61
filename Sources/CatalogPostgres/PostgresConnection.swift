import CLibPQ
import CatalogDatabase

#if canImport(Glibc)
    import Glibc
#endif

/// One libpq connection (`PGconn`), closed when the last owner lets go: the connection and every
/// statement it prepared share it, so a statement may outlive its `PostgresConnection` as a
/// SQLite statement may.
final class PostgresHandle {
    let conn: OpaquePointer
    /// The password given to connect, removed from every message.
    let password: String?
    private var nextStatement = 0
    /// How many times the unnamed statement was prepared (see `PostgresStatement`).
    var unnamedUses = 0
    /// Set when the `PostgresConnection` goes: from then on only its statements hold the session,
    /// which ends with the last of them, and ending a session drops its prepared statements. So
    /// their `DEALLOCATE`s are skipped: one round trip each for nothing (6 of a `catalog query`'s
    /// 33 round trips on PostgreSQL).
    var isClosing = false

    init(conn: OpaquePointer, password: String?) {
        self.conn = conn
        self.password = password
    }

    deinit {
        pq.PQfinish(conn)
    }

    /// A statement name not used before on this connection.
    func newStatementName() -> String {
        nextStatement += 1
        return "catalog_\(nextStatement)"
    }

    /// `text` without the password.
    func redacted(_ text: String) -> String { Self.redacted(text, password: password) }

    /// `text` with every occurrence of `password` replaced by `***`.
    static func redacted(_ text: String, password: String?) -> String {
        guard let password, !password.isEmpty else { return text }
        return text.split(separator: password, omittingEmptySubsequences: false).joined(separator: "***")
    }

    /// The error of `result` (or of the connection when there is no result), for `sql`.
    func error(_ result: OpaquePointer?, sql: String?, offset: Int = 0) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let result, let value = pq.PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        // A broken connection: libpq's own error (no SQLSTATE), or the server's last word before
        // it closed the session (57P01 admin shutdown, 57P02 crash shutdown).
        let state = field("C") ?? "08006"
        let message = field("M") ?? Self.firstLine(cString(pq.PQerrorMessage(conn)))
        if pq.PQstatus(conn) == CONNECTION_BAD || PostgresError.isLostConnection(message),
            field("C").map({ $0.hasPrefix("57P") }) ?? true
        {
            return PostgresError.connectionLost(sql: sql)
        }
        var byteOffset: Int?
        if let position = field("P").flatMap(Int.init), let sql {
            // A 1-based position in characters (Unicode scalars) of the statement.
            byteOffset = offset + sql.unicodeScalars.prefix(max(position - 1, 0)).reduce(0) { $0 + $1.utf8.count }
        }
        return PostgresError(sqlState: state, message: redacted(message), sql: sql, offset: byteOffset)
    }

    /// The first line of a libpq message, without its trailing newline.
    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first ?? "")
            .trimmingSpaces()
    }

    /// The rows `result` changed: the count of its command tag, for commands that change rows (a
    /// SELECT's tag counts the rows it returned).
    static func changes(of result: OpaquePointer?) -> Int {
        let tag = cString(pq.PQcmdStatus(result))
        let changing = ["INSERT", "UPDATE", "DELETE", "MERGE", "COPY"].contains { tag.hasPrefix($0) }
        return changing ? Int(cString(pq.PQcmdTuples(result))) ?? 0 : 0
    }

    /// Runs one statement `sql` (no parameters, no rows wanted) with the simple protocol, one
    /// round trip; `offset` places it in its script for errors. Returns the rows it changed.
    @discardableResult
    func run(_ sql: String, offset: Int = 0) throws -> Int {
        let result = pq.PQexec(conn, sql)
        defer { pq.PQclear(result) }
        let status = pq.PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY else {
            throw error(result, sql: sql, offset: offset)
        }
        return Self.changes(of: result)
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}

/// A connection to a PostgreSQL server through libpq: synchronous like the rest of catalog.
///
/// `url` is a `postgres://` or `postgresql://` URL or a libpq keyword string (`host=/tmp
/// dbname=catalog`); libpq's own defaults apply (`PGHOST`, `PGPASSWORD`, `~/.pgpass`,
/// `sslmode`). Messages and `location` never hold the password.
public final class PostgresConnection: DatabaseConnection {
    let handle: PostgresHandle
    /// The URL or keyword string it was opened with, password included: for opening more
    /// connections to the same database (the migration driver, a script session); never shown.
    public let connectionString: String
    private var cache: [String: PostgresStatement] = [:]
    private var savepointDepth = 0
    private var lastChanges = 0

    public var dialect: any SQLDialect { PostgresDialect() }

    /// `postgresql://user@host:port/database`, without the password (a socket folder as host is
    /// percent-encoded, as libpq reads it back).
    public let location: String

    public convenience init(url: String) throws {
        try self.init(url: url, database: nil)
    }

    /// Connects to `database` instead of the URL's (the server's maintenance database, to create
    /// the URL's), with everything else as `url` gives it.
    init(url: String, database: String?) throws {
        try LibPQ.load()
        connectionString = url
        let password = Self.password(in: url)
        // The URL is expanded as a connection string; a later dbname overrides its database. The
        // server shows `catalog` as the program (pg_stat_activity, lock holders) unless the URL
        // names another.
        // A server that does not answer is given up after 10 s (libpq would wait as long as TCP
        // does, minutes) unless the URL or PGCONNECT_TIMEOUT says otherwise: it comes before the
        // URL, so the URL's own value wins.
        let timeout = getenv("PGCONNECT_TIMEOUT") == nil ? [("connect_timeout", "10")] : []
        // The client encoding travels in the start-up message, not as a `SET` (one round trip
        // fewer per connection); after the URL, so a URL's own client_encoding cannot change it.
        let settings =
            timeout + [("dbname", url), ("fallback_application_name", "catalog")]
            + (database.map { [("dbname", $0)] } ?? []) + [("client_encoding", "UTF8")]
        let keywords = settings.map(\.0)
        let values = settings.map(\.1)
        let connection = withCStrings(keywords) { keywords in
            withCStrings(values) { values in pq.PQconnectdbParams(keywords, values, 1) }
        }
        guard let conn = connection else {
            throw PostgresError(sqlState: "08006", message: "out of memory while connecting")
        }
        let handle = PostgresHandle(conn: conn, password: password)
        guard pq.PQstatus(conn) == CONNECTION_OK else {
            throw PostgresError.connectionFailure(
                handle.redacted(PostgresHandle.firstLine(cString(pq.PQerrorMessage(conn)))))
        }
        self.handle = handle
        let host = cString(pq.PQhost(conn)).replacingSlashes()
        location =
            "postgresql://\(cString(pq.PQuser(conn)))@\(host):\(cString(pq.PQport(conn)))/\(cString(pq.PQdb(conn)))"
        // Notices (a NOTICE from DROP ... IF EXISTS) are not errors and must not reach stderr raw.
        _ = pq.PQsetNoticeProcessor(conn, { _, _ in }, nil)
    }

    deinit {
        handle.isClosing = true
    }

    /// The value of `keyword` in `url` (either form), if given.
    static func option(_ keyword: String, in url: String) -> String? {
        guard LibPQ.isAvailable else { return nil }
        var error: UnsafeMutablePointer<CChar>?
        guard let options = pq.PQconninfoParse(url, &error) else {
            if let error { pq.PQfreemem(error) }
            return nil
        }
        defer { pq.PQconninfoFree(options) }
        var entry = options
        while let name = entry.pointee.keyword {
            if String(cString: name) == keyword { return entry.pointee.val.map { String(cString: $0) } }
            entry += 1
        }
        return nil
    }

    /// The password `url` holds, if any (`PQconninfoParse` reads both forms; without libpq, the
    /// `user:password@` of a URL or a `password=` keyword).
    static func password(in url: String) -> String? {
        guard LibPQ.isAvailable else { return passwordWithoutLibPQ(in: url) }
        return option("password", in: url)
    }

    private static func passwordWithoutLibPQ(in url: String) -> String? {
        if let schemeEnd = url.firstRange(of: "://") {
            let rest = url[schemeEnd.upperBound...]
            guard let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return nil }
            return String(rest[rest.index(after: colon)..<at])
        }
        guard let start = url.firstRange(of: "password=") else { return nil }
        return String(url[start.upperBound...].prefix { $0 != " " })
    }

    public var isAutocommit: Bool { pq.PQtransactionStatus(handle.conn) == PQTRANS_IDLE }

    /// True inside a transaction that a failed statement aborted: it can only roll back.
    public var isInFailedTransaction: Bool { pq.PQtransactionStatus(handle.conn) == PQTRANS_INERROR }

    public var changes: Int { lastChanges }

    /// PostgreSQL reports new ids through `RETURNING` only.
    public var lastInsertedID: Int64? { nil }

    public func makeStatement(sql: String) throws -> PostgresStatement {
        try PostgresStatement(connection: self, sql: sql)
    }

    public func cachedStatement(sql: String) throws -> PostgresStatement {
        if let statement = cache[sql] {
            statement.reset()
            return statement
        }
        let statement = try makeStatement(sql: sql)
        cache[sql] = statement
        return statement
    }

    public func forEachStatement(in script: String, _ body: (PostgresStatement, Int) throws -> Void) throws {
        for piece in PostgresScript.statements(in: script) {
            try body(
                try PostgresStatement(connection: self, sql: piece.text, offset: piece.offset, once: true), piece.offset
            )
        }
    }

    /// Runs each statement of `script` with the simple protocol: one round trip each, where a
    /// prepared statement takes three.
    public func execute(_ script: String) throws {
        for piece in PostgresScript.statements(in: script) {
            lastChanges = try handle.run(piece.text, offset: piece.offset)
        }
    }

    func recordChanges(_ count: Int) { lastChanges = count }

    // MARK: - Transactions

    /// PostgreSQL has one kind of BEGIN: a write waits for row locks, not for a database lock.
    /// A deferred (reading) transaction is REPEATABLE READ, so all its reads see one snapshot.
    public func transaction<T>(_ mode: TransactionMode, _ body: () throws -> T) throws -> T {
        // PostgreSQL only warns about a BEGIN inside a transaction, and the COMMIT would then end
        // the outer one: refuse, as SQLite does.
        guard isAutocommit else {
            throw DatabaseUsageError("cannot start a transaction within a transaction (use a savepoint)")
        }
        try handle.run(mode == .deferred ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN")
        do {
            let result = try body()
            try handle.run("COMMIT")
            return result
        } catch {
            rollbackQuietly()
            throw error
        }
    }

    /// Outside a transaction a savepoint is a REPEATABLE READ transaction of its own (SQLite's
    /// SAVEPOINT starts one too): the statements inside see one snapshot.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        if isAutocommit { return try transaction(.deferred, body) }
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "catalog_savepoint_\(savepointDepth)"
        try handle.run("SAVEPOINT \(name)")
        do {
            let result = try body()
            try handle.run("RELEASE SAVEPOINT \(name)")
            return result
        } catch {
            _ = try? handle.run("ROLLBACK TO SAVEPOINT \(name)")
            _ = try? handle.run("RELEASE SAVEPOINT \(name)")
            throw error
        }
    }

    public func rollbackQuietly() {
        if !isAutocommit { _ = try? handle.run("ROLLBACK") }
    }

    public func bulkLoad<T>(rows: Int, _ body: () throws -> T) throws -> T { try body() }

    public func deferringIndexes<T>(of table: String, _ body: () throws -> T) throws -> T { try body() }

    /// Every row is a round trip to the server, so many rows go through `COPY` (`copyRows`).
    /// Set it to false to have the seed loader write row by row, as before (to compare the two).
    public var prefersBulkCopy = true
}

extension String {
    /// `/` as `%2F`: a socket folder given as a URL's host.
    fileprivate func replacingSlashes() -> String {
        split(separator: "/", omittingEmptySubsequences: false).joined(separator: "%2F")
    }
}

/// `strings` as a NULL-terminated array of C strings, for `body`.
private func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let copies = strings.map { strdup($0) }
    defer { for copy in copies { free(copy) } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
