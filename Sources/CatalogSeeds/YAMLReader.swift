import Yams

/// Reads a YAML seed file into `SeedNode`s with Yams' composer, never its constructor.
///
/// `Yams.load` must never see seed input: it crashes on `[x]: 1` and expands alias bombs without
/// limit. `Yams.compose` builds the node tree with aliases shared, not copied; this reader walks
/// it with a budget of nodes (an alias bomb multiplies nodes far beyond the file's size) and of
/// depth, and keeps every node's line and column.
public enum YAMLReader {
    /// Parses `bytes` (one YAML document) from `file`.
    ///
    /// - Parameters:
    ///   - maxDepth: the deepest nesting accepted.
    ///   - maxNodes: the most nodes accepted; by default twice the file's size plus 1,000, which
    ///     no document reaches without aliases that multiply it.
    public static func parse(_ bytes: [UInt8], file: String, maxDepth: Int = 100, maxNodes: Int? = nil) throws
        -> SeedNode
    {
        let text = try SeedText.decode(bytes, file: file)
        if SeedText.isBlankYAML(text) {
            throw SeedSyntaxError(file: file, location: SourceLocation(line: 1, column: 1), message: "empty file")
        }
        // libyaml itself is iterative, but Yams composes recursively: refuse deep nesting before
        // Yams can overflow the stack.
        if let deep = SeedText.firstNestingBeyond(maxDepth, in: text) {
            throw SeedSyntaxError(file: file, location: deep, message: "nesting deeper than \(maxDepth) levels")
        }
        // Yams checks a mapping's keys for duplicates by hashing them, before our walker sees the
        // tree: a key that is an alias or a collection makes that exponential (found by fuzzing).
        if let (location, message) = SeedText.firstComplexKey(in: text) {
            throw SeedSyntaxError(file: file, location: location, message: message)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        }
        guard let root else {
            throw SeedSyntaxError(file: file, location: SourceLocation(line: 1, column: 1), message: "empty file")
        }
        var walker = Walker(file: file, maxDepth: maxDepth, budget: maxNodes ?? bytes.count * 2 + 1_000)
        return try walker.convert(root, depth: 0)
    }

    private struct Walker {
        let file: String
        let maxDepth: Int
        var budget: Int

        mutating func convert(_ node: Node, depth: Int) throws -> SeedNode {
            let location =
                node.mark.map { SourceLocation(line: $0.line, column: $0.column) }
                ?? SourceLocation(line: 1, column: 1)
            budget -= 1
            if budget < 0 {
                throw SeedSyntaxError(
                    file: file, location: location,
                    message: "the document expands to too many nodes (an alias bomb?); seed files may use few aliases")
            }
            if depth > maxDepth {
                throw SeedSyntaxError(file: file, location: location, message: "nesting deeper than \(maxDepth) levels")
            }
            switch node {
            case .scalar(let scalar):
                return SeedNode(.scalar(scalar.string, isPlain: scalar.style == .plain), at: location)
            case .sequence(let sequence):
                var items: [SeedNode] = []
                items.reserveCapacity(sequence.count)
                for item in sequence { items.append(try convert(item, depth: depth + 1)) }
                return SeedNode(.sequence(items), at: location)
            case .mapping(let mapping):
                var pairs: [SeedNode.Pair] = []
                pairs.reserveCapacity(mapping.count)
                for (key, value) in mapping {
                    guard case .scalar = key else {
                        let keyLocation = key.mark.map { SourceLocation(line: $0.line, column: $0.column) } ?? location
                        throw SeedSyntaxError(
                            file: file, location: keyLocation,
                            message: "a mapping key must be plain text, not a list or map")
                    }
                    pairs.append(
                        SeedNode.Pair(
                            key: try convert(key, depth: depth + 1), value: try convert(value, depth: depth + 1)))
                }
                return SeedNode(.mapping(pairs), at: location)
            case .alias:
                throw SeedSyntaxError(file: file, location: location, message: "unresolved alias")
            }
        }
    }

    private static func syntaxError(_ error: YamlError, file: String) -> SeedSyntaxError {
        func make(_ problem: String, _ mark: Mark) -> SeedSyntaxError {
            SeedSyntaxError(
                file: file, location: SourceLocation(line: mark.line, column: mark.column), message: problem)
        }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return make("invalid YAML: \(problem)", mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return make("duplicate key \(keys) in one mapping", context.mark)
        case .reader(let problem, _, _, _):
            return SeedSyntaxError(
                file: file, location: SourceLocation(line: 1, column: 1), message: "invalid YAML: \(problem)")
        default:
            return SeedSyntaxError(
                file: file, location: SourceLocation(line: 1, column: 1), message: "invalid YAML: \(error)")
        }
    }
}

