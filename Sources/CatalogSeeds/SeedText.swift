import CatalogKit

/// Checks on a text seed file before it is parsed.
enum SeedText {
    /// `bytes` as a String, without a BOM; invalid UTF-8 and NUL bytes are errors with their place.
    static func decode(_ bytes: [UInt8], file: String) throws(SeedIssue) -> String {
        let text: String
        switch SourceText.decode(bytes) {
        case .success(let decoded): text = decoded
        case .failure(let invalid): throw SeedIssue(file: file, location: invalid.location, message: "invalid UTF-8")
        }
        // In valid UTF-8 a zero byte is always U+0000.
        if let nul = bytes.firstIndex(of: 0) {
            throw SeedIssue(
                file: file, location: SourceText.location(ofByte: nul, in: bytes), message: "NUL byte in a text file")
        }
        return text
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
