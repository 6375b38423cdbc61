import CSQLite

/// Byte-level helpers over SQL text, used to report where a statement starts.
public enum SQLText {
    /// True when `sql` ends with a complete statement (`sqlite3_complete`): the semicolon is not
    /// inside a string, comment or trigger body. An interactive prompt reads until this holds.
    public static func isComplete(_ sql: String) -> Bool {
        sqlite3_complete(sql) != 0
    }

    /// The offset of the first byte at or after `offset` that is not white space or inside a
    /// `--` or `/* */` comment.
    static func skipSpaceAndComments(_ bytes: UnsafeBufferPointer<CChar>, from offset: Int, length: Int) -> Int {
        var index = offset
        while index < length {
            let byte = UInt8(bitPattern: bytes[index])
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                index += 1
            } else if byte == 0x2D, index + 1 < length, bytes[index + 1] == 0x2D {
                while index < length && bytes[index] != 0x0A { index += 1 }
            } else if byte == 0x2F, index + 1 < length, bytes[index + 1] == 0x2A {
                index += 2
                while index + 1 < length && !(bytes[index] == 0x2A && bytes[index + 1] == 0x2F) { index += 1 }
                index = min(index + 2, length)
            } else {
                break
            }
        }
        return index
    }

    /// The text from `offset` to the end, for error context.
    static func statementText(_ bytes: UnsafeBufferPointer<CChar>, from offset: Int, length: Int) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[offset..<length])
        return String(decoding: slice.lazy.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The first `count` words of `sql`, uppercased, skipping white space, punctuation and comments.
    public static func leadingWords(_ sql: String, count: Int) -> [String] {
        var words: [String] = []
        var rest = Substring(sql)
        while words.count < count, !rest.isEmpty {
            if rest.hasPrefix("--") {
                rest = rest.drop(while: { $0 != "\n" })
            } else if rest.hasPrefix("/*") {
                guard let end = rest.firstRange(of: "*/") else { break }
                rest = rest[end.upperBound...]
            } else if let first = rest.first, first.isLetter {
                let word = rest.prefix(while: { $0.isLetter || $0 == "_" })
                words.append(word.uppercased())
                rest = rest.dropFirst(word.count)
            } else {
                rest = rest.dropFirst()
            }
        }
        return words
    }
}
