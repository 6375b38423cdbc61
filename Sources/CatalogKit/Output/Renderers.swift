/// Aligned columns: header, dashes, rows; NULL is blank, lists are comma-separated.
enum TextTableRenderer {
    /// Column widths for `cells` under `columns`, fitted to `width` when given.
    static func widths(columns: [String], cells: [[String]], width: Int?) -> [Int] {
        var widths = columns.map(characters)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], characters(cell))
            }
        }
        if let width { widths = fit(widths, into: width, minimums: columns.map(characters)) }
        return widths
    }

    /// `count` copies of the ASCII character `byte` (`String(repeating:count:)` appends one at a
    /// time: a second for a 16 MB column).
    static func repeated(_ byte: UInt8, _ count: Int) -> String {
        String(decoding: [UInt8](repeating: byte, count: count), as: UTF8.self)
    }

    /// The characters in `text`; counted as bytes when it is all ASCII, which is quick for a
    /// large value (counting Characters walks grapheme clusters).
    static func characters(_ text: String) -> Int {
        text.utf8.allSatisfy { $0 < 0x80 } ? text.utf8.count : text.count
    }

    /// Column widths that fit `total` characters (with two spaces between columns), taking
    /// characters from the widest columns first and never below a header's width or 8.
    static func fit(_ widths: [Int], into total: Int, minimums: [Int]) -> [Int] {
        var widths = widths
        let separators = max(widths.count - 1, 0) * 2
        var excess = widths.reduce(0, +) + separators - total
        while excess > 0 {
            guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
                widths[widest] > max(minimums[widest], 8)
            else { break }
            widths[widest] -= 1
            excess -= 1
        }
        return widths
    }

    static func line(_ cells: [String], widths: [Int]) -> String {
        var parts: [String] = []
        for (index, cell) in cells.enumerated() {
            let count = characters(cell)
            let width = index < widths.count ? widths[index] : count
            let shown = count > width ? String(cell.prefix(max(width - 1, 0))) + "…" : cell
            let isLast = index == cells.count - 1
            parts.append(isLast ? shown : shown + repeated(0x20, max(width - min(count, width), 0)))
        }
        let line = parts.joined(separator: "  ")
        // Without trailing spaces (found on bytes: a line can be megabytes long).
        guard let end = line.utf8.lastIndex(where: { $0 != 0x20 }) else { return "\n" }
        return String(line[...end]) + "\n"
    }

    /// NULL is blank; text is shown through `TerminalText`, so a value stays on its line and
    /// cannot steer the terminal.
    static func text(for value: OutputValue) -> String {
        switch value {
        case .null: return ""
        case .integer(let int): return String(int)
        case .real(let double): return String(double)
        case .text(let text): return TerminalText.shown(text)
        case .blob(let bytes): return "x'" + hex(bytes) + "'"
        case .boolean(let flag): return flag ? "yes" : "no"
        case .list(let items): return items.map(TerminalText.shown).joined(separator: ", ")
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// JSON: objects keyed by column name in column order; numbers are numbers, NULL is `null`,
/// lists are arrays of strings, a blob is an object `{"blob": "<hexadecimal>"}` (text is always
/// a string, so an object is always a blob).
enum JSONRenderer {
    static func object(_ columns: [String], _ row: [OutputValue]) -> String {
        "{" + zip(columns, row).map { string($0) + ": " + json($1) }.joined(separator: ", ") + "}"
    }

    /// `columns` as distinct object keys: a name already taken gets `_2`, `_3`, ... (the first
    /// suffix no column has), so `SELECT 1 AS a, 2 AS a, 3 AS a_2` keys `a`, `a_3`, `a_2`.
    static func uniqueKeys(_ columns: [String]) -> [String] {
        var taken = Set(columns)
        var used = Set<String>()
        return columns.map { name in
            if used.insert(name).inserted { return name }
            var suffix = 2
            while taken.contains("\(name)_\(suffix)") { suffix += 1 }
            let key = "\(name)_\(suffix)"
            taken.insert(key)
            used.insert(key)
            return key
        }
    }

    static func json(_ value: OutputValue) -> String {
        switch value {
        case .null: return "null"
        case .integer(let int): return String(int)
        case .real(let double): return double.isFinite ? String(double) : "null"
        case .text(let text): return string(text)
        case .blob(let bytes): return "{\"blob\": " + string(TextTableRenderer.hex(bytes)) + "}"
        case .boolean(let flag): return flag ? "true" : "false"
        case .list(let items): return "[" + items.map(string).joined(separator: ", ") + "]"
        }
    }

    static func string(_ text: String) -> String {
        JSONText.string(text)
    }
}

/// RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, a quote, a
/// line break or edge spaces; NULL is an empty field; lists are joined with "; "; a blob is `\x`
/// and its hexadecimal digits (PostgreSQL's text form of `bytea`).
enum CSVRenderer {
    static func text(for value: OutputValue) -> String {
        switch value {
        case .null: return ""
        case .integer(let int): return String(int)
        case .real(let double): return String(double)
        case .text(let text): return text
        case .blob(let bytes): return "\\x" + TextTableRenderer.hex(bytes)
        case .boolean(let flag): return flag ? "true" : "false"
        case .list(let items): return items.joined(separator: "; ")
        }
    }

    /// `text` as one CSV field: quoted when it holds a comma, quote or line break or starts or
    /// ends with a space, with quotes doubled. Works on UTF-8 bytes (a 16 MB cell in 20 ms;
    /// comparing Characters took a second).
    static func field(_ text: String) -> String {
        let utf8 = text.utf8
        let needsQuotes =
            utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || utf8.first == 0x20 || utf8.last == 0x20
        guard needsQuotes else { return text }
        var bytes: [UInt8] = [0x22]
        bytes.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            if byte == 0x22 { bytes.append(0x22) }
            bytes.append(byte)
        }
        bytes.append(0x22)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A GitHub-flavoured Markdown table: every character Markdown or HTML would read as markup
/// escaped with a backslash, line breaks as `<br>`, lists comma-separated.
enum MarkdownRenderer {
    /// A cell's text: CSV's, except that lists read better with commas.
    static func text(for value: OutputValue) -> String {
        if case .list(let items) = value { return items.joined(separator: ", ") }
        return CSVRenderer.text(for: value)
    }

    /// The ASCII punctuation that starts markup in a table cell: emphasis (`*`, `_`, `~`), code
    /// (`` ` ``), links and images (`[`, `]`), HTML tags and entities (`<`, `>`, `&`), the cell
    /// separator (`|`), headings (`#`) and the backslash itself. CommonMark lets a backslash
    /// escape any ASCII punctuation, which then shows as itself.
    static let special: Set<UInt8> = Set("\\`*_~[]<>&|#".utf8)

    /// Each special character with a backslash before it, and each line break (LF, CR or CRLF)
    /// as `<br>`, byte by byte.
    static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { special.contains($0) || $0 == 0x0A || $0 == 0x0D }) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + 16)
        var afterCR = false
        for byte in utf8 {
            defer { afterCR = byte == 0x0D }
            switch byte {
            case 0x0A where afterCR: continue
            case 0x0A, 0x0D: bytes += Array("<br>".utf8)
            case _ where special.contains(byte): bytes += [0x5C, byte]
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
