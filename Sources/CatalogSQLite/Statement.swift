import CSQLite

/// A prepared statement: bind values, step through rows, read columns by index.
///
/// Not `Sendable`: a statement belongs to its connection's thread of use.
/// See <https://sqlite.org/c3ref/stmt.html>.
public final class Statement: PreparedStatement {
    let handle: OpaquePointer
    /// The SQL text of this statement alone.
    public let sql: String
    /// Column names, read once at preparation.
    public let columnNames: [String]
    /// The connection's busy handler state, to say how long a `SQLITE_BUSY` waited (no
    /// reference to the connection itself).
    private let busyWait: BusyWait?

    /// A statement may outlive its `Connection` object: `sqlite3_close_v2` keeps the database
    /// open until the last statement is finalized, and errors read it through `sqlite3_db_handle`.
    init(handle: OpaquePointer, busyWait: BusyWait? = nil) {
        self.handle = handle
        self.busyWait = busyWait
        self.sql = sqlite3_sql(handle).map { String(cString: $0) } ?? ""
        let count = Int(sqlite3_column_count(handle))
        self.columnNames = (0..<count).map { index in
            sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? ""
        }
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// The number of result columns (0 for statements that return no rows).
    public var columnCount: Int { columnNames.count }

    /// The number of `?`, `?NNN`, `:name`, `@name` and `$name` parameters.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// True when the statement does not write to the database file directly
    /// (`sqlite3_stmt_readonly`).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    // MARK: - Binding

    /// Binds `value` to the 1-based parameter `index`.
    public func bind(_ value: some DatabaseValueConvertible, at index: Int) throws {
        let position = Int32(index)
        let code: Int32
        switch value.databaseValue {
        case .null:
            code = sqlite3_bind_null(handle, position)
        case .integer(let int):
            code = sqlite3_bind_int64(handle, position, int)
        case .real(let double):
            code = sqlite3_bind_double(handle, position, double)
        case .text(let text):
            code = text.utf8CString.withUnsafeBufferPointer { buffer in
                sqlite3_bind_text64(
                    handle, position, buffer.baseAddress, UInt64(buffer.count - 1), catalog_sqlite3_transient(),
                    UInt8(SQLITE_UTF8))
            }
        case .blob(let bytes):
            code = bytes.withUnsafeBytes { raw in
                // A zero-length blob must not be bound as NULL: pass a valid empty pointer.
                sqlite3_bind_blob64(
                    handle, position, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(raw.count),
                    catalog_sqlite3_transient())
            }
        }
        try check(code)
    }

    /// Binds `value` to the parameter called `name` (with its prefix: `:id`, `@id` or `$id`).
    public func bind(_ value: some DatabaseValueConvertible, named name: String) throws {
        let index = sqlite3_bind_parameter_index(handle, name)
        guard index > 0 else {
            throw SQLiteError(code: .range, message: "no parameter named \(name)", sql: sql)
        }
        try bind(value, at: Int(index))
    }

    /// Binds `values` to parameters 1...n, in order. The count must match.
    public func bind(_ values: [DatabaseValue]) throws {
        guard values.count == parameterCount else {
            throw SQLiteError(
                code: .range,
                message: "statement has \(parameterCount) parameters but \(values.count) values were given",
                sql: sql)
        }
        for (offset, value) in values.enumerated() {
            try bind(value, at: offset + 1)
        }
    }

    /// Sets every parameter back to NULL.
    public func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    // MARK: - Stepping

    /// Advances to the next row: true when a row is ready, false when the statement is done.
    ///
    /// This is the only call to `sqlite3_step` in the project.
    @discardableResult
    public func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            var error = SQLiteError(db: sqlite3_db_handle(handle), code: code, sql: sql)
            if ResultCode.busy ~= error.code { error.lockWait = busyWait?.takeExpiredWait() }
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Rewinds the statement so it can run again; bindings are kept.
    public func reset() {
        // sqlite3_reset repeats the last step's error code; that error was thrown by step().
        sqlite3_reset(handle)
    }

    // MARK: - Columns

    /// The value of column `index` in the current row.
    public func value(at index: Int) -> DatabaseValue {
        let column = Int32(index)
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            return .text(text(at: index))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default:
            return .null
        }
    }

    /// Column `index` of the current row as text (SQLite's own conversion applies).
    public func text(at index: Int) -> String {
        let column = Int32(index)
        guard let pointer = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// Column `index` of the current row as a 64-bit integer (SQLite's own conversion applies).
    public func int64(at index: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(index))
    }

    /// True when column `index` of the current row is NULL.
    public func isNull(at index: Int) -> Bool {
        sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    /// The current row, copied out.
    public func row() -> Row {
        Row(columns: columnNames, values: (0..<columnCount).map { value(at: $0) })
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else {
            throw SQLiteError(db: sqlite3_db_handle(handle), code: code, sql: sql)
        }
    }
}
