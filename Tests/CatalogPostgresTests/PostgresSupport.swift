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
    let db: PostgresConnection
    private let admin: PostgresConnection

    init() throws {
        let server = try #require(PostgresServer.connectionString)
        schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        admin = try PostgresConnection(url: server)
        try admin.execute("CREATE SCHEMA \(schema)")
        db = try PostgresConnection(url: server + " options='-c search_path=\(schema)'")
    }

    /// Another connection to the same schema.
    func connect() throws -> PostgresConnection {
        try PostgresConnection(
            url: try #require(PostgresServer.connectionString) + " options='-c search_path=\(schema)'")
    }

    deinit {
        try? admin.execute("DROP SCHEMA \(schema) CASCADE")
    }
}
