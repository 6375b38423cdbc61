import CatalogKit

/// Reads seed files (YAML, JSON, CSV) into typed records, logging every problem with its place.
enum SeedFileReader {
    /// The seed files in `directory`: `*.yml`, `*.yaml`, `*.json`, `*.csv`, sorted by name.
    static func files(in directory: String) throws -> [String] {
        try FileSystem.contentsOfDirectory(directory).filter(isSeedFileName).sorted().map {
            FileSystem.join(directory, $0)
        }
    }

    /// True for the names a seeds folder is read for: `*.yml`, `*.yaml`, `*.json`, `*.csv`, not hidden.
    static func isSeedFileName(_ name: String) -> Bool {
        !name.hasPrefix(".") && ["yml", "yaml", "json", "csv"].contains(fileExtension(name))
    }

    static func fileExtension(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "" }
        return path[path.index(after: dot)...].lowercased()
    }

    /// Hands each valid record of one file to `each`, in file order; syntax errors stop the file,
    /// field errors are logged and the record skipped. A CSV file is streamed: one
    /// row is in memory at a time, so a file of millions of links costs no memory per row.
    /// `contents`, when given, are the file's bytes (a built-in file); otherwise `path` is read.
    /// `bytesRead` hears how many bytes of the file have been read, as reading goes on (a CSV
    /// file chunk by chunk, a YAML or JSON file whole, before it is parsed).
    static func read(
        _ path: String, contents: [UInt8]? = nil, into log: inout IssueLog, bytesRead: (Int) -> Void = { _ in },
        each: (SeedRecord) -> Void
    ) {
        do {
            switch fileExtension(path) {
            case "csv":
                let reader = try contents.map { try CSVReader(bytes: $0, file: path) } ?? CSVReader(path: path)
                try readCSV(reader, into: &log, bytesRead: bytesRead, each: each)
            case "json":
                let bytes = try contents ?? FileSystem.readFile(path)
                bytesRead(bytes.count)
                records(in: try JSONReader.parse(bytes, file: path), file: path, log: &log).forEach(each)
            case "yml", "yaml":
                let bytes = try contents ?? FileSystem.readFile(path)
                bytesRead(bytes.count)
                records(in: try YAMLReader.parse(bytes, file: path), file: path, log: &log).forEach(each)
            default:
                log.add(path, SourceLocation(line: 1, column: 1), "not a seed file (use .yml, .yaml, .json or .csv)")
            }
        } catch let error as SeedIssue {
            log.add(error)
        } catch let failure as FileSystem.Failure {
            log.add(path, SourceLocation(line: 1, column: 1), failure.description)
        } catch {
            log.add(path, SourceLocation(line: 1, column: 1), "\(error)")
        }
    }

    // MARK: - YAML and JSON

    /// A document is a mapping from record kinds to lists of records.
    static func records(in root: SeedNode, file: String, log: inout IssueLog) -> [SeedRecord] {
        guard case .mapping(let pairs) = root.value else {
            log.add(file, root.location, "a seed file must be a mapping of record kinds (\(kindList)) to lists")
            return []
        }
        var records: [SeedRecord] = []
        var seen: [String: SourceLocation] = [:]
        for pair in pairs {
            guard case .scalar(let name, _) = pair.key.value else { continue }
            if let first = seen[name] {
                log.add(file, pair.key.location, "duplicate key '\(name)' (first on line \(first.line))")
                continue
            }
            seen[name] = pair.key.location
            guard let kind = SeedKind(rawValue: name) else {
                log.add(file, pair.key.location, "unknown record kind '\(name)' (expected one of \(kindList))")
                continue
            }
            guard case .sequence(let items) = pair.value.value else {
                log.add(file, pair.value.location, "'\(name)' must be a list of records")
                continue
            }
            for item in items {
                if let record = record(kind, from: item, file: file, log: &log) { records.append(record) }
            }
        }
        return records
    }

    private static var kindList: String { SeedKind.allCases.map(\.rawValue).joined(separator: ", ") }

    private static func record(_ kind: SeedKind, from node: SeedNode, file: String, log: inout IssueLog)
        -> SeedRecord?
    {
        guard case .mapping(let pairs) = node.value else {
            log.add(file, node.location, "a \(kind.singular) must be a mapping of fields")
            return nil
        }
        var record = SeedRecord(kind: kind, file: file, location: node.location, fields: SeedFields())
        var failed: Set<String> = []
        let fields = Dictionary(uniqueKeysWithValues: kind.fields.map { ($0.name, $0) })
        for pair in pairs {
            guard case .scalar(let key, _) = pair.key.value else { continue }
            guard let field = fields[key] else {
                log.add(
                    file, pair.key.location,
                    "unknown field '\(key)' in a \(kind.singular) (known: \(kind.fields.map(\.name).joined(separator: ", ")))"
                )
                failed.insert(key)
                continue
            }
            if record.fields[key] != nil {
                log.add(file, pair.key.location, "duplicate field '\(key)'")
                failed.insert(key)
                continue
            }
            switch convert(pair.value, to: field, kind: kind, file: file) {
            case .success(let value?): record.fields[key] = Located(value, file: file, location: pair.value.location)
            case .success(nil): break
            case .failure(let issue):
                log.add(issue)
                failed.insert(key)
            }
        }
        return finish(record, failed: failed, log: &log)
    }

    /// Checks required fields (a field already reported as invalid is not also reported missing);
    /// returns the record when it is usable.
    private static func finish(_ record: SeedRecord, failed: Set<String>, log: inout IssueLog) -> SeedRecord? {
        var valid = failed.isEmpty
        for field in record.kind.fields
        where field.required && record.fields[field.name] == nil && !failed.contains(field.name) {
            log.add(record.file, record.location, "a \(record.kind.singular) needs '\(field.name)'")
            valid = false
        }
        return valid ? record : nil
    }

    /// The longest text a field may hold: names and descriptions are short; a longer value is a
    /// broken or hostile file, not data.
    static let maximumTextLength = 10_000

    /// True for text YAML reads as a number when unquoted: decimal (with `_` separators),
    /// exponent, hexadecimal `0x`, octal `0o` or a leading zero.
    static func isYAMLNumber(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isNumber || "+-.".contains(first) else { return false }
        let digits = text.filter { $0 != "_" }
        if digits.hasPrefix("0x") { return Int(digits.dropFirst(2), radix: 16) != nil }
        if digits.hasPrefix("0o") { return Int(digits.dropFirst(2), radix: 8) != nil }
        return digits.allSatisfy { $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) } && Double(digits) != nil
    }

    /// Words YAML 1.1 reads as booleans or null when unquoted.
    private static let yamlKeywords: Set<String> = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    ]

    /// `node` as the value of `field`: nil for an explicit null, an issue for a wrong type.
    private static func convert(_ node: SeedNode, to field: SeedField, kind: SeedKind, file: String) -> Result<
        SeedValue?, SeedIssue
    > {
        func issue(_ message: String) -> Result<SeedValue?, SeedIssue> {
            .failure(SeedIssue(file: file, location: node.location, message: "'\(field.name)': \(message)"))
        }
        if case .list = field.type {
            guard case .sequence(let items) = node.value else {
                if case .scalar(let text, let plain) = node.value, plain, text.isEmpty || text == "null" || text == "~"
                {
                    return .success(nil)
                }
                return issue("expected a list")
            }
            var values: [Located<String>] = []
            for item in items {
                guard case .scalar(let text, let plain) = item.value else {
                    return .failure(
                        SeedIssue(file: file, location: item.location, message: "'\(field.name)': expected text items"))
                }
                if case .failure(let message) = convert(text: text, plain: plain, to: SeedField(field.name, .text)) {
                    return .failure(
                        SeedIssue(file: file, location: item.location, message: "'\(field.name)': \(message.text)"))
                }
                values.append(Located(text, file: file, location: item.location))
            }
            return .success(.list(values))
        }
        guard case .scalar(let text, let plain) = node.value else {
            return issue("expected a single value, not a list or mapping")
        }
        if plain && (text.isEmpty || text == "null" || text == "~") { return .success(nil) }
        return convert(text: text, plain: plain, to: field).mapError {
            SeedIssue(file: file, location: node.location, message: "'\(field.name)': \($0.text)")
        }
    }

    struct Message: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }

    /// A scalar's text as `field`'s type. `plain` is false for quoted text; `yamlKeywords` refuses
    /// plain YAML booleans and nulls where text is meant. The text is not trimmed here: only a
    /// reader knows which spaces were written unquoted.
    static func convert(text: String, plain: Bool, to field: SeedField, yamlKeywords checkKeywords: Bool = true)
        -> Result<SeedValue?, SeedIssue.Message>
    {
        switch field.type {
        case .text, .list:
            if checkKeywords && plain && yamlKeywords.contains(text.lowercased()) {
                return .failure(
                    .init("plain \(text) is a boolean or null in YAML; quote it (\"\(text)\") to mean the text"))
            }
            if checkKeywords && plain && isYAMLNumber(text) {
                return .failure(.init("plain \(text) is a number in YAML; quote it (\"\(text)\") to mean the text"))
            }
            if text.utf8.contains(0) {
                return .failure(.init("contains a NUL character"))
            }
            if text.utf8.count > maximumTextLength {
                return .failure(.init("is longer than \(maximumTextLength) bytes (\(text.utf8.count))"))
            }
            // Text is kept as written (see "Spaces" in docs/seeds.md); only blank text is refused.
            if text.isEmpty { return .failure(.init("is empty")) }
            if text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                return .failure(.init("is only spaces and tabs"))
            }
            return .success(.text(text))
        case .integer(let range):
            guard plain, let value = Int(text), text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) else {
                return .failure(.init("expected a whole number, found \(plain ? text : "the text \"\(text)\"")"))
            }
            guard range.contains(value) else {
                return .failure(.init("\(value) is out of range (\(range.lowerBound) to \(range.upperBound))"))
            }
            return .success(.integer(value))
        case .boolean:
            switch (text, plain) {
            case ("true", true): return .success(.boolean(true))
            case ("false", true): return .success(.boolean(false))
            default: return .failure(.init("expected true or false, found \(plain ? text : "the text \"\(text)\"")"))
            }
        case .choice(let options):
            guard options.contains(text) else {
                return .failure(.init("expected one of \(options.joined(separator: ", ")), found \(text)"))
            }
            return .success(.text(text))
        }
    }

    // MARK: - CSV

    /// The record kind of a CSV file: its name without `.csv`, or the part after its last dot
    /// (`companies.csv`, `2024.companies.csv`).
    static func csvKind(_ path: String) -> SeedKind? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let stem = name.dropLast(4)
        let last = stem.split(separator: ".").last.map(String.init) ?? String(stem)
        return SeedKind(rawValue: last)
    }

    private static func readCSV(
        _ reader: CSVReader, into log: inout IssueLog, bytesRead: (Int) -> Void, each: (SeedRecord) -> Void
    ) throws {
        let path = reader.file
        guard let kind = csvKind(path) else {
            log.add(
                path, SourceLocation(line: 1, column: 1),
                "a CSV seed file is named after its record kind (\(kindList)), e.g. companies.csv")
            return
        }
        let header = reader.header
        let fields = Dictionary(uniqueKeysWithValues: kind.fields.map { ($0.name, $0) })
        var columns: [SeedField?] = []
        var headerIsValid = true
        for (index, name) in header.enumerated() {
            if let field = fields[name] {
                columns.append(field)
            } else {
                log.add(
                    path, reader.headerLocations[index],
                    "unknown column '\(name)' for \(kind.rawValue) (known: \(kind.fields.map(\.name).joined(separator: ", ")))"
                )
                columns.append(nil)
                headerIsValid = false
            }
        }
        for field in kind.fields where field.required && !header.contains(field.name) {
            log.add(path, SourceLocation(line: 1, column: 1), "the header needs a '\(field.name)' column")
            headerIsValid = false
        }
        // Rows under a broken header would only repeat its problem; other files' issues do not matter here.
        if !headerIsValid { return }
        var reported = 0
        while let row = try reader.next() {
            // A new chunk was read: at most one call per 64 KB, nothing per row.
            if reader.bytesRead != reported {
                reported = reader.bytesRead
                bytesRead(reported)
            }
            var record = SeedRecord(
                kind: kind, file: path, location: SourceLocation(line: row.line, column: 1), fields: SeedFields())
            var failed: Set<String> = []
            for (index, raw) in row.fields.enumerated() {
                guard let field = columns[index] else { continue }
                let location = row.locations[index]
                let isQuoted = row.isQuoted[index]
                if case .list = field.type {
                    guard let items = csvListItems(raw, field: field, at: location, isQuoted: isQuoted, path, &log)
                    else {
                        failed.insert(field.name)
                        continue
                    }
                    if !items.isEmpty {
                        record.fields[field.name] = Located(.list(items), file: path, location: location)
                    }
                    continue
                }
                // An unquoted cell loses the spaces and tabs around it; a quoted one is kept as written.
                let text = isQuoted ? raw : raw.trimmingSpaces()
                if text.isEmpty { continue }
                // Every CSV cell is text, converted by its column's type; YAML's keywords mean nothing here.
                switch convert(text: text, plain: true, to: field, yamlKeywords: false) {
                case .success(let value?): record.fields[field.name] = Located(value, file: path, location: location)
                case .success(nil): break
                case .failure(let message):
                    log.add(path, location, "'\(field.name)': \(message.text)")
                    failed.insert(field.name)
                }
            }
            if let record = finish(record, failed: failed, log: &log) { each(record) }
        }
    }

    /// The items of a CSV list cell: split at `;`, each without the spaces and tabs around it,
    /// empty ones dropped (the `;` list syntax is catalog's, so this holds for a quoted cell too).
    /// Each item of an unquoted cell is located at its first character; a quoted cell's items at
    /// the cell. Nil when an item is not valid text (the problem is logged).
    private static func csvListItems(
        _ text: String, field: SeedField, at location: SourceLocation, isQuoted: Bool, _ path: String,
        _ log: inout IssueLog
    ) -> [Located<String>]? {
        var items: [Located<String>] = []
        var column = location.column
        for part in text.split(separator: ";", omittingEmptySubsequences: false) {
            let item = part.trimmingSpaces()
            defer { column += part.unicodeScalars.count + 1 }
            if item.isEmpty { continue }
            let leading = part.unicodeScalars.prefix(while: { $0 == " " || $0 == "\t" }).count
            let place = isQuoted ? location : SourceLocation(line: location.line, column: column + leading)
            if case .failure(let message) = convert(
                text: item, plain: true, to: SeedField(field.name, .text), yamlKeywords: false)
            {
                log.add(path, place, "'\(field.name)': \(message.text)")
                return nil
            }
            items.append(Located(item, file: path, location: place))
        }
        return items
    }
}

extension SeedIssue {
    typealias Message = SeedFileReader.Message
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        // Spaces and tabs are single UTF-8 bytes that never occur inside a multi-byte sequence,
        // so trimming bytes keeps the text valid; most cells need no trimming.
        let bytes = utf8
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }),
            let end = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[start...end])
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        guard let first = utf8.first, let last = utf8.last else { return "" }
        if first != 0x20 && first != 0x09 && last != 0x20 && last != 0x09 { return self }
        return self[...].trimmingSpaces()
    }
}
