/// Checks on a text seed file before it is parsed.
enum SeedText {
    /// `bytes` as a String, without a BOM; invalid UTF-8 and NUL bytes are errors with their place.
    static func decode(_ bytes: [UInt8], file: String) throws -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) {
            // In valid UTF-8 a zero byte is always U+0000: find it among bytes, then place it.
            if body.contains(0), let nul = text.unicodeScalars.firstIndex(of: "\0") {
                throw SeedSyntaxError(
                    file: file, location: location(of: nul, in: text), message: "NUL byte in a text file")
            }
            return text
        }
        // Find the first bad byte: the longest valid prefix ends right before it.
        var line = 1
        var lineStart = body.startIndex
        var index = body.startIndex
        while index < body.endIndex {
            let length = sequenceLength(body, at: index)
            if length == 0 {
                let column =
                    String(decoding: body[lineStart..<index], as: UTF8.self).unicodeScalars.count + 1
                throw SeedSyntaxError(
                    file: file, location: SourceLocation(line: line, column: column), message: "invalid UTF-8")
            }
            if body[index] == 0x0A {
                line += 1
                lineStart = index + 1
            }
            index += length
        }
        return String(decoding: body, as: UTF8.self)
    }

    /// The length of the valid UTF-8 sequence at `index`, or 0.
    private static func sequenceLength(_ bytes: ArraySlice<UInt8>, at index: Int) -> Int {
        let first = bytes[index]
        let length: Int
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.endIndex else { return 0 }
        return String(validating: bytes[index..<index + length], as: UTF8.self) == nil ? 0 : length
    }

    static func location(of index: String.UnicodeScalarView.Index, in text: String) -> SourceLocation {
        var line = 1
        var column = 1
        for scalar in text.unicodeScalars[..<index] {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SourceLocation(line: line, column: column)
    }

    /// The place of the character that starts at byte `offset` of `utf8` (columns count scalars).
    static func location(ofByte offset: Int, in utf8: UnsafeBufferPointer<UInt8>) -> SourceLocation {
        var line = 1
        var column = 1
        for byte in utf8.prefix(offset) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(line: line, column: column)
    }

    /// True when `text` holds only blank lines, comments and document markers.
    ///
    /// It stops at the first line with content, so a real file costs one line's scan.
    static func isBlankYAML(_ text: String) -> Bool {
        var rest = text.utf8[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
            let line = rest[..<end].drop(while: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == 0x0D })
            let isBlank =
                line.isEmpty || line.first == UInt8(ascii: "#") || line.elementsEqual("---".utf8)
                || line.elementsEqual("...".utf8)
            if !isBlank { return false }
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
        }
        return true
    }
}
