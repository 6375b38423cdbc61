import CatalogKit
import CatalogPostgres
import Foundation
import Testing

/// The PostgreSQL server the tests use: `CATALOG_TEST_POSTGRES`, a libpq connection string that
/// `scripts/with-postgres.sh` sets for a throwaway server (CI always runs the tests through it).
enum PostgresServer {
    static var connectionString: String? {
        ProcessInfo.processInfo.environment["CATALOG_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var isConfigured: Bool { connectionString != nil }
}

/// A schema of its own on the test server, dropped when the sandbox goes: each test's tables
/// are apart from every other test's.
final class PostgresSandbox {
    let schema: String
    /// The connection string of this schema (the server's, with the schema as search path).
    let url: String
    let db: PostgresConnection
    private let admin: PostgresConnection

    /// The repository's root, for `Migrations/` and `Seeds/`.
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    init() throws {
        let server = try #require(PostgresServer.connectionString)
        schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        url = server + " options='-c search_path=\(schema)'"
        admin = try PostgresConnection(url: server)
        try admin.execute("CREATE SCHEMA \(schema)")
        db = try PostgresConnection(url: url)
    }

    /// Another connection to the same schema.
    func connect() throws -> PostgresConnection {
        try PostgresConnection(url: url)
    }

    /// A login role that may only read this schema's tables (what `catalog setup --reader`
    /// grants), created on first use, and the connection string that connects as it.
    lazy var readerURL: String = {
        let role = "r_" + schema
        try? admin.execute(
            """
            CREATE ROLE \(role) LOGIN;
            GRANT USAGE ON SCHEMA \(schema) TO \(role);
            GRANT SELECT ON ALL TABLES IN SCHEMA \(schema) TO \(role);
            ALTER DEFAULT PRIVILEGES IN SCHEMA \(schema) GRANT SELECT ON TABLES TO \(role)
            """)
        readerRole = role
        return PostgresConnection.url(url, withUser: role)
    }()
    private var readerRole: String?

    /// A migration driver for this schema.
    var driver: PostgresMigrationDriver { PostgresMigrationDriver(url: url) }

    /// This schema migrated with the catalog's PostgreSQL migrations (`Migrations/postgresql/`).
    func migrateCatalog() throws {
        try Migrator(driver: driver, migrations: .directory(Self.projectRoot + "/Migrations/postgresql")).migrate()
    }

    deinit {
        try? admin.execute("DROP SCHEMA \(schema) CASCADE")
        if let readerRole { try? admin.execute("DROP OWNED BY \(readerRole); DROP ROLE \(readerRole)") }
    }
}
