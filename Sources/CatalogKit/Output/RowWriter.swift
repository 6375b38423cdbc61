/// Writes rows in an output format as they come, so a result of any size is printed without
/// being held in memory (the table format holds its first `tableBuffer` rows to size columns).
public final class RowWriter {
    public let format: OutputFormat
    private let width: Int?
    private let colour: Bool
    private let write: (String) -> Void
    private var columns: [String] = []
    /// The JSON object keys of `columns`: distinct (`JSONRenderer.uniqueKeys`).
    private var keys: [String] = []
    private var buffered: [[OutputValue]] = []
    private var widths: [Int]?
    private var rowCount = 0
    private var bufferedBytes = 0

    /// How many rows the table format reads before it fixes its column widths.
    public static let tableBuffer = 1_000
    /// ... or how many bytes of text and blobs, whichever comes first: the memory a table may
    /// hold whatever the size of its values.
    public static let tableBufferBytes = 4 << 20

    public init(format: OutputFormat, width: Int? = nil, colour: Bool = false, write: @escaping (String) -> Void) {
        self.format = format
        self.width = width
        self.colour = colour
        self.write = write
    }

    /// Starts a result with these columns.
    public func begin(columns: [String]) {
        self.columns = columns
        keys = format == .json || format == .jsonl ? JSONRenderer.uniqueKeys(columns) : columns
        buffered = []
        bufferedBytes = 0
        widths = nil
        rowCount = 0
        switch format {
        case .table, .jsonl: break
        case .json: write("[")
        case .csv: write(columns.map(CSVRenderer.field).joined(separator: ",") + "\r\n")
        case .markdown:
            write("| " + columns.map(MarkdownRenderer.escape).joined(separator: " | ") + " |\n")
            write("|" + columns.map { _ in " --- |" }.joined() + "\n")
        }
    }

    /// Writes one row.
    public func row(_ values: [OutputValue]) {
        defer { rowCount += 1 }
        switch format {
        case .table:
            if let widths {
                write(TextTableRenderer.line(values.map(TextTableRenderer.text(for:)), widths: widths))
            } else {
                buffered.append(values)
                for value in values {
                    switch value {
                    case .text(let text): bufferedBytes += text.utf8.count
                    case .blob(let bytes): bufferedBytes += bytes.count
                    default: bufferedBytes += 8
                    }
                }
                if buffered.count >= Self.tableBuffer || bufferedBytes >= Self.tableBufferBytes { flushTable() }
            }
        case .json:
            write((rowCount == 0 ? "\n  " : ",\n  ") + JSONRenderer.object(keys, values))
        case .jsonl:
            write(JSONRenderer.object(keys, values) + "\n")
        case .csv:
            write(values.map { CSVRenderer.field(CSVRenderer.text(for: $0)) }.joined(separator: ",") + "\r\n")
        case .markdown:
            write(
                "| " + values.map { MarkdownRenderer.escape(MarkdownRenderer.text(for: $0)) }.joined(separator: " | ")
                    + " |\n")
        }
    }

    /// Ends the result.
    public func end() {
        switch format {
        case .table: if widths == nil { flushTable() }
        case .json: write(rowCount == 0 ? "]\n" : "\n]\n")
        case .jsonl, .csv, .markdown: break
        }
    }

    /// Writes a whole table.
    public func write(_ table: ResultTable) {
        begin(columns: table.columns)
        for row in table.rows { self.row(row) }
        end()
    }

    private func flushTable() {
        let cells = buffered.map { $0.map(TextTableRenderer.text(for:)) }
        // Column names can come from data too (`SELECT 1 AS "<ESC>[2J"`): shown escaped.
        let shownColumns = columns.map(TerminalText.shown)
        let widths = TextTableRenderer.widths(columns: shownColumns, cells: cells, width: width)
        var header = TextTableRenderer.line(shownColumns, widths: widths)
        if colour { header = "\u{1B}[1m" + header.dropLast() + "\u{1B}[0m\n" }
        write(header)
        write(TextTableRenderer.line(widths.map { TextTableRenderer.repeated(0x2D, $0) }, widths: widths))
        for row in cells { write(TextTableRenderer.line(row, widths: widths)) }
        buffered = []
        bufferedBytes = 0
        self.widths = widths
    }
}
