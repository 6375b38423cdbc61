/// How query answers become rows, and the framework card.
extension CatalogQuery.FrameworkDetails {
    /// Every column, for the machine formats (json, jsonl, csv, markdown).
    public static let allColumns = [
        "name", "language", "released", "kind", "architecture", "open_source", "aliases", "features", "capabilities",
        "companies", "description",
    ]

    /// The columns of the table format: what fits a terminal line.
    public static let tableColumns = ["name", "language", "released", "kind"]

    public var row: [OutputValue] {
        [
            .text(framework.name), .optional(language), .optional(framework.firstReleaseYear),
            .text(framework.kind.rawValue),
            .optional(framework.architecturePattern), .boolean(framework.isOpenSource), .list(aliases), .list(features),
            .list(capabilities), .list(companies), .optional(framework.description),
        ]
    }

    /// Frameworks as rows, with `columns` (a subset of `allColumns`).
    public static func table(_ frameworks: [Self], columns: [String] = allColumns) -> ResultTable {
        let indexes = columns.compactMap { allColumns.firstIndex(of: $0) }
        return ResultTable(columns: columns, rows: frameworks.map { details in indexes.map { details.row[$0] } })
    }

    /// A framework's full card, wrapped to `width` columns.
    ///
    /// ```
    /// Flask (Python, 2010)
    ///   kind          microframework
    ///   features      Development server, Good documentation, ...
    /// ```
    /// Every stored text goes through `TerminalText.shown`.
    public func card(width: Int = 80) -> String {
        let shown = TerminalText.shown
        func list(_ names: [String]) -> String { names.map(shown).joined(separator: ", ") }
        var title = shown(framework.name)
        let facts = [language.map(shown), framework.firstReleaseYear.map(String.init)].compactMap { $0 }
        if !facts.isEmpty { title += " (" + facts.joined(separator: ", ") + ")" }
        let fields: [(String, String)] = [
            ("aliases", aliases.isEmpty ? "none" : list(aliases)),
            ("kind", framework.kind.rawValue),
            ("architecture", framework.architecturePattern.map(shown) ?? "not stated"),
            ("open source", framework.isOpenSource ? "yes" : "no"),
            ("description", framework.description.map(shown) ?? ""),
            ("features", list(features)),
            ("capabilities", capabilities.isEmpty ? "none" : list(capabilities)),
            ("used by", companies.isEmpty ? "no company on record" : list(companies)),
        ]
        let labelWidth = fields.map(\.0.count).max() ?? 0
        var out = title + "\n"
        for (label, value) in fields {
            let prefix = "  " + label + String(repeating: " ", count: labelWidth - label.count + 2)
            out += wrap(value, first: prefix, rest: String(repeating: " ", count: prefix.count), width: width)
        }
        return out
    }

    private func wrap(_ text: String, first: String, rest: String, width: Int) -> String {
        var lines: [String] = []
        var line = first
        var lineHasWords = false
        for word in text.split(separator: " ") {
            if lineHasWords && line.count + 1 + word.count > width {
                lines.append(line)
                line = rest
                lineHasWords = false
            }
            line += (lineHasWords ? " " : "") + word
            lineHasWords = true
        }
        lines.append(line)
        return lines.joined(separator: "\n") + "\n"
    }
}

extension CatalogQuery.Related {
    /// Companies, features or languages as rows: name and the related frameworks.
    public static func table(_ records: [Self]) -> ResultTable {
        ResultTable(columns: ["name", "frameworks"], rows: records.map { [.text($0.name), .list($0.frameworks)] })
    }
}
