import CSQLite

/// SQLite's additions to the SQL text helpers: statement completeness as SQLite's own tokenizer
/// sees it, and the C-string forms the statement splitter uses.
extension SQLText {
    /// True when `sql` ends with a complete statement (`sqlite3_complete`): the semicolon is not
    /// inside a string, comment or trigger body. An interactive prompt reads until this holds.
    public static func isComplete(_ sql: String) -> Bool {
        sqlite3_complete(sql) != 0
    }

    /// How many statements `script` holds as SQLite runs them, blank ones left out: a `;` outside
    /// quotes, brackets and comments ends one when `sqlite3_complete` says the text up to it is
    /// complete (not inside a trigger's body). Linear in the script for statements of ordinary
    /// length: each check reads one statement's text.
    public static func statementCount(_ script: String) -> Int {
        let bytes = Array(script.utf8)
        var count = 0
        var start = 0
        var index = 0
        func piece(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        while index < bytes.count {
            switch bytes[index] {
            case 0x27, 0x22, 0x60:  // ' " `
                let quote = bytes[index]
                index += 1
                while index < bytes.count {
                    if bytes[index] == quote {
                        if index + 1 < bytes.count && bytes[index + 1] == quote {
                            index += 2
                            continue
                        }
                        break
                    }
                    index += 1
                }
            case 0x5B:  // [identifier]
                while index < bytes.count && bytes[index] != 0x5D { index += 1 }
            case 0x2D where index + 1 < bytes.count && bytes[index + 1] == 0x2D:
                while index < bytes.count && bytes[index] != 0x0A { index += 1 }
            case 0x2F where index + 1 < bytes.count && bytes[index + 1] == 0x2A:
                index += 2
                while index + 1 < bytes.count && !(bytes[index] == 0x2A && bytes[index + 1] == 0x2F) { index += 1 }
                index += 1
            case 0x3B:  // ;
                let text = piece(start..<(index + 1))
                if sqlite3_complete(text) != 0 {
                    if !isBlank(piece(start..<index)) { count += 1 }
                    start = index + 1
                }
            default: break
            }
            index += 1
        }
        if start < bytes.count && !isBlank(piece(start..<bytes.count)) { count += 1 }
        return count
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
