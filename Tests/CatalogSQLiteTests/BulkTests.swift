import Testing

@testable import CatalogSQLite

@Suite struct BulkTests {
    static func makeLinks(_ db: Connection) throws {
        try db.execute(
            """
            CREATE TABLE links (a INTEGER NOT NULL, b INTEGER NOT NULL, note TEXT UNIQUE, PRIMARY KEY (a, b)) WITHOUT ROWID;
            CREATE INDEX links_b ON links (b, a);
            CREATE INDEX "odd ""name"" index" ON links (note) WHERE note IS NOT NULL;
            """)
    }

    static func indexes(_ db: Connection) throws -> [String] {
        try db.fetchAll("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'links' ORDER BY name")
            .map { "\($0.get(0, as: String.self) ?? "")|\($0.get(1, as: String.self) ?? "NULL")" }
    }

    @Test func secondaryIndexesAreDroppedForTheBodyAndRebuiltFromTheirOwnSQL() throws {
        let db = try Connection.inMemory()
        try Self.makeLinks(db)
        let before = try Self.indexes(db)
        #expect(before.filter { !$0.hasSuffix("|NULL") }.count == 2)  // the UNIQUE constraint's index has no SQL
        try db.transaction {
            try db.deferringIndexes(of: "links") {
                // Only the constraint's index is left while the rows go in.
                #expect(try Self.indexes(db) == before.filter { $0.hasSuffix("|NULL") })
                for value in (0..<1_000).reversed() {
                    try db.execute(
                        "INSERT INTO links (a, b) VALUES (?, ?)", [.integer(Int64(value % 7)), .integer(Int64(value))])
                }
            }
        }
        #expect(try Self.indexes(db) == before)
        #expect(try db.fetchValue("PRAGMA integrity_check", as: String.self) == "ok")
        // The rebuilt index answers queries.
        let plan = try db.fetchAll("EXPLAIN QUERY PLAN SELECT a FROM links WHERE b = 5").map { "\($0[3])" }
        #expect(plan.joined().contains("links_b"))
    }

    @Test func aFailureInsideRollsTheDroppedIndexesBackWithTheRows() throws {
        let db = try Connection.inMemory()
        try Self.makeLinks(db)
        try db.execute("INSERT INTO links (a, b, note) VALUES (1, 1, 'x')")
        let before = try Self.indexes(db)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.transaction {
                try db.deferringIndexes(of: "links") {
                    try db.execute("INSERT INTO links (a, b) VALUES (2, 2)")
                    throw Stop()
                }
            }
        }
        #expect(try Self.indexes(db) == before)
        #expect(try db.fetchValue("SELECT count(*) FROM links", as: Int.self) == 1)
        // A UNIQUE constraint still holds while the other indexes are away.
        #expect(throws: SQLiteError.self) {
            try db.transaction {
                try db.deferringIndexes(of: "links") {
                    try db.execute("INSERT INTO links (a, b, note) VALUES (3, 3, 'x')")
                }
            }
        }
        #expect(try Self.indexes(db) == before)
    }

    @Test func thePageCacheIsReadAndSetInKibibytes() throws {
        let db = try Connection.inMemory()
        try db.setPageCache(kibibytes: 65_536)
        #expect(try db.pageCacheKiB() == 65_536)
        try db.execute("PRAGMA cache_size = 100")  // pages, not KiB
        let pageSize = try #require(try db.fetchValue("PRAGMA page_size", as: Int.self))
        #expect(try db.pageCacheKiB() == 100 * pageSize / 1_024)
    }
}
