import CatalogKit
import CatalogSQLite
import Foundation
import Testing

@testable import CatalogSeeds

/// Seed locations are CatalogKit's, not swift-testing's source locations.
typealias SourceLocation = CatalogKit.SourceLocation

/// A temporary folder with the project's migrations, a copy of its seeds, and a database path.
final class SeedSandbox {
    let root: String
    let seeds: String
    let database: String

    init(copySeeds: Bool = true, migrate: Bool = true) throws {
        root = NSTemporaryDirectory() + "catalog-seed-tests-" + UUID().uuidString
        seeds = root + "/Seeds"
        database = root + "/catalog.sqlite3"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        if copySeeds {
            try FileManager.default.copyItem(atPath: Self.projectRoot + "/Seeds", toPath: seeds)
        } else {
            try FileManager.default.createDirectory(atPath: seeds, withIntermediateDirectories: true)
        }
        if migrate { try setup.migrator.migrate() }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    static var projectRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    var setup: CatalogSetup {
        CatalogSetup(
            databasePath: database, migrationsDirectory: Self.projectRoot + "/Migrations", seedsDirectory: seeds,
            lockTimeout: 5)
    }

    @discardableResult
    func seed(prune: Bool = false, dryRun: Bool = false) throws -> SeedSummary {
        try setup.seed(options: Seeder.Options(prune: prune, dryRun: dryRun))
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: seeds + "/" + name, atomically: true, encoding: .utf8)
    }

    func writeBytes(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: seeds + "/" + name))
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: seeds + "/" + name, encoding: .utf8) }

    func remove(_ name: String) throws { try FileManager.default.removeItem(atPath: seeds + "/" + name) }

    func open() throws -> Connection { try Connection(path: database) }

    /// Every row of every table, in a fixed order: equal dumps mean equal databases.
    func dump() throws -> String {
        let db = try open()
        var out = ""
        let tables = try db.fetchAll("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .compactMap { $0.get(0, as: String.self) }
        for table in tables where table != "schema_migrations" {
            out += "-- \(table)\n"
            for row in try db.fetchAll("SELECT * FROM \(quoteIdentifier(table)) ORDER BY 1, 2") {
                out += row.values.map { "\($0)" }.joined(separator: "|") + "\n"
            }
        }
        return out
    }

    /// The issues a seed run reports (recording a failure when it succeeds).
    func issues() -> [String] {
        do {
            try seed()
            Issue.record("expected seed to fail")
        } catch let error as SeedValidationError {
            return error.issues.map(\.description)
        } catch {
            Issue.record("unexpected \(error)")
        }
        return []
    }
}
