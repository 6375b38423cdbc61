import CatalogDatabase

/// `catalog setup --reader NAME`: a login role that can read the catalog and nothing else, for
/// `catalog sql` (which will not stay read-only as a superuser) and for anyone who only reads.
/// It gets CONNECT on the database, USAGE on the catalog's schema and SELECT on its tables, now
/// and (through default privileges) on the tables later migrations create.
public enum PostgresReader {
    /// What `grant` did.
    public struct Summary: Equatable, Sendable {
        /// The role's name.
        public var name: String
        /// True when the role was created, false when it existed.
        public var created: Bool
        /// The schema whose tables it may read.
        public var schema: String
        /// How many tables it may read.
        public var tables: Int
        /// `url` with the role as its user and no password: how to connect as the reader.
        public var url: String
    }

    /// A reader refused: a name PostgreSQL reserves, a role that exists and is more than a
    /// reader, or no right to create roles.
    public struct Refusal: DatabaseError {
        public var message: String
        public var kind: DatabaseErrorKind { .notAuthorized }
        public var backendCode: String { "catalog" }
        public var sql: String? { nil }
        public var offset: Int? { nil }
        public var description: String { message }
    }

    /// Creates the role `name` (unless it exists) with LOGIN, and grants it reading the catalog
    /// at `url`, in one transaction.
    public static func grant(name: String, url: String) throws -> Summary {
        guard !name.isEmpty, name.utf8.count <= 63 else {
            throw Refusal(message: "a role name is 1 to 63 bytes long; \(quoteIdentifier(name)) is not")
        }
        guard !name.hasPrefix("pg_") else {
            throw Refusal(message: "role names starting with pg_ are reserved by PostgreSQL; choose another name")
        }
        let db = try PostgresConnection(url: url)
        let existing = try db.fetchOne("SELECT rolcanlogin::int FROM pg_roles WHERE rolname = $1", [.text(name)])
        if let existing, existing.get(0, as: Int64.self) != 1 {
            throw Refusal(
                message: "role \(quoteIdentifier(name)) exists and cannot log in (NOLOGIN); choose another name, "
                    + "or give it LOGIN yourself")
        }
        if existing != nil,
            let privileged = try db.fetchOne(
                PostgresScriptSession.privilegedRoleSQL.replacingSessionUser(), [.text(name)])
        {
            let role = privileged.get(1, as: String.self) ?? ""
            let what =
                role == name ? "is a superuser or replication role" : "can act as \(quoteIdentifier(role))"
            throw Refusal(
                message:
                    "role \(quoteIdentifier(name)) exists and \(what), so it would be no reader; choose another name"
            )
        }
        return try db.transaction(.immediate) {
            let place = try db.fetchOne("SELECT current_database()::text, current_schema()::text")
            let database = place?.get(0, as: String.self) ?? ""
            guard let schema = place?.get(1, as: String.self) else {
                throw Refusal(message: "the connection has no schema (search_path names none that exists)")
            }
            let role = quoteIdentifier(name)
            if existing == nil {
                do {
                    try db.execute("CREATE ROLE \(role) LOGIN")
                } catch let error as PostgresError where error.sqlState == "42501" {
                    throw Refusal(
                        message: "the connecting role may not create roles (it lacks CREATEROLE): have an "
                            + "administrator run CREATE ROLE \(role) LOGIN, then run this again")
                }
            }
            try db.execute(
                """
                GRANT CONNECT ON DATABASE \(quoteIdentifier(database)) TO \(role);
                GRANT USAGE ON SCHEMA \(quoteIdentifier(schema)) TO \(role);
                GRANT SELECT ON ALL TABLES IN SCHEMA \(quoteIdentifier(schema)) TO \(role);
                ALTER DEFAULT PRIVILEGES IN SCHEMA \(quoteIdentifier(schema)) GRANT SELECT ON TABLES TO \(role)
                """)
            let tables =
                try db.fetchValue(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = $1", [.text(schema)], as: Int64.self) ?? 0
            return Summary(
                name: name, created: existing == nil, schema: schema, tables: Int(tables),
                url: PostgresConnection.url(url, withUser: name))
        }
    }
}

extension PostgresConnection {
    /// `url` (a `postgres://` URL) with `user` as its user and no password; a keyword string
    /// gets `user=` in place of its own user and password.
    public static func url(_ url: String, withUser user: String) -> String {
        guard let scheme = url.firstRange(of: "://") else {
            let kept = url.split(separator: " ").filter { !$0.hasPrefix("user=") && !$0.hasPrefix("password=") }
            return (kept + ["user=\(user)"]).joined(separator: " ")
        }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let host = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        return String(url[..<scheme.upperBound]) + percentEncoded(user) + "@" + host + rest[authorityEnd...]
    }

    private static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            let unreserved =
                (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "~")
            if unreserved {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    /// The privileged-role query about the role `$1` in place of the session's login role.
    fileprivate func replacingSessionUser() -> String {
        replacing("session_user", with: "$1::name")
    }
}
