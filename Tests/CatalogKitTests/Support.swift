import CatalogSQLite
import Foundation
import Testing

@testable import CatalogKit

/// A temporary folder with a `Migrations/` directory and a database path, removed afterwards.
final class Sandbox {
    let root: String
    let migrations: String
    let database: String

    init() throws {
        root = NSTemporaryDirectory() + "catalog-kit-tests-" + UUID().uuidString
        migrations = root + "/Migrations"
        database = root + "/catalog.sqlite3"
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A sandbox holding copies of the project's real migrations.
    static func withRealMigrations() throws -> Sandbox {
        let sandbox = try Sandbox()
        for name in try FileManager.default.contentsOfDirectory(atPath: projectMigrations) where name.hasSuffix(".sql")
        {
            try FileManager.default.copyItem(
                atPath: projectMigrations + "/" + name, toPath: sandbox.migrations + "/" + name)
        }
        return sandbox
    }

    static var projectRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static var projectMigrations: String { projectRoot.appendingPathComponent("Migrations").path }

    /// The names of the project's migrations, in version order.
    static func projectMigrationNames() throws -> [String] {
        try MigrationParser.load(directory: projectMigrations).map(\.name)
    }

    /// Writes `Migrations/<version>_<name>.sql` with the given sections and returns its path.
    @discardableResult
    func write(_ version: String, _ name: String, up: String, down: String, upOptions: String = "") throws -> String {
        let options = upOptions.isEmpty ? "" : " " + upOptions
        return try writeRaw("\(version)_\(name).sql", "-- migrate:up\(options)\n\(up)\n\n-- migrate:down\n\(down)\n")
    }

    @discardableResult
    func writeRaw(_ fileName: String, _ text: String) throws -> String {
        let path = migrations + "/" + fileName
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func remove(_ fileName: String) throws {
        try FileManager.default.removeItem(atPath: migrations + "/" + fileName)
    }

    func migrator(lockTimeout: Double = 5) -> Migrator {
        Migrator(databasePath: database, migrationsDirectory: migrations, lockTimeout: lockTimeout)
    }

    func open() throws -> Connection {
        try Connection(path: database)
    }

    /// Tables, indexes, views and triggers with their SQL, for before/after comparisons.
    func schema() throws -> [Row] {
        try open().fetchAll("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")
    }

    func ledger() throws -> [Row] {
        try open().fetchAll("SELECT version, name, checksum, batch, sequence FROM schema_migrations ORDER BY sequence")
    }

    func states() throws -> [String] {
        try migrator().status().map { "\($0.version):\($0.state.rawValue)" }
    }

    func tables() throws -> [String] {
        try open().fetchAll(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).compactMap { $0.get(0, as: String.self) }
    }
}

/// The error `body` throws, as `E`, or a recorded failure.
func captureError<E: Error>(_ type: E.Type, _ body: () throws -> Void) -> E? {
    do {
        try body()
        Issue.record("expected an error of type \(E.self)")
    } catch let error as E {
        return error
    } catch {
        Issue.record("expected \(E.self), got \(error)")
    }
    return nil
}
