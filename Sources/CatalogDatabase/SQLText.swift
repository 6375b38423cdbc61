/// Byte-level helpers over SQL text: where statements and their first words start.
///
/// This is the one place that skips white space and comments (`--` and `/* */`, which SQLite and
/// PostgreSQL share); the statement splitter, the migration parser (blank sections) and the
/// migration driver (a statement's first keyword) all ask it. CatalogSQLite adds what only
/// SQLite's tokenizer knows (`isComplete`).
public enum SQLText {
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

    /// True for a statement that ends a transaction or starts one (so it would end the one
    /// running): BEGIN, START, COMMIT, END, ABORT, or ROLLBACK but not `ROLLBACK TO`, which only
    /// rewinds a savepoint. A statement's first keyword decides its kind; the words SQLite does
    /// not know (START, ABORT) fail there as syntax errors anyway.
    public static func endsTransaction(_ sql: String) -> Bool {
        let words = leadingWords(sql, count: 3)
        guard let first = words.first else { return false }
        switch first {
        case "BEGIN", "START", "COMMIT", "END", "ABORT": return true
        case "ROLLBACK":
            let rest = words.dropFirst().filter { $0 != "TRANSACTION" && $0 != "WORK" }
            return rest.first != "TO"
        default: return false
        }
    }

    /// The first `count` words of `sql`, uppercased, skipping white space, punctuation and comments.
    public static func leadingWords(_ sql: String, count: Int) -> [String] {
        // A word is ASCII letters, `_` and non-ASCII text, starting with a letter or non-ASCII text.
        func isWordByte(_ byte: UInt8) -> Bool { byte >= 0x80 || byte == 0x5F || isLetter(byte) }
        func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        var words: [String] = []
        var sql = sql
        sql.withUTF8 { bytes in
            var index = 0
            while words.count < count {
                index = skipSpaceAndComments(bytes, from: index)
                guard index < bytes.count else { break }
                guard bytes[index] >= 0x80 || isLetter(bytes[index]) else {
                    index += 1
                    continue
                }
                let start = index
                while index < bytes.count && isWordByte(bytes[index]) { index += 1 }
                words.append(String(decoding: bytes[start..<index], as: UTF8.self).uppercased())
            }
        }
        return words
    }
}