/// Checks shared by the text formats.
enum SeedText {
    /// `bytes` as a String, without a BOM; invalid UTF-8 and NUL bytes are errors with their place.
    static func decode(_ bytes: [UInt8], file: String) throws -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) {
            if let nul = text.unicodeScalars.firstIndex(of: "\0") {
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

    /// True when `text` holds only blank lines, comments and document markers.
    static func isBlankYAML(_ text: String) -> Bool {
        text.split(separator: "\n", omittingEmptySubsequences: false).allSatisfy { line in
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" })
            return trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed == "---" || trimmed == "..."
        }
    }

    /// A mapping key that may hold an alias, if the text has one: an alias key (`*name: value`),
    /// a flow collection key (`[a]: value`, `{a: 1}: value`) or an explicit `? ` key.
    ///
    /// Yams hashes every key while composing, and a key that holds an alias is hashed expanded,
    /// which an alias bomb makes exponential. Only documents with an alias are at risk, so only
    /// they are scanned, and the scan ignores quotes and comments on purpose: an earlier scan that
    /// tracked quotes was fooled by a stray `'` in a plain scalar and by multi-line quoted text
    /// (found by fuzzing). A false alarm needs an alias and key-like text in the same file.
    static func firstComplexKey(in text: String) -> (SourceLocation, String)? {
        let scalars = Array(text.unicodeScalars)
        func isAnchorCharacter(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
                || scalar.value > 0x7F
        }
        var hasAlias = false
        for index in scalars.indices.dropLast() where scalars[index] == "*" && isAnchorCharacter(scalars[index + 1]) {
            hasAlias = true
            break
        }
        guard hasAlias else { return nil }
        func isBlank(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" }
        /// True when `:` follows `position` on the same line, after blanks only.
        func isKeyIndicator(at position: Int) -> Bool {
            var next = position
            while next < scalars.count && isBlank(scalars[next]) { next += 1 }
            return next < scalars.count && scalars[next] == ":"
        }
        var line = 1
        var column = 1
        var previous: Unicode.Scalar = "\n"
        for (index, scalar) in scalars.enumerated() {
            let location = SourceLocation(line: line, column: column)
            let startsToken =
                previous == "\n" || previous == "\r" || isBlank(previous) || "[{,:".unicodeScalars.contains(previous)
            if scalar == "?" && startsToken {
                return (location, "explicit '? ' mapping keys are not allowed in a seed file that uses aliases")
            }
            if scalar == "*" && index + 1 < scalars.count && isAnchorCharacter(scalars[index + 1]) {
                var end = index + 1
                while end < scalars.count && isAnchorCharacter(scalars[end]) { end += 1 }
                if isKeyIndicator(at: end) { return (location, "an alias cannot be a mapping key") }
            }
            if (scalar == "]" || scalar == "}") && isKeyIndicator(at: index + 1) {
                return (location, "a mapping key must be plain text, not a list or map")
            }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            previous = scalar
        }
        return nil
    }

    /// Where nesting first goes beyond `limit` levels, if it does: a conservative scan counting
    /// indentation levels, `- ` sequence entries opened on one line, and `[`/`{` flow brackets
    /// (outside quoted scalars and comments). It only guards Yams' recursive composer.
    static func firstNestingBeyond(_ limit: Int, in text: String) -> SourceLocation? {
        var indents: [Int] = []
        var flowDepth = 0
        for (lineIndex, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let scalars = Array(line.unicodeScalars)
            var index = 0
            while index < scalars.count && scalars[index] == " " { index += 1 }
            let indent = index
            if index == scalars.count || scalars[index] == "#" { continue }
            var blockDepth = 0
            if flowDepth == 0 {
                while let last = indents.last, last > indent { indents.removeLast() }
                if indents.last != indent { indents.append(indent) }
                blockDepth = indents.count
                // "- - - x" opens one sequence per dash on a single line.
                while index < scalars.count && scalars[index] == "-"
                    && (index + 1 == scalars.count || scalars[index + 1] == " ")
                {
                    blockDepth += 1
                    index += 1
                    while index < scalars.count && scalars[index] == " " { index += 1 }
                }
            }
            if blockDepth + flowDepth > limit { return SourceLocation(line: lineIndex + 1, column: index + 1) }
            var quote: Unicode.Scalar?
            var previous: Unicode.Scalar = " "
            while index < scalars.count {
                let scalar = scalars[index]
                defer {
                    previous = scalar
                    index += 1
                }
                if let open = quote {
                    if scalar == open { quote = nil }
                    continue
                }
                switch scalar {
                case "#" where previous == " " || previous == "\t":
                    index = scalars.count
                case "\"" where " \t:-[{,".unicodeScalars.contains(previous),
                    "'" where " \t:-[{,".unicodeScalars.contains(previous):
                    quote = scalar
                case "[", "{":
                    flowDepth += 1
                    if blockDepth + flowDepth > limit {
                        return SourceLocation(line: lineIndex + 1, column: index + 1)
                    }
                case "]", "}":
                    flowDepth = max(flowDepth - 1, 0)
                default:
                    break
                }
            }
        }
        return nil
    }
}
