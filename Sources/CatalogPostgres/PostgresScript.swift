import CatalogDatabase

/// Splits SQL text into PostgreSQL statements, the way psql does: a `;` ends a statement only
/// outside quotes (`'...'`, `E'...'` with backslash escapes, `"..."`), comments (`-- ...`,
/// nested `/* ... */`) and dollar quotes (`$$ ... $$`, `$tag$ ... $tag$`, function bodies).
enum PostgresScript {
    /// One statement: its text (without the `;`) and the UTF-8 byte offset where it starts.
    struct Statement: Equatable {
        var text: String
        var offset: Int
    }

    /// The statements of `script`, blank ones (only space and comments) left out.
    static func statements(in script: String) -> [Statement] {
        scan(script).statements
    }

    /// True when `script` ends with a `;` outside any quote, comment or dollar quote (only space
    /// and comments after it): what an interactive prompt waits for.
    static func isComplete(_ script: String) -> Bool {
        guard let end = scan(script).lastSeparatorEnd else { return false }
        let rest = Array(script.utf8)[end...]
        return SQLText.isBlank(String(decoding: rest, as: UTF8.self))
    }

    private static func scan(_ script: String) -> (statements: [Statement], lastSeparatorEnd: Int?) {
        let bytes = Array(script.utf8)
        var statements: [Statement] = []
        var lastSeparatorEnd: Int?
        var start = 0
        var index = 0
        func finish(_ end: Int) {
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            if !SQLText.isBlank(text) { statements.append(Statement(text: text, offset: start)) }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: ";"):
                finish(index)
                index += 1
                start = index
                lastSeparatorEnd = index
            case UInt8(ascii: "'"):
                let escapes =
                    index > 0 && (bytes[index - 1] | 0x20) == UInt8(ascii: "e") && !isWordByte(at: index - 2, bytes)
                index = skipQuoted(bytes, from: index, quote: byte, backslashEscapes: escapes)
            case UInt8(ascii: "\""):
                index = skipQuoted(bytes, from: index, quote: byte, backslashEscapes: false)
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                index = skipBlockComment(bytes, from: index)
            case UInt8(ascii: "$") where !isWordByte(at: index - 1, bytes):
                index = skipDollarQuote(bytes, from: index) ?? index + 1
            default:
                index += 1
            }
        }
        finish(bytes.count)
        return (statements, lastSeparatorEnd)
    }

    private static func isWordByte(at index: Int, _ bytes: [UInt8]) -> Bool {
        guard index >= 0 else { return false }
        let byte = bytes[index]
        return byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39)
            || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
            || byte >= 0x80
    }

    static func skipQuoted(_ bytes: [UInt8], from start: Int, quote: UInt8, backslashEscapes: Bool) -> Int {
        var index = start + 1
        while index < bytes.count {
            if backslashEscapes && bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if bytes[index] == quote {
                if index + 1 < bytes.count && bytes[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return bytes.count
    }

    static func skipBlockComment(_ bytes: [UInt8], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "/") && bytes[index + 1] == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/") {
                depth -= 1
                index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return bytes.count
    }

    /// The index after the dollar-quoted string starting at `start`, or nil when `$` starts no
    /// dollar quote (a parameter such as `$1`).
    static func skipDollarQuote(_ bytes: [UInt8], from start: Int) -> Int? {
        var end = start + 1
        while end < bytes.count && bytes[end] != UInt8(ascii: "$") {
            let byte = bytes[end]
            let isTag =
                byte == UInt8(ascii: "_") || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || byte >= 0x80
                || (end > start + 1 && byte >= 0x30 && byte <= 0x39)
            if !isTag { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        let tag = Array(bytes[start...end])
        var index = end + 1
        while index + tag.count <= bytes.count {
            if bytes[index] == UInt8(ascii: "$") && Array(bytes[index..<index + tag.count]) == tag {
                return index + tag.count
            }
            index += 1
        }
        return bytes.count
    }
}
