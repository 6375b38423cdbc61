/// Aligned columns: header, dashes, rows; NULL is blank, lists are comma-separated.
enum TextTableRenderer {
    /// Column widths for `cells` under `columns`, fitted to `width` when given.
    static func widths(columns: [String], cells: [[String]], width: Int?) -> [Int] {
        var widths = columns.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        if let width { widths = fit(widths, into: width, minimums: columns.map(\.count)) }
        return widths
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
            let width = index < widths.count ? widths[index] : cell.count
            let shown = cell.count > width ? String(cell.prefix(max(width - 1, 0))) + "…" : cell
            let isLast = index == cells.count - 1
            parts.append(isLast ? shown : shown + String(repeating: " ", count: max(width - shown.count, 0)))
        }
        var line = parts.joined(separator: "  ")
        while line.last == " " { line.removeLast() }
        return line + "\n"
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
/// lists are arrays of strings, blobs are hexadecimal strings.
enum JSONRenderer {
    static func object(_ columns: [String], _ row: [OutputValue]) -> String {
        "{" + zip(columns, row).map { string($0) + ": " + json($1) }.joined(separator: ", ") + "}"
    }

    static func json(_ value: OutputValue) -> String {
        switch value {
        case .null: return "null"
        case .integer(let int): return String(int)
        case .real(let double): return double.isFinite ? String(double) : "null"
        case .text(let text): return string(text)
        case .blob(let bytes): return string(TextTableRenderer.hex(bytes))
        case .boolean(let flag): return flag ? "true" : "false"
        case .list(let items): return "[" + items.map(string).joined(separator: ", ") + "]"
        }
    }

    static func string(_ text: String) -> String {
        JSONText.string(text)
    }
}

/// RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, a quote, a
/// line break or edge spaces; NULL is an empty field; lists are joined with "; ".
enum CSVRenderer {
    static func text(for value: OutputValue) -> String {
        switch value {
        case .null: return ""
        case .integer(let int): return String(int)
        case .real(let double): return String(double)
        case .text(let text): return text
        case .blob(let bytes): return TextTableRenderer.hex(bytes)
        case .boolean(let flag): return flag ? "true" : "false"
        case .list(let items): return items.joined(separator: "; ")
        }
    }

    static func field(_ text: String) -> String {
        let needsQuotes =
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            || text.first == " " || text.last == " "
        guard needsQuotes else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}

/// A GitHub-flavoured Markdown table: `|` escaped, line breaks as `<br>`, lists comma-separated.
enum MarkdownRenderer {
    /// A cell's text: CSV's, except that lists read better with commas.
    static func text(for value: OutputValue) -> String {
        if case .list(let items) = value { return items.joined(separator: ", ") }
        return CSVRenderer.text(for: value)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "|": out += "\\|"
            case "\n", "\r\n", "\r": out += "<br>"
            default: out.append(character)
            }
        }
        return out
    }
}
