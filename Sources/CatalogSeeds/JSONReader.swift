import CatalogKit

/// A strict RFC 8259 JSON parser that produces ``SeedNode`` trees.
///
/// - Objects become `.mapping` nodes whose keys are `.scalar(text, isPlain: false)` nodes; duplicate
///   keys are kept in file order so that the caller can report them.
/// - Arrays become `.sequence` nodes.
/// - Strings become `.scalar(text, isPlain: false)` with every escape decoded.
/// - Numbers become `.scalar(sourceText, isPlain: true)`: the exact spelling of the file, checked
///   against the JSON number grammar but never converted.
/// - `true`, `false` and `null` become `.scalar("true" | "false" | "null", isPlain: true)`.
///
/// Every node carries the location where it starts (1-based line and column, columns counting
/// Unicode scalars). A leading UTF-8 byte order mark is skipped. The parser keeps its own stack,
/// bounded by `maxDepth`, so deeply nested input yields an error rather than a stack overflow.
public enum JSONReader {
    /// Parses one JSON document.
    ///
    /// - Parameters:
    ///   - bytes: the file's content, which must be UTF-8.
    ///   - file: the path used in errors.
    ///   - maxDepth: how many arrays and objects may be nested inside one another.
    /// - Throws: ``SeedIssue`` with the location of the first problem.
    public static func parse(_ bytes: [UInt8], file: String, maxDepth: Int = 100) throws(SeedIssue) -> SeedNode {
        var parser = JSONSeedParser(bytes: bytes, file: file, maxDepth: maxDepth)
        return try parser.parseDocument()
    }
}

private enum JSONByte {
    static let tab = UInt8(ascii: "\t")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let quote = UInt8(ascii: "\"")
    static let apostrophe = UInt8(ascii: "'")
    static let plus = UInt8(ascii: "+")
    static let comma = UInt8(ascii: ",")
    static let minus = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")
    static let slash = UInt8(ascii: "/")
    static let zero = UInt8(ascii: "0")
    static let one = UInt8(ascii: "1")
    static let nine = UInt8(ascii: "9")
    static let colon = UInt8(ascii: ":")
    static let upperA = UInt8(ascii: "A")
    static let upperE = UInt8(ascii: "E")
    static let upperF = UInt8(ascii: "F")
    static let upperZ = UInt8(ascii: "Z")
    static let openBracket = UInt8(ascii: "[")
    static let backslash = UInt8(ascii: "\\")
    static let closeBracket = UInt8(ascii: "]")
    static let underscore = UInt8(ascii: "_")
    static let lowerA = UInt8(ascii: "a")
    static let lowerB = UInt8(ascii: "b")
    static let lowerE = UInt8(ascii: "e")
    static let lowerF = UInt8(ascii: "f")
    static let lowerN = UInt8(ascii: "n")
    static let lowerR = UInt8(ascii: "r")
    static let lowerT = UInt8(ascii: "t")
    static let lowerU = UInt8(ascii: "u")
    static let lowerZ = UInt8(ascii: "z")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")

    static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= nine }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= lowerA && byte <= lowerZ) || (byte >= upperA && byte <= upperZ)
    }

    /// Bytes that continue a bare word or number token (so that `1abc` or `-Infinity` is one token).
    static func isWordByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == underscore || byte == plus || byte == minus || byte == dot
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        if isDigit(byte) { return UInt32(byte - zero) }
        if byte >= lowerA && byte <= lowerF { return UInt32(byte - lowerA + 10) }
        if byte >= upperA && byte <= upperF { return UInt32(byte - upperA + 10) }
        return nil
    }
}

private struct JSONSeedParser {
    /// An array or object whose closing bracket has not been read yet. Its finished children wait
    /// at the end of the parser's `items` or `members`, from `firstChild` on, so that adding one
    /// never copies the ones before it.
    private enum Container {
        case array(SourceLocation, firstChild: Int)
        /// An object and the key of the member whose value is being parsed.
        case object(SourceLocation, firstChild: Int, key: SeedNode)
    }

    let bytes: [UInt8]
    let file: String
    let maxDepth: Int
    /// The next byte to read.
    private var position = 0
    /// Counts lines and columns as the parser moves forward, so each byte is counted once.
    private var cursor: SourceText.LocationCursor
    /// The finished elements of the open arrays, innermost last.
    private var items: [SeedNode] = []
    /// The finished members of the open objects, innermost last.
    private var members: [SeedNode.Pair] = []

