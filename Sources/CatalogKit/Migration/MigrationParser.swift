/// Reads migration files and directories, rejecting anything malformed before any SQL runs.
public enum MigrationParser {
    /// Parses one migration file's bytes. `path` names the file in errors.
    public static func parse(path: String, bytes: [UInt8]) throws -> Migration {
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        guard let (version, name) = splitFileName(fileName) else {
            throw MigrationError.badFileName(file: path)
        }
        let normalized = SQLScript.normalized(bytes)
        if let offset = SourceText.firstInvalidUTF8(in: normalized) {
            throw MigrationError.invalidFile(
                file: path, line: SourceText.location(ofByte: offset, in: normalized).line,
                reason: "is not valid UTF-8")
        }
        let text = String(decoding: normalized, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)

        var upMarker: (line: Int, transactional: Bool)?
        var downMarker: (line: Int, transactional: Bool)?
        var sqlBeforeUp: Int?
        for (index, line) in lines.enumerated() {
            guard let marker = try parseMarker(line, file: path, line: index + 1) else {
                if upMarker == nil && sqlBeforeUp == nil && !SQLText.isBlank(String(line)) {
                    sqlBeforeUp = index + 1
                }
                continue
            }
            switch marker.direction {
            case .up:
                if let first = upMarker {
                    throw MigrationError.invalidFile(
                        file: path, line: index + 1,
                        reason: "has a second '-- migrate:up' marker (the first is on line \(first.line))")
                }
                upMarker = (index + 1, marker.transactional)
            case .down:
                if upMarker == nil {
                    throw MigrationError.invalidFile(
                        file: path, line: index + 1, reason: "has '-- migrate:down' before '-- migrate:up'")
                }
                if let first = downMarker {
                    throw MigrationError.invalidFile(
                        file: path, line: index + 1,
                        reason: "has a second '-- migrate:down' marker (the first is on line \(first.line))")
                }
                downMarker = (index + 1, marker.transactional)
            }
        }
        guard let upMarker else { throw MigrationError.missingMarker(file: path, marker: "-- migrate:up") }
        guard let downMarker else { throw MigrationError.missingMarker(file: path, marker: "-- migrate:down") }
        if let sqlBeforeUp {
            throw MigrationError.invalidFile(
                file: path, line: sqlBeforeUp, reason: "has SQL before the '-- migrate:up' marker")
        }

        func section(from marker: Int, to end: Int, transactional: Bool) -> Migration.Section {
            let body = lines[marker..<end].joined(separator: "\n")
            return Migration.Section(sql: body, firstLine: marker + 1, isTransactional: transactional)
        }
        return Migration(
            version: version,
            name: name,
            path: path,
            up: section(from: upMarker.line, to: downMarker.line - 1, transactional: upMarker.transactional),
            down: section(from: downMarker.line, to: lines.count, transactional: downMarker.transactional),
            checksum: SHA256.hexDigest(normalized))
    }

    /// Reads every `*.sql` file in `directory`, sorted by version.
    public static func load(directory: String) throws -> [Migration] {
        try load(.directory(directory))
    }

    /// Reads every `*.sql` file of `source` (a folder or the built-in migrations), sorted by version.
    ///
    /// Hidden files and files not ending in `.sql` are ignored. A bad name, a malformed file or
    /// two files with one version make the whole set fail, naming the file.
    public static func load(_ source: FileSource) throws -> [Migration] {
        let names = try fileNames(in: source).filter { $0.hasSuffix(".sql") && !$0.hasPrefix(".") }.sorted()
        var migrations: [Migration] = []
        var byVersion: [String: String] = [:]
        for name in names {
            let path = source.path(of: name)
            if let (version, _) = splitFileName(name), let other = byVersion[version] {
                throw MigrationError.duplicateVersion(version: version, files: [other, path])
            }
            let migration = try parse(path: path, bytes: source.read(name))
            byVersion[migration.version] = path
            migrations.append(migration)
        }
        return migrations.sorted { $0.version < $1.version }
    }

    /// The file names of `source`; a folder that does not exist is `directoryNotFound`.
    static func fileNames(in source: FileSource) throws -> [String] {
        guard source.exists else { throw MigrationError.directoryNotFound(source.displayName) }
        return try source.fileNames()
    }

    /// `(version, name)` for a valid file name, else nil.
    static func splitFileName(_ fileName: String) -> (String, String)? {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        let version = stem.prefix(14)
        guard version.count == 14, version.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let rest = stem.dropFirst(14)
        guard rest.first == "_" else { return nil }
        let name = String(rest.dropFirst())
        guard isSnakeCase(name) else { return nil }
        return (String(version), name)
    }

    /// True for `create_frameworks`: lowercase ASCII letters and digits in words joined by `_`,
    /// starting with a letter.
    public static func isSnakeCase(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        guard !name.hasSuffix("_"), !name.contains("__") else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    private enum Direction { case up, down }

    /// Parses `-- migrate:up [transaction:false]` (spaces after `--` optional), or nil for any
    /// other line.
    private static func parseMarker(_ line: Substring, file: String, line number: Int) throws -> (
        direction: Direction, transactional: Bool
    )? {
        var rest = line.drop(while: { $0 == " " || $0 == "\t" })
        guard rest.hasPrefix("--") else { return nil }
        rest = rest.dropFirst(2).drop(while: { $0 == " " || $0 == "\t" })
        let direction: Direction
        guard rest.hasPrefix("migrate:") else { return nil }
        let word = rest.dropFirst("migrate:".count).prefix(while: { !$0.isWhitespace })
        switch word {
        case "up": direction = .up
        case "down": direction = .down
        default:
            // A misspelt marker must not silently become a comment: the section would vanish.
            throw MigrationError.invalidFile(
                file: file, line: number,
                reason: "has an unknown marker '-- migrate:\(word)' (expected '-- migrate:up' or '-- migrate:down')")
        }
        rest = rest.dropFirst("migrate:".count + word.count)
        var transactional = true
        for option in rest.split(whereSeparator: { $0.isWhitespace }) {
            switch option {
            case "transaction:false": transactional = false
            case "transaction:true": transactional = true
            default:
                throw MigrationError.invalidFile(
                    file: file, line: number,
                    reason: "has an unknown marker option '\(option)' (only transaction:false is known)")
            }
        }
        return (direction, transactional)
    }
}
