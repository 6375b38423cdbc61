import CatalogKit
import CatalogSQLite
import Testing

/// The README's library example, compiled with nothing but `import CatalogKit`.
@Suite struct ReadmeExampleTests {
    @Test func readmeExampleRuns() throws {
        let db = try Connection.inMemory()
        try Migrator.migrate(db, with: try MigrationParser.load(directory: Sandbox.projectMigrations))
        _ = try Fixture(db)
        let company = try #require(try Company.filter(Column("name").equalsIgnoringCase("pinterest")).fetchOne(db))
        let frameworks = try Company.frameworks.query(for: company).fetchAll(db)
        let languages = try Framework.language.load(for: frameworks, db)
        let features = try Framework.features.load(for: frameworks, db)
        #expect(frameworks.map(\.name) == ["Django", "Flask"])
        #expect(languages.values.map(\.name) == ["Python"])
        #expect(features.count == 2)
    }
}
