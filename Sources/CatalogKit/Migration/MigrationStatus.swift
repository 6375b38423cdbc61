/// Where one migration stands: the union of the files and the ledger.
public struct MigrationStatus: Sendable, Hashable {
    public enum State: String, Sendable, CaseIterable {
        /// In the ledger, file unchanged.
        case applied
        /// A file not yet in the ledger.
        case pending
        /// In the ledger, file gone.
        case missing
        /// In the ledger, file edited since (checksum differs).
        case changed
    }

    public var version: String
    public var name: String
    public var state: State
    /// The file, unless the state is `missing`.
    public var migration: Migration?
    /// The ledger row, unless the state is `pending`.
    public var record: LedgerRecord?

    /// The union of `migrations` and `records`, sorted by version.
    static func compute(migrations: [Migration], records: [LedgerRecord]) -> [MigrationStatus] {
        var byVersion: [String: LedgerRecord] = [:]
        for record in records { byVersion[record.version] = record }
        var statuses: [MigrationStatus] = migrations.map { migration in
            guard let record = byVersion.removeValue(forKey: migration.version) else {
                return MigrationStatus(
                    version: migration.version, name: migration.name, state: .pending, migration: migration,
                    record: nil)
            }
            let state: State = record.checksum == migration.checksum ? .applied : .changed
            return MigrationStatus(
                version: migration.version, name: migration.name, state: state, migration: migration, record: record)
        }
        for record in byVersion.values {
            statuses.append(
                MigrationStatus(
                    version: record.version, name: record.name, state: .missing, migration: nil, record: record))
        }
        return statuses.sorted { $0.version < $1.version }
    }
}
