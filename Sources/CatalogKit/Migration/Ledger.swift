import CatalogDatabase

/// The migrations ledger (`schema_migrations`): which migrations are applied, when, in what
/// order. The driver spells its SQL; this checks what it finds.
enum Ledger {
    static let columns = ["version", "name", "checksum", "batch", "sequence", "applied_at", "duration_ms"]

    /// Checks that the database is one catalog may change: empty, or holding our ledger.
    static func verify(_ db: any DatabaseConnection, _ driver: any MigrationDriver) throws {
        if try driver.ledgerExists(db) {
            let present = Set(try driver.ledgerColumns(db))
            let missing = columns.filter { !present.contains($0) }
            if !missing.isEmpty {
                throw MigrationError.unexpectedLedger(path: driver.location, missingColumns: missing)
            }
        } else {
            let tables = try driver.tableNames(db)
            if !tables.isEmpty { throw MigrationError.notACatalogDatabase(path: driver.location, tables: tables) }
        }
    }

    /// All records, in the order they were applied; none when there is no ledger yet.
    static func records(_ db: any DatabaseConnection, _ driver: any MigrationDriver) throws -> [LedgerRecord] {
        guard try driver.ledgerExists(db) else { return [] }
        return try driver.ledgerRecords(db)
    }

    /// The batch number for the next run: one more than the largest recorded.
    static func nextBatch(_ records: [LedgerRecord]) -> Int {
        (records.map(\.batch).max() ?? 0) + 1
    }
}
