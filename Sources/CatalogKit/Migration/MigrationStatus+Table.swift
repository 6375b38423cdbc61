import CatalogDatabase

extension MigrationStatus {
    /// Statuses as rows: version, name, state, batch, applied_at.
    public static func table(_ statuses: [MigrationStatus]) -> ResultTable {
        ResultTable(
            columns: ["version", "name", "state", "batch", "applied_at"],
            rows: statuses.map { status in
                [
                    .text(status.version), .text(status.name), .text(status.state.rawValue),
                    status.record.map { .integer(Int64($0.batch)) } ?? .null,
                    status.record.map { .text($0.appliedAt) } ?? .null,
                ]
            })
    }
}
