import CatalogSQLite

/// Rows to print: named columns and one value per column in each row. Every command that
/// prints rows builds one of these and hands it to `OutputFormat.render`.
public struct ResultTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[DatabaseValue]]

    public init(columns: [String], rows: [[DatabaseValue]] = []) {
        self.columns = columns
        self.rows = rows
    }
}

/// How rows are printed.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// Aligned columns under a header, for people.
    case table
    /// A JSON array of objects keyed by column name, one object per line, for programs.
    case json

    /// `table` rendered in this format, ending with a newline.
    public func render(_ table: ResultTable) -> String {
        switch self {
        case .table: return TextTableRenderer.render(table)
        case .json: return JSONRenderer.render(table)
        }
    }
}

enum TextTableRenderer {
    static func render(_ table: ResultTable) -> String {
        let cells = table.rows.map { row in row.map(text(for:)) }
        var widths = table.columns.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var out = line(table.columns, widths: widths)
        out += line(widths.map { String(repeating: "-", count: $0) }, widths: widths)
        for row in cells { out += line(row, widths: widths) }
        return out
    }

    private static func line(_ cells: [String], widths: [Int]) -> String {
        var parts: [String] = []
        for (index, cell) in cells.enumerated() {
            let isLast = index == cells.count - 1
            parts.append(isLast ? cell : cell + String(repeating: " ", count: max(widths[index] - cell.count, 0)))
        }
        var line = parts.joined(separator: "  ")
        while line.last == " " { line.removeLast() }
        return line + "\n"
    }

    /// NULL is blank; control characters are escaped so a value stays on its line.
    static func text(for value: DatabaseValue) -> String {
        switch value {
        case .null: return ""
        case .integer(let int): return String(int)
        case .real(let double): return String(double)
        case .text(let text):
            guard text.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return text }
            var escaped = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\n": escaped += "\\n"
                case "\t": escaped += "\\t"
                case "\r": escaped += "\\r"
                default: escaped.unicodeScalars.append(scalar.value < 0x20 ? "?" : scalar)
                }
            }
            return escaped
        case .blob(let bytes): return "x'" + hex(bytes) + "'"
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

enum JSONRenderer {
    static func render(_ table: ResultTable) -> String {
        guard !table.rows.isEmpty else { return "[]\n" }
        let objects = table.rows.map { row in
            let members = zip(table.columns, row).map { column, value in string(column) + ": " + json(value) }
            return "  {" + members.joined(separator: ", ") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    /// Integers and reals are JSON numbers, NULL is `null`, blobs are hexadecimal strings.
    static func json(_ value: DatabaseValue) -> String {
        switch value {
        case .null: return "null"
        case .integer(let int): return String(int)
        case .real(let double): return double.isFinite ? String(double) : "null"
        case .text(let text): return string(text)
        case .blob(let bytes): return string(TextTableRenderer.hex(bytes))
        }
    }

    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