    init(bytes: [UInt8], file: String, maxDepth: Int) {
        self.bytes = bytes
        self.file = file
        self.maxDepth = maxDepth
        self.cursor = SourceText.LocationCursor(bytes)
    }

    mutating func parseDocument() throws(SeedIssue) -> SeedNode {
        if let invalid = SourceText.firstInvalidUTF8(in: bytes) {
            throw failure("invalid UTF-8", at: SourceText.location(ofByte: invalid, in: bytes))
        }
        position = SourceText.byteOrderMarkLength(bytes)
        skipWhitespace()
        guard position < bytes.count else { throw failure("empty file", at: SourceLocation(line: 1, column: 1)) }
        let root = try parseValueTree()
        skipWhitespace()
        if position < bytes.count {
            throw unexpected("unexpected text after the JSON value")
        }
        return root
    }

    // MARK: - Structure

    /// Parses one value and everything nested in it, with an explicit stack instead of recursion.
    private mutating func parseValueTree() throws(SeedIssue) -> SeedNode {
        var stack: [Container] = []
        parsing: while true {
            skipWhitespace()
            let start = here
            guard position < bytes.count else {
                throw failure("unexpected end of file, expected a value", at: start)
            }
            var value: SeedNode
            let byte = bytes[position]
            switch byte {
            case JSONByte.openBrace:
                try checkDepth(stack.count, at: start)
                position += 1
                skipWhitespace()
                if position < bytes.count && bytes[position] == JSONByte.closeBrace {
                    position += 1
                    value = SeedNode(.mapping([]), at: start)
                } else {
                    let key = try parseKey()
                    stack.append(.object(start, firstChild: members.count, key: key))
                    continue parsing
                }
            case JSONByte.openBracket:
                try checkDepth(stack.count, at: start)
                position += 1
                skipWhitespace()
                if position < bytes.count && bytes[position] == JSONByte.closeBracket {
                    position += 1
                    value = SeedNode(.sequence([]), at: start)
                } else {
                    stack.append(.array(start, firstChild: items.count))
                    continue parsing
                }
            case JSONByte.quote:
                value = try parseString()
            case JSONByte.minus, JSONByte.plus, JSONByte.dot, JSONByte.zero...JSONByte.nine:
                value = try parseNumber()
            default:
                if JSONByte.isLetter(byte) {
                    value = try parseWord()
                } else if byte == JSONByte.apostrophe {
                    throw failure("strings need double quotes", at: start)
                } else {
                    throw unexpected("expected a value", showsFound: true)
                }
            }
            // The value is complete: add it to its container, closing every container it completes.
            closing: while true {
                guard let container = stack.last else { return value }
                skipWhitespace()
                switch container {
                case .array(let location, let firstChild):
                    items.append(value)
                    guard position < bytes.count else { throw failure("unclosed '['", at: location) }
                    if bytes[position] == JSONByte.comma {
                        let comma = here
                        position += 1
                        skipWhitespace()
                        if position < bytes.count && bytes[position] == JSONByte.closeBracket {
                            throw failure("trailing comma before ']'", at: comma)
                        }
                        continue parsing
                    } else if bytes[position] == JSONByte.closeBracket {
                        position += 1
                        stack.removeLast()
                        value = SeedNode(.sequence(Array(items[firstChild...])), at: location)
                        items.removeSubrange(firstChild...)
                        continue closing
                    } else {
                        throw unexpected("expected ',' or ']' after an array element")
                    }
                case .object(let location, let firstChild, let key):
                    members.append(SeedNode.Pair(key: key, value: value))
                    guard position < bytes.count else { throw failure("unclosed '{'", at: location) }
                    if bytes[position] == JSONByte.comma {
                        let comma = here
                        position += 1
                        skipWhitespace()
                        if position < bytes.count && bytes[position] == JSONByte.closeBrace {
                            throw failure("trailing comma before '}'", at: comma)
                        }
                        let nextKey = try parseKey()
                        stack[stack.count - 1] = .object(location, firstChild: firstChild, key: nextKey)
                        continue parsing
                    } else if bytes[position] == JSONByte.closeBrace {
                        position += 1
                        stack.removeLast()
                        value = SeedNode(.mapping(Array(members[firstChild...])), at: location)
                        members.removeSubrange(firstChild...)
                        continue closing
                    } else {
                        throw unexpected("expected ',' or '}' after an object member")
                    }
                }
            }
        }
    }

