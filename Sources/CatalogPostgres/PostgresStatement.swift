import CLibPQ
import CatalogDatabase

#if canImport(Glibc)
    import Glibc
#endif

/// A statement prepared on the server (`PQprepare`, a named prepared statement), run with
/// `PQexecPrepared`. Values travel as text (blobs as binary); results come back whole as text
/// and are read by their column's type: integers, floating point and `numeric` as numbers,
/// `boolean` as 1 and 0 (DatabaseValue has no boolean), `bytea` as a blob, anything else as text.
///
/// A statement that `streams` (a `catalog sql` script's) reads its rows one at a time instead
/// (libpq's single-row mode), so a huge result never sits in memory whole, and refuses a row
/// larger than `maxRowBytes`.
public final class PostgresStatement: PreparedStatement {
    private let handle: PostgresHandle
    private weak var connection: PostgresConnection?
    private let name: String
    public let sql: String
    /// Where the statement starts in the script it came from, for error offsets.
    private let offset: Int
    public let columnNames: [String]
    public let parameterCount: Int
    private var parameters: [DatabaseValue] = []
    private var result: OpaquePointer?
    private var rowIndex = -1
    private var rowCount = 0
    private var types: [UInt32] = []
    /// Rows come one at a time (single-row mode), each at most `maxRowBytes` long.
    var streams = false
    var maxRowBytes = Int.max
    /// Streaming: the query was sent and its results are not all read yet.
    private var streaming = false
    private var sent = false

    /// The unnamed statement's use this statement prepared (`once`), or nil for a named one.
    private var unnamedUse: Int?

    /// Prepares `sql`. A statement run `once` (a script's) is the server's unnamed statement,
    /// which needs no DEALLOCATE round trip afterwards; it is prepared again should another
    /// statement have taken the unnamed slot before it runs.
    init(connection: PostgresConnection, sql: String, offset: Int = 0, once: Bool = false) throws {
        handle = connection.handle
        self.connection = connection
        self.sql = sql
        self.offset = offset
        name = once ? "" : handle.newStatementName()
        unnamedUse = try Self.prepare(sql, as: name, offset: offset, on: handle)
        let described = pq.PQdescribePrepared(handle.conn, name)
        defer { pq.PQclear(described) }
        guard pq.PQresultStatus(described) == PGRES_COMMAND_OK else {
            throw handle.error(described, sql: sql, offset: offset)
        }
        parameterCount = Int(pq.PQnparams(described))
        columnNames = (0..<pq.PQnfields(described)).map { cString(pq.PQfname(described, $0)) }
    }

    /// Prepares `sql` as `name` on the server; returns the unnamed statement's new use count when
    /// `name` is empty (the unnamed statement).
    private static func prepare(_ sql: String, as name: String, offset: Int, on handle: PostgresHandle) throws -> Int? {
        let prepared = pq.PQprepare(handle.conn, name, sql, 0, nil)
        defer { pq.PQclear(prepared) }
        guard pq.PQresultStatus(prepared) == PGRES_COMMAND_OK else {
            throw handle.error(prepared, sql: sql, offset: offset)
        }
        guard name.isEmpty else { return nil }
        handle.unnamedUses += 1
        return handle.unnamedUses
    }

    deinit {
        if let result { pq.PQclear(result) }
        if streaming { stopStreaming() }
        // In a failed transaction this fails; the name then lives until the session ends. A
        // closing session drops its statements itself: no round trip for that.
        if !name.isEmpty && !handle.isClosing { _ = try? handle.run("DEALLOCATE \(name)") }
    }

    public func bind(_ values: [DatabaseValue]) throws {
        guard values.count == parameterCount else {
            throw DatabaseUsageError(
                "the statement has \(parameterCount) parameters but \(values.count) values were given", sql: sql)
        }
        parameters = values
    }

    public func step() throws -> Bool {
        if streams { return try stepStreaming() }
        if result == nil { try run() }
        rowIndex += 1
        return rowIndex < rowCount
    }

    public func reset() {
        if streaming { stopStreaming() }
        if let result { pq.PQclear(result) }
        result = nil
        rowIndex = -1
        rowCount = 0
        sent = false
    }

    /// The next row of a streamed result: each comes as a result of its own, after the last an
    /// empty one with the command's status.
    private func stepStreaming() throws -> Bool {
        if !sent {
            try run()
            sent = true
        }
        if let result {
            pq.PQclear(result)
            self.result = nil
        }
        guard streaming else { return false }
        guard let next = pq.PQgetResult(handle.conn) else {
            streaming = false
            return false
        }
        let status = pq.PQresultStatus(next)
        if status == PGRES_SINGLE_TUPLE {
            if types.isEmpty { types = (0..<pq.PQnfields(next)).map { pq.PQftype(next, $0) } }
            result = next
            rowIndex = 0
            rowCount = 1
            let bytes = (0..<pq.PQnfields(next)).reduce(0) { $0 + Int(pq.PQgetlength(next, 0, $1)) }
            if bytes > maxRowBytes {
                stopStreaming()
                throw PostgresError(
                    sqlState: "54000", message: "a row of \(bytes) bytes is larger than the limit", sql: sql,
                    offset: offset)
            }
            return true
        }
        defer { pq.PQclear(next) }
        if status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK {
            connection?.recordChanges(PostgresHandle.changes(of: next))
            drain()
            return false
        }
        let error = handle.error(next, sql: sql, offset: offset)
        drain()
        throw error
    }

