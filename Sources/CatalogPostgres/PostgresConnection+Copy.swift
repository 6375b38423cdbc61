import CLibPQ
import CatalogDatabase

/// Bulk writes: `COPY ... FROM STDIN` and ids reserved from a table's identity sequence.
extension PostgresConnection {
    /// How many bytes of rows are sent to the server at a time.
    static let copyChunkSize = 256 * 1_024

    /// Streams the rows to the server with `COPY ... FROM STDIN` in text format
    /// (`PostgresCopyText`), 256 KiB at a time (`PQputCopyData`), then ends the copy
    /// (`PQputCopyEnd`) and reads every result (`PQgetResult`) until there is none, whatever
    /// happened: the connection never stays in the middle of a COPY.
    ///
    /// ```sql
    /// COPY "companies" ("id", "name") FROM STDIN
    /// ```
    ///
    /// The server's error (a unique violation is SQLSTATE 23505, a constraint error) is thrown as
    /// a `PostgresError`; an error thrown by `row` makes the copy fail on the server too and is
    /// rethrown as it is. See https://www.postgresql.org/docs/current/libpq-copy.html.
    public func copyRows(
        into table: String, columns: [String], count: Int,
        _ row: (_ index: Int, _ values: inout [DatabaseValue]) throws -> Void
    ) throws {
        guard count > 0 else { return }
        let conn = handle.conn
        let sql = "COPY \(quoteIdentifier(table)) (\(columns.map(quoteIdentifier).joined(separator: ", "))) FROM STDIN"
        let started = pq.PQexec(conn, sql)
        guard pq.PQresultStatus(started) == PGRES_COPY_IN else {
            let error = handle.error(started, sql: sql)
            pq.PQclear(started)
            throw error
        }
        pq.PQclear(started)

        var rowFailure: (any Error)?
        var sendFailure: PostgresError?
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.copyChunkSize + 16 * 1_024)
        var values = [DatabaseValue](repeating: .null, count: columns.count)
        do {
            for index in 0..<count {
                try row(index, &values)
                guard values.count == columns.count else {
                    throw DatabaseUsageError(
                        "row \(index) has \(values.count) values for \(columns.count) columns", sql: sql)
                }
                PostgresCopyText.appendRow(values, to: &buffer)
                if buffer.count >= Self.copyChunkSize { try sendCopyData(&buffer) }
            }
            try sendCopyData(&buffer)
        } catch let error as PostgresError {
            sendFailure = error
        } catch {
            rowFailure = error
        }

        // A non-NULL message makes the server fail the COPY (SQLSTATE 57014) and keep nothing.
        let abort = rowFailure == nil && sendFailure == nil ? nil : "catalog stopped the copy"
        var ended = pq.PQputCopyEnd(conn, abort) == 1
        var serverError: PostgresError?
        var changed = 0
        results: while let result = pq.PQgetResult(conn) {
            defer { pq.PQclear(result) }
            switch pq.PQresultStatus(result) {
            case PGRES_COMMAND_OK:
                changed = Int(cString(pq.PQcmdTuples(result))) ?? 0
            case PGRES_COPY_IN:
                // The end did not get through; try once more, and give up on a connection that
                // cannot take it (its next result is then an error, not another COPY_IN).
                if pq.PQputCopyEnd(conn, "catalog stopped the copy") != 1 { break results }
                ended = true
            default:
                if serverError == nil { serverError = handle.error(result, sql: sql) }
            }
        }
        if let rowFailure { throw rowFailure }
        // The server's error explains a failed send (it stopped reading after a bad row).
        if let error = serverError ?? sendFailure { throw error }
        guard ended else { throw connectionError(sql: sql) }
        recordChanges(changed)
    }

    /// Sends `buffer` as COPY data and empties it.
    private func sendCopyData(_ buffer: inout [UInt8]) throws {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { pq.PQputCopyData(handle.conn, $0.baseAddress, Int32($0.count)) }
        }
        buffer.removeAll(keepingCapacity: true)
        guard sent == 1 else { throw connectionError(sql: nil) }
    }

    /// The connection's last libpq message as an error.
    private func connectionError(sql: String?) -> PostgresError {
        let message = PostgresHandle.firstLine(cString(pq.PQerrorMessage(handle.conn)))
        if pq.PQstatus(handle.conn) == CONNECTION_BAD || PostgresError.isLostConnection(message) {
            return PostgresError.connectionLost(sql: sql)
        }
        return PostgresError(sqlState: "08006", message: handle.redacted(message), sql: sql)
    }

    /// `count` values of the identity sequence of `table`'s `id`: the sequence is looked up once,
    /// then one statement takes them all (`pg_get_serial_sequence` inside it would run per row, 10
    /// times slower). Explicit ids are allowed because the catalog's ids are
    /// `GENERATED BY DEFAULT AS IDENTITY`. Values taken from a sequence are not given back on
    /// rollback, as with any insert.
    ///
    /// ```sql
    /// SELECT CAST(CAST(pg_get_serial_sequence($1, 'id') AS regclass) AS oid)
    /// SELECT nextval(CAST(CAST($1 AS oid) AS regclass)) FROM generate_series(1, $2)
    /// ```
    public func reserveIDs(_ count: Int, in table: String) throws -> [Int64] {
        guard count > 0 else { return [] }
        // The table name is parsed as SQL (it may carry a schema), so it goes quoted.
        let lookup = "SELECT CAST(CAST(pg_get_serial_sequence($1, 'id') AS regclass) AS oid)"
        guard let sequence = try fetchValue(lookup, [.text(quoteIdentifier(table))], as: Int64.self) else {
            throw DatabaseUsageError("\(table).id has no identity sequence to take ids from", sql: lookup)
        }
        var ids: [Int64] = []
        ids.reserveCapacity(count)
        let sql = "SELECT nextval(CAST(CAST($1 AS oid) AS regclass)) FROM generate_series(1, $2)"
        try cachedStatement(sql: sql).forEachRow([.integer(sequence), .integer(Int64(count))]) { row in
            ids.append(row.int64(at: 0))
        }
        // Another session's nextval may interleave, never repeat: ascending is only a sort away.
        ids.sort()
        return ids
    }
}