    private func checkDepth(_ depth: Int, at location: SourceLocation) throws(SeedIssue) {
        if depth >= maxDepth {
            throw failure("nesting deeper than \(maxDepth) levels", at: location)
        }
    }

    /// Parses `"key" :` at the current position (whitespace before it already skipped).
    private mutating func parseKey() throws(SeedIssue) -> SeedNode {
        guard position < bytes.count else {
            throw failure("unexpected end of file, expected a string key", at: here)
        }
        guard bytes[position] == JSONByte.quote else {
            throw unexpected("expected a string key in double quotes", showsFound: true)
        }
        let key = try parseString()
        skipWhitespace()
        guard position < bytes.count, bytes[position] == JSONByte.colon else {
            throw unexpected("expected ':' after an object key", showsFound: true)
        }
        position += 1
        return key
    }

    // MARK: - Scalars

    private mutating func parseString() throws(SeedIssue) -> SeedNode {
        let start = here
        position += 1
        var decoded: [UInt8] = []
        var hasEscapes = false
        var runStart = position
        while true {
            guard position < bytes.count else { throw failure("unterminated string", at: start) }
            let byte = bytes[position]
            if byte == JSONByte.quote {
                let text: String
                if hasEscapes {
                    decoded.append(contentsOf: bytes[runStart..<position])
                    text = String(decoding: decoded, as: UTF8.self)
                } else {
                    text = String(decoding: bytes[runStart..<position], as: UTF8.self)
                }
                position += 1
                return SeedNode(.scalar(text, isPlain: false), at: start)
            } else if byte == JSONByte.backslash {
                decoded.append(contentsOf: bytes[runStart..<position])
                hasEscapes = true
                try parseEscape(into: &decoded, stringStart: start)
                runStart = position
            } else if byte < 0x20 {
                throw controlCharacter(byte, at: here)
            } else {
                position += 1
            }
        }
    }

