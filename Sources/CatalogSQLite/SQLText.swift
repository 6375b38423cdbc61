import CSQLite

/// Byte-level helpers over SQL text: where statements and their first words start.
///
/// This is the one place that knows how SQLite skips white space and comments; the statement
/// splitter, the migration parser (blank sections) and the migration runner (a statement's first
/// keyword) all ask it.
public enum SQLText {
    /// True when `sql` ends with a complete statement (`sqlite3_complete`): the semicolon is not
    /// inside a string, comment or trigger body. An interactive prompt reads until this holds.
    public static func isComplete(_ sql: String) -> Bool {
        sqlite3_complete(sql) != 0
    }

    /// The offset of the first byte at or after `offset` that is neither white space nor inside a
    /// `--` or `/* */` comment, or `bytes.endIndex`.
    ///
    /// White space is SQLite's: space, tab, line feed, form feed and carriage return. As in
    /// SQLite's tokenizer, a `--` comment ends at a line feed and an unterminated `/*` comment runs
    /// to the end of the text.
    @inlinable
    public static func skipSpaceAndComments<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, from offset: Int)
        -> Int
    where Bytes.Index == Int {
        let end = bytes.endIndex
        var index = offset
        while index < end {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                index += 1
            } else if byte == 0x2D, index + 1 < end, bytes[index + 1] == 0x2D {
                while index < end && bytes[index] != 0x0A { index += 1 }
            } else if byte == 0x2F, index + 1 < end, bytes[index + 1] == 0x2A {
                index += 2
                while index + 1 < end && !(bytes[index] == 0x2A && bytes[index + 1] == 0x2F) { index += 1 }
                index = min(index + 2, end)
            } else {
                break
            }
        }
        return index
    }

    /// True when `sql` holds only white space and comments.
    public static func isBlank(_ sql: String) -> Bool {
        var sql = sql
        return sql.withUTF8 { skipSpaceAndComments($0, from: 0) == $0.count }
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
