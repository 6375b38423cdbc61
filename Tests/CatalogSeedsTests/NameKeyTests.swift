import CatalogKit
import CatalogSQLite
import Foundation
import Testing

@testable import CatalogSeeds

/// The loader's name keys compare as the databases do: bytes, folding ASCII letters only.
@Suite struct NameKeyTests {
    static let composed = "\u{E9}cole"  // école, NFC
    static let decomposed = "e\u{301}cole"  // école, NFD

    @Test func canonicallyEquivalentSpellingsAreTwoNames() {
        #expect(Self.composed == Self.decomposed)  // Swift's String equality says one
        #expect(NameKey(Self.composed) != NameKey(Self.decomposed))
        #expect(Set([NameKey(Self.composed), NameKey(Self.decomposed)]).count == 2)
        #expect(NameKey("PayPal") == NameKey("paypal"))
        #expect(NameKey("PayPal").hashValue == NameKey("paypal").hashValue)
        #expect(NameKey("ÉCOLE") != NameKey("école"))
    }

    @Test func bothSpellingsAreSeededAsTwoCompanies() throws {
        let folder = NSTemporaryDirectory() + "namekey-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{"companies": [{"name": "\#(Self.composed)"}, {"name": "\#(Self.decomposed)"}]}"#
            .write(toFile: folder + "/companies.json", atomically: true, encoding: .utf8)
        let path = folder + "/catalog.sqlite3"
        try Migrator(databasePath: path, migrationsDirectory: Self.migrations).migrate()
        let db = try Connection(path: path, mode: .readWrite)
        _ = try Seeder(directory: folder).seed(db)
        let names = try db.fetchAll("SELECT name FROM companies ORDER BY name").compactMap {
            $0.get(0, as: String.self)
        }
        #expect(names.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }.count == 2)
        #expect(Set(names.map { Array($0.utf8) }) == [Array(Self.composed.utf8), Array(Self.decomposed.utf8)])
    }

    static var migrations: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Migrations").path
    }
}