    /// Decodes the escape at the current position (a backslash) and appends its UTF-8 to `output`.
    private mutating func parseEscape(into output: inout [UInt8], stringStart: SourceLocation) throws(SeedIssue) {
        let escape = here
        guard position + 1 < bytes.count else { throw failure("unterminated string", at: stringStart) }
        let code = bytes[position + 1]
        let simple: UInt8?
        switch code {
        case JSONByte.quote, JSONByte.backslash, JSONByte.slash: simple = code
        case JSONByte.lowerB: simple = 0x08
        case JSONByte.lowerF: simple = 0x0C
        case JSONByte.lowerN: simple = 0x0A
        case JSONByte.lowerR: simple = 0x0D
        case JSONByte.lowerT: simple = 0x09
        case JSONByte.lowerU: simple = nil
        default:
            if code < 0x20 { throw controlCharacter(code, at: location(at: position + 1)) }
            throw failure("invalid escape '\\\(scalarText(at: position + 1))'", at: escape)
        }
        if let simple {
            output.append(simple)
            position += 2
            return
        }
        guard let first = hexQuad(at: position + 2) else {
            throw failure("invalid escape '\\u' (needs four hex digits)", at: escape)
        }
        let firstText = String(decoding: bytes[position..<position + 6], as: UTF8.self)
        position += 6
        var scalar = first
        if first >= 0xD800 && first <= 0xDBFF {
            guard position + 1 < bytes.count, bytes[position] == JSONByte.backslash,
                bytes[position + 1] == JSONByte.lowerU, let second = hexQuad(at: position + 2),
                second >= 0xDC00 && second <= 0xDFFF
            else {
                throw failure("lone surrogate '\(firstText)' in a string", at: escape)
            }
            position += 6
            scalar = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else if first >= 0xDC00 && first <= 0xDFFF {
            throw failure("lone surrogate '\(firstText)' in a string", at: escape)
        }
        Self.appendUTF8(scalar, to: &output)
    }

    private func hexQuad(at index: Int) -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = JSONByte.hexValue(bytes[index + offset]) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    private static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    private mutating func parseNumber() throws(SeedIssue) -> SeedNode {
        let start = here
        let begin = position
        while position < bytes.count && JSONByte.isWordByte(bytes[position]) { position += 1 }
        let text = String(decoding: bytes[begin..<position], as: UTF8.self)
        guard isValidNumber(from: begin, to: position) else {
            throw failure("invalid number '\(text)'", at: start)
        }
        return SeedNode(.scalar(text, isPlain: true), at: start)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private func isValidNumber(from begin: Int, to end: Int) -> Bool {
        var index = begin
        if index < end && bytes[index] == JSONByte.minus { index += 1 }
        guard index < end else { return false }
        if bytes[index] == JSONByte.zero {
            index += 1
        } else if bytes[index] >= JSONByte.one && bytes[index] <= JSONByte.nine {
            while index < end && JSONByte.isDigit(bytes[index]) { index += 1 }
        } else {
            return false
        }
        if index < end && bytes[index] == JSONByte.dot {
            index += 1
            let digits = index
            while index < end && JSONByte.isDigit(bytes[index]) { index += 1 }
            guard index > digits else { return false }
        }
        if index < end && (bytes[index] == JSONByte.lowerE || bytes[index] == JSONByte.upperE) {
            index += 1
            if index < end && (bytes[index] == JSONByte.plus || bytes[index] == JSONByte.minus) { index += 1 }
            let digits = index
            while index < end && JSONByte.isDigit(bytes[index]) { index += 1 }
            guard index > digits else { return false }
        }
        return index == end
    }

    private mutating func parseWord() throws(SeedIssue) -> SeedNode {
        let start = here
        let begin = position
        while position < bytes.count && JSONByte.isWordByte(bytes[position]) { position += 1 }
        let word = String(decoding: bytes[begin..<position], as: UTF8.self)
        switch word {
        case "true", "false", "null":
            return SeedNode(.scalar(word, isPlain: true), at: start)
        case "NaN", "Infinity":
            throw failure("invalid number '\(word)'", at: start)
        default:
            let lowercased = word.lowercased()
            if lowercased == "true" || lowercased == "false" || lowercased == "null" {
                throw failure("invalid literal '\(word)' (use \(lowercased))", at: start)
            }
            throw failure("unexpected word '\(word)' (strings need double quotes)", at: start)
        }
    }

    // MARK: - Whitespace, locations and errors

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case JSONByte.space, JSONByte.tab, JSONByte.carriageReturn, JSONByte.lineFeed:
                position += 1
            default:
                return
            }
        }
    }

    /// The location of the next byte.
    private var here: SourceLocation {
        mutating get { location(at: position) }
    }

    /// The location of the byte at `index`.
    private mutating func location(at index: Int) -> SourceLocation {
        cursor.location(ofByte: index, in: bytes)
    }

    private func failure(_ message: String, at location: SourceLocation) -> SeedIssue {
        SeedIssue(file: file, location: location, message: message)
    }

    /// An error at the current position, where a comment gets its own message; `showsFound` appends
    /// the character found.
    private mutating func unexpected(_ message: String, showsFound: Bool = false) -> SeedIssue {
        let location = here
        if position < bytes.count && bytes[position] == JSONByte.slash {
            return failure("comments are not allowed in JSON", at: location)
        }
        if showsFound && position < bytes.count {
            return failure("\(message), found '\(scalarText(at: position))'", at: location)
        }
        return failure(message, at: location)
    }

    private func controlCharacter(_ byte: UInt8, at location: SourceLocation) -> SeedIssue {
        let hint: String
        switch byte {
        case JSONByte.lineFeed: hint = "\\n"
        case JSONByte.carriageReturn: hint = "\\r"
        case JSONByte.tab: hint = "\\t"
        default:
            let hex = String(byte, radix: 16, uppercase: true)
            hint = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return failure("control character in a string (use \(hint))", at: location)
    }

    /// The Unicode scalar starting at `index` as text, for messages (the input is valid UTF-8).
    private func scalarText(at index: Int) -> String {
        let lead = bytes[index]
        let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        return String(decoding: bytes[index..<min(index + length, bytes.count)], as: UTF8.self)
    }
}
