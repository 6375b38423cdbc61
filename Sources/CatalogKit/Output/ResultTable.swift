import CatalogDatabase

/// One value to print: a database value, or a list of names (a framework's companies).
public enum OutputValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case boolean(Bool)
    case list([String])

    public init(_ value: DatabaseValue) {
        switch value {
        case .null: self = .null
        case .integer(let int): self = .integer(int)
        case .real(let double): self = .real(double)
        case .text(let text): self = .text(text)
        case .blob(let bytes): self = .blob(bytes)
        }
    }

    /// `.text(text)`, or `.null` for nil.
    public static func optional(_ text: String?) -> OutputValue { text.map { .text($0) } ?? .null }
    /// `.integer(value)`, or `.null` for nil.
    public static func optional(_ value: Int?) -> OutputValue { value.map { .integer(Int64($0)) } ?? .null }
}

/// Rows to print: named columns and one value per column in each row. Every command that
/// prints rows builds one of these and hands it to `OutputFormat.render`.
public struct ResultTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[OutputValue]]

    public init(columns: [String], rows: [[OutputValue]] = []) {
        self.columns = columns
        self.rows = rows
    }
}

/// How rows are printed: the `--format` option of every command that prints rows.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// Aligned columns under a header, for people.
    case table
    /// A JSON array of objects keyed by column name, one object per line.
    case json
    /// One JSON object per line (JSON Lines), for streaming into other tools.
    case jsonl
    /// RFC 4180 CSV with a header row.
    case csv
    /// A GitHub-flavoured Markdown table.
    case markdown

    /// `table` rendered in this format, ending with a newline.
    ///
    /// - Parameters:
    ///   - width: for `table`, the terminal's width: cells are shortened with `…` so that lines
    ///     fit. Nil (output to a pipe or file) never shortens anything.
    ///   - colour: for `table`, print the header in bold (ANSI).
    public func render(_ table: ResultTable, width: Int? = nil, colour: Bool = false) -> String {
        var out = ""
        RowWriter(format: self, width: width, colour: colour) { out += $0 }.write(table)
        return out
    }
}
