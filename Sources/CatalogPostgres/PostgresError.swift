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

    public init(sqlState: String, message: String, sql: String? = nil, offset: Int? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.sql = sql
        self.offset = offset
    }

    public var backendCode: String { "SQLSTATE \(sqlState)" }

    public var description: String { "\(message) (\(backendCode))" }

    /// The backend-neutral kind of the SQLSTATE (PostgreSQL's appendix A).
    public var kind: DatabaseErrorKind {
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