    /// Stops a streamed result part-way: asks the server to cancel, then reads what is left, so
    /// that the connection takes commands again.
    private func stopStreaming() {
        PostgresCanceller(handle: handle).interrupt()
        drain()
    }

    private func drain() {
        while let rest = pq.PQgetResult(handle.conn) { pq.PQclear(rest) }
        streaming = false
    }

    private func run() throws {
        // The values as C strings (allocated here, freed after the call), blobs as bytes.
        var pointers: [UnsafePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        var allocations: [UnsafeMutableRawPointer] = []
        defer { for memory in allocations { free(memory) } }
        for value in parameters {
            var bytes: [UInt8]
            var format: Int32 = 0
            switch value {
            case .null:
                pointers.append(nil)
                lengths.append(0)
                formats.append(0)
                continue
            case .integer(let int): bytes = Array(String(int).utf8)
            case .real(let double): bytes = Array(postgresText(double).utf8)
            case .text(let text): bytes = Array(text.utf8)
            case .blob(let blob):
                bytes = blob
                format = 1
            }
            let memory = malloc(bytes.count + 1)!
            allocations.append(memory)
            bytes.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            memory.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
            pointers.append(UnsafePointer(memory.assumingMemoryBound(to: CChar.self)))
            lengths.append(Int32(bytes.count))
            formats.append(format)
        }
        if let use = unnamedUse, use != handle.unnamedUses {
            unnamedUse = try Self.prepare(sql, as: name, offset: offset, on: handle)
        }
        if streams {
            guard
                pq.PQsendQueryPrepared(handle.conn, name, Int32(parameters.count), pointers, lengths, formats, 0) == 1
            else {
                throw handle.error(nil, sql: sql, offset: offset)
            }
            streaming = true
            _ = pq.PQsetSingleRowMode(handle.conn)
            return
        }
        let executed = pq.PQexecPrepared(handle.conn, name, Int32(parameters.count), pointers, lengths, formats, 0)
        let status = pq.PQresultStatus(executed)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            let error = handle.error(executed, sql: sql, offset: offset)
            pq.PQclear(executed)
            throw error
        }
        result = executed
        rowCount = status == PGRES_TUPLES_OK ? Int(pq.PQntuples(executed)) : 0
        types = (0..<pq.PQnfields(executed)).map { pq.PQftype(executed, $0) }
        connection?.recordChanges(PostgresHandle.changes(of: executed))
    }

    /// Type OIDs (`pg_type`) read as something other than text.
    private enum TypeOID {
        static let boolean: UInt32 = 16
        static let bytea: UInt32 = 17
        static let integers: Set<UInt32> = [20, 21, 23, 26]  // int8, int2, int4, oid
        static let reals: Set<UInt32> = [700, 701, 1700]  // float4, float8, numeric
    }

    public func value(at index: Int) -> DatabaseValue {
        guard let result, rowIndex >= 0, rowIndex < rowCount, index < types.count else { return .null }
        let row = Int32(rowIndex)
        let column = Int32(index)
        if pq.PQgetisnull(result, row, column) == 1 { return .null }
        let text = cString(pq.PQgetvalue(result, row, column))
        let type = types[index]
        if TypeOID.integers.contains(type) { return Int64(text).map { .integer($0) } ?? .text(text) }
        if TypeOID.reals.contains(type) { return Double(text).map { .real($0) } ?? .text(text) }
        if type == TypeOID.boolean { return .integer(text == "t" ? 1 : 0) }
        if type == TypeOID.bytea { return .blob(Self.bytes(fromHex: text)) }
        return .text(text)
    }

    public func int64(at index: Int) -> Int64 {
        if case .integer(let value) = value(at: index) { return value }
        return 0
    }

    public func row() -> Row {
        Row(columns: columnNames, values: (0..<columnNames.count).map { value(at: $0) })
    }

    /// The bytes of `bytea`'s hex output (`\x0102ff`).
    static func bytes(fromHex text: String) -> [UInt8] {
        let digits = Array(text.utf8.dropFirst(2))
        func nibble(_ byte: UInt8) -> UInt8 {
            switch byte {
            case 0x30...0x39: return byte - 0x30
            case 0x61...0x66: return byte - 0x61 + 10
            case 0x41...0x46: return byte - 0x41 + 10
            default: return 0
            }
        }
        return stride(from: 0, to: digits.count - 1, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
    }
}
