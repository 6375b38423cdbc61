import CatalogSQLite
import Foundation
import Testing

@testable import CatalogKit

/// A migration cannot corrupt the schema: writes to `sqlite_schema` are refused (defensive mode on
/// the migrator's connection), the migration rolls back naming its file and line, and the catalog
/// stays readable and migratable.
@Suite struct SchemaCorruptionTests {
    static let attacks = [
        "PRAGMA writable_schema = ON;\nUPDATE sqlite_schema SET sql = 'CREATE TABLE companies (garbage' WHERE name = 'companies';",
        "PRAGMA writable_schema = ON;\nDELETE FROM sqlite_schema WHERE name = 'companies';",
        "PRAGMA writable_schema = 1;\nUPDATE sqlite_master SET sql = 'x' WHERE type = 'index';",
    ]

    @Test(arguments: attacks)
    func aMigrationWritingTheSchemaTableRollsBack(_ attack: String) throws {
        let sandbox = try Sandbox.withRealMigrations()
        try sandbox.migrator().migrate()
        let before = try sandbox.schema()
        let path = try sandbox.write("20990101000000", "corrupt", up: attack, down: "")
        #expect {
            try sandbox.migrator().migrate()
        } throws: { error in
            guard case .statementFailed(let file, let line, _, _, let rolledBack) = error as? MigrationError else {
                return false
            }
            return file == path && line == 3 && rolledBack
        }
        #expect(try sandbox.schema() == before)
        let db = try sandbox.open()
        #expect(try db.fetchValue("PRAGMA integrity_check", as: String.self) == "ok")
        #expect(try Company.all().fetchAll(db).isEmpty)
        // The catalog still rolls back and migrates.
        try FileManager.default.removeItem(atPath: path)
        try sandbox.migrator().rollback(.steps(1))
        try sandbox.migrator().migrate()
        #expect(try sandbox.schema() == before)
    }

    @Test func writeSessionsRefuseTheSchemaTableToo() throws {
        let sandbox = try Sandbox.withRealMigrations()
        try sandbox.migrator().migrate()
        let before = try sandbox.schema()
        for attack in Self.attacks {
            #expect(throws: SQLSession.Failure.self) {
                try SQLSession(path: sandbox.database, write: true).run(attack) { _ in }
            }
        }
        #expect(try sandbox.schema() == before)
    }
}
