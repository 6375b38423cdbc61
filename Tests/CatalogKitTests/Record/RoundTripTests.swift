import CatalogSQLite
import Testing

@testable import CatalogKit

/// Records persist by column name, and each model's writing and reading agree: a sample with a
/// distinct value in every column is inserted, each column is read back by name, and the record
/// is fetched again. A model that writes one property into another column of the same type (the
/// fault a position-matched value list made silent) fails here.
@Suite struct RoundTripTests {
    /// Why `sample` does not survive a trip through its table, or nothing when it does.
    func mismatches<Record: PersistableRecord & FetchableRecord & Equatable>(
        _ sample: Record, _ db: Connection
    ) throws -> [String] {
        var record = sample
        record.id = nil
        try record.insert(db)
        let id = try #require(record.id)
        var row = PersistenceRow()
        record.encode(to: &row)
        var problems: [String] = []
        for column in row.columns {
            let stored = try db.fetchOne(
                "SELECT \(quoteIdentifier(column)) FROM \(quoteIdentifier(Record.databaseTableName)) WHERE id = ?",
                [.integer(id)])?[0]
            if stored != row.value(of: column) {
                problems.append(
                    "\(column) stores \(String(describing: stored)), not \(String(describing: row.value(of: column)))")
            }
        }
        let fetched = try Record.find(id, db)
        if fetched != record { problems.append("reads back as \(String(describing: fetched)), not \(record)") }
        return problems
    }

    @Test func everyModelReadsBackWhatItWrote() throws {
        let db = try migratedDatabase()
        var language = Language(name: "Python")
        try language.insert(db)
        let languageID = try #require(language.id)
        let framework = Framework(
            name: "Django", languageID: languageID, firstReleaseYear: 2005, architecturePattern: "MVT",
            isOpenSource: false, kind: .microframework, description: "Batteries included")
        #expect(try mismatches(Language(name: "Go"), db).isEmpty)
        #expect(try mismatches(Feature(name: "ORM"), db).isEmpty)
        #expect(try mismatches(Company(name: "Instagram"), db).isEmpty)
        #expect(try mismatches(framework, db).isEmpty)
        #expect(try mismatches(Alias<Language>(ownerID: languageID, alias: "CPython"), db).isEmpty)
    }

    /// Framework with `architecture_pattern` and `description`, both optional text, swapped on write.
    struct SwappedFramework: FetchableRecord, PersistableRecord, Equatable {
        var base: Framework
        var id: Int64? {
            get { base.id }
            set { base.id = newValue }
        }
        static let databaseTableName = Framework.databaseTableName
        static let databaseColumns = Framework.databaseColumns
        static let naturalKey = Framework.naturalKey
        init(_ base: Framework) { self.base = base }
        init(row: Row) throws { base = try Framework(row: row) }
        func encode(to row: inout PersistenceRow) {
            base.encode(to: &row)
            row["architecture_pattern"] = base.description
            row["description"] = base.architecturePattern
        }
    }

    @Test func swappingTwoSameTypedColumnsIsCaught() throws {
        let db = try migratedDatabase()
        var language = Language(name: "Python")
        try language.insert(db)
        let framework = Framework(
            name: "Django", languageID: try #require(language.id), architecturePattern: "MVT",
            description: "Batteries included")
        let problems = try mismatches(SwappedFramework(framework), db)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("reads back as") == true)
    }

    /// A model whose `encode(to:)` forgets a column, or names one the table lacks.
    struct Forgetful: FetchableRecord, PersistableRecord {
        var id: Int64?
        var name: String
        static let databaseTableName = "languages"
        static let databaseColumns = ["id", "name"]
        static let naturalKey = ["name"]
        init(row: Row) throws { (id, name) = (try row.decode(0), try row.decode(1)) }
        init(name: String) { self.name = name }
        func encode(to row: inout PersistenceRow) { row["title"] = name }
    }

    @Test func aMisnamedColumnIsRefusedBeforeAnyWrite() throws {
        let db = try migratedDatabase()
        var record = Forgetful(name: "Go")
        #expect(throws: RecordError.columnMismatch(table: "languages", missing: ["name"], unknown: ["title"])) {
            try record.insert(db)
        }
        #expect(try db.fetchValue("SELECT count(*) FROM languages", as: Int.self) == 0)
        #expect(
            RecordError.columnMismatch(table: "languages", missing: ["name"], unknown: ["title"]).description
                == "the languages record sets no value for name and sets unknown columns title")
    }

    @Test func linkTablesAttachDetachAndSyncByID() throws {
        let db = try migratedDatabase()
        var language = Language(name: "Python")
        try language.insert(db)
        var framework = Framework(name: "Django", languageID: try #require(language.id))
        try framework.insert(db)
        var ids: [Int64] = []
        for name in ["A", "B", "C"] {
            var company = Company(name: name)
            try company.insert(db)
            ids.append(try #require(company.id))
        }
        let link = Framework.companies.link
        let frameworkID = try #require(framework.id)
        func linked() throws -> [Int64] {
            var found: [Int64] = []
            try link.forEachLink(db) { left, right in if left == frameworkID { found.append(right) } }
            return found.sorted()
        }
        try link.attach(ids, toID: frameworkID, db)
        try link.attach(ids, toID: frameworkID, db)  // existing links are kept, not duplicated
        #expect(try linked() == ids)
        try link.detach([ids[1]], fromID: frameworkID, db)
        #expect(try linked() == [ids[0], ids[2]])
        try link.sync(frameworkID, to: [ids[1]], db)
        #expect(try linked() == [ids[1]])
        try link.sync(frameworkID, to: [Int64](), db)
        #expect(try linked().isEmpty)
        #expect(link.inverse == LinkTable("framework_companies", leftKey: "company_id", rightKey: "framework_id"))
    }
}
