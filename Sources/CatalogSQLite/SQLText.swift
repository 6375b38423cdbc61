import CSQLite

/// SQLite's additions to the SQL text helpers: statement completeness as SQLite's own tokenizer
/// sees it, and the C-string forms the statement splitter uses.
extension SQLText {
    /// True when `sql` ends with a complete statement (`sqlite3_complete`): the semicolon is not
    /// inside a string, comment or trigger body. An interactive prompt reads until this holds.
    public static func isComplete(_ sql: String) -> Bool {
        sqlite3_complete(sql) != 0
    }

    /// `skipSpaceAndComments(_:from:)` over the first `length` bytes of a C string.
    static func skipSpaceAndComments(_ bytes: UnsafeBufferPointer<CChar>, from offset: Int, length: Int) -> Int {
        bytes.withMemoryRebound(to: UInt8.self) { skipSpaceAndComments($0.prefix(length), from: offset) }
    }

    /// The text from `offset` to the end, for error context.
    static func statementText(_ bytes: UnsafeBufferPointer<CChar>, from offset: Int, length: Int) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[offset..<length])
        return String(decoding: slice.lazy.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
