/// Bulk loading: what makes a large insert run at the speed of SQLite's B-trees.
extension Connection {
    /// Runs `body` with the secondary indexes of `table` dropped, then recreates them from their
    /// own SQL, all inside the caller's transaction: a failure anywhere rolls the indexes back
    /// with the rows. Building an index once over sorted keys is far cheaper than keeping it up
    /// to date through millions of inserts in random key order.
    ///
    /// Indexes that belong to a constraint (PRIMARY KEY, UNIQUE) have no SQL of their own and
    /// stay in place, so uniqueness is enforced throughout.
    public func deferringIndexes<T>(of table: String, _ body: () throws -> T) throws -> T {
        precondition(!isAutocommit, "deferringIndexes(of:) must run inside a transaction")
        let indexes = try fetchAll(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
            [.text(table)]
        ).compactMap { row -> (name: String, sql: String)? in
            guard let name = row.get(0, as: String.self), let sql = row.get(1, as: String.self) else { return nil }
            return (name, sql)
        }
        for index in indexes { try execute("DROP INDEX \(quoteIdentifier(index.name))") }
        let result = try body()
        for index in indexes { try execute(index.sql) }
        return result
    }

    /// Runs `body` with a page cache of `bulkCacheKiB` when `rows` reaches `bulkThreshold`: a
    /// large load works in far more pages than SQLite's default 2 MB cache holds.
    public func bulkLoad<T>(rows: Int, _ body: () throws -> T) throws -> T {
        guard rows >= Self.bulkThreshold else { return try body() }
        let cache = try pageCacheKiB()
        try setPageCache(kibibytes: Self.bulkCacheKiB)
        defer { try? setPageCache(kibibytes: cache) }
        return try body()
    }

    /// From this many rows a load counts as bulk.
    public static let bulkThreshold = 10_000
    /// The page cache of a bulk load, in KiB (pages are allocated only as they are touched).
    public static let bulkCacheKiB = 512 * 1_024

    /// The page cache of this connection, in KiB (SQLite's negative `cache_size`).
    public func pageCacheKiB() throws -> Int {
        let size = try fetchValue("PRAGMA cache_size", as: Int.self) ?? -2_000
        if size < 0 { return -size }
        let pageSize = try fetchValue("PRAGMA page_size", as: Int.self) ?? 4_096
        return size * pageSize / 1_024
    }

    /// Sets the page cache of this connection to `kibibytes` KiB. Pages are allocated as they
    /// are used, so a large cache costs memory only up to the size of what is touched.
    public func setPageCache(kibibytes: Int) throws {
        try execute("PRAGMA cache_size = -\(max(kibibytes, 1))")
    }
}
