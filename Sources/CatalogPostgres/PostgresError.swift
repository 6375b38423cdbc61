import CatalogDatabase

/// An error reported by PostgreSQL or libpq: the SQLSTATE, the server's primary message, and
/// the statement and the byte offset the server blames. Messages never hold a password: a
/// connection's password is removed from any text libpq returns.
public struct PostgresError: DatabaseError {
    /// The five-character SQLSTATE (`23505`), or `08006` for a connection libpq could not make.
    public var sqlState: String
    public var message: String
    public var sql: String?
    public var offset: Int?
    /// True when the connection broke in the middle of a session (`connectionLost(sql:)`).
    public var isConnectionLost = false

    public init(sqlState: String, message: String, sql: String? = nil, offset: Int? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.sql = sql
        self.offset = offset
    }

    /// True for libpq's own words for a connection that broke (its errors carry no SQLSTATE):
    /// a write can fail on a closed socket before libpq marks the connection bad.
    static func isLostConnection(_ libpqMessage: String) -> Bool {
        [
            "server closed the connection unexpectedly", "no connection to the server", "could not send data to server",
            "could not receive data from server", "connection to server was lost", "SSL SYSCALL error",
            "terminating connection",
        ].contains { libpqMessage.contains($0) }
    }

    /// The error of a statement whose connection broke: the server restarted (an immediate
    /// restart kills every session without a word), shut down or ended the session. libpq's own
    /// text is three lines ("server closed the connection unexpectedly / This probably means the
    /// server terminated abnormally / before or while processing the request."); this is one line
    /// saying what happened to the work and what to do. The server rolls back a transaction whose
    /// session is gone, so nothing uncommitted was written.
    static func connectionLost(sql: String?) -> PostgresError {
        var error = PostgresError(
            sqlState: "08006",
            message: "lost the connection to the server (it restarted, shut down or ended this session); "
                + "the server rolled back what was not committed: run the command again once it accepts connections",
            sql: sql)
        error.isConnectionLost = true
        return error
    }

    public var backendCode: String { "SQLSTATE \(sqlState)" }

    /// The error of a connection libpq could not make, from its message (libpq gives no SQLSTATE
    /// before a session exists): the usual causes get a SQLSTATE and a hint saying what to do.
    /// The server words its FATAL messages in its `lc_messages`; in another language than
    /// English the message is kept as it is, with SQLSTATE 08006.
    static func connectionFailure(_ text: String) -> PostgresError {
        // "connection to server on socket "/run/.s.PGSQL.5432" failed: FATAL:  database "x" does not exist"
        var message = text.replacingFirst("FATAL:  ", with: "")
        let state: String
        let hint: String
        if message.contains("database \""), message.hasSuffix("does not exist") {
            state = "3D000"
            hint = "create it (catalog migrate creates a missing database; or createdb), or fix the URL's database name"
        } else if message.contains("password authentication failed") || message.contains("no password supplied")
            || message.contains("authentication failed")
        {
            state = "28P01"
            hint = "check the user and password (in the URL, PGPASSWORD or ~/.pgpass)"
        } else if message.contains("role \""), message.hasSuffix("does not exist") {
            state = "28000"
            hint = "connect as a role the server has (the URL's user, or PGUSER)"
        } else if message.contains("no pg_hba.conf entry") {
            state = "28000"
            hint = "the server's pg_hba.conf does not let this user connect from here; ask its administrator"
        } else if message.contains("the database system is") {
            // starting up, shutting down, in recovery mode, not yet accepting connections
            state = "57P03"
            hint = "the server is starting or stopping; run the command again once it accepts connections"
        } else if message.contains("Connection refused") || message.contains("No such file or directory")
            || message.contains("could not translate host name") || message.contains("timeout expired")
            || message.contains("Network is unreachable")
        {
            state = "08001"
            hint = "is the server running there? check the URL's host and port (or PGHOST, PGPORT)"
        } else {
            return PostgresError(sqlState: "08006", message: message)
        }
        message += "; " + hint
        return PostgresError(sqlState: state, message: message)
    }

    public var description: String { "\(message) (\(backendCode))" }

    /// The backend-neutral kind of the SQLSTATE (PostgreSQL's appendix A).
    public var kind: DatabaseErrorKind {
        if isConnectionLost { return .connectionLost }
        switch sqlState {
        case "25006": return .readOnly  // read_only_sql_transaction
        case "57014": return .interrupted  // query_canceled: statement_timeout or a cancel
        case "40001", "40P01", "55P03": return .busy  // serialization, deadlock, lock_not_available
        case "53100": return .full  // disk_full
        case "53200": return .outOfMemory
        case "54000", "54001": return .tooBig  // program_limit_exceeded, statement_too_complex
        case "XX001", "XX002": return .corrupt  // data_corrupted, index_corrupted
        case "3D000": return .cannotOpen  // invalid_catalog_name: no such database
        default: break
        }
        switch sqlState.prefix(2) {
        case "23": return .constraint
        case "08": return .cannotOpen
        case "28": return .notAuthorized  // invalid authorization
        case "42" where sqlState == "42501": return .notAuthorized  // insufficient_privilege
        case "42", "22", "0A", "26", "34": return .sql
        case "58": return .io
        default: return .other
        }
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }
}
