import CYAML
import CatalogKit

/// Reads a YAML seed file into `SeedNode`s from libyaml's event parser.
///
/// libyaml's parser is iterative and only reports events (scalar, start and end of a list or map,
/// alias); this reader builds the nodes with an explicit stack, so no input depth can overflow the
/// call stack, and it expands aliases itself. An alias copies its anchored node (value semantics,
/// so a copy shares storage) and counts against a node budget by the size of that node, which
/// refuses a billion-laughs file after a few hundred events instead of expanding it.
///
/// A seed file is one document of mappings, lists and text. The reader refuses what a seed file
/// has no use for, each with its place: more than one document, tags (`!!binary`, `!custom`),
/// keys that are not text (a list, a map or an alias), aliases to nothing, duplicate keys, and
/// nesting deeper than `maxDepth`. Scalars stay text: their type comes from the field they fill.
/// See <https://pyyaml.org/wiki/LibYAML> for the parser.
public enum YAMLReader {
    /// Parses `bytes` (one YAML document) from `file`.
    ///
    /// - Parameters:
    ///   - maxDepth: the most lists and maps open inside one another (the top-level map is 1).
    ///   - maxNodes: the most nodes accepted, aliases counted expanded; by default twice the file's
    ///     size plus 1,000, which no document reaches without aliases that multiply it.
    /// - Throws: `SeedIssue` with the file, line and column of the first problem.
    public static func parse(_ bytes: [UInt8], file: String, maxDepth: Int = 100, maxNodes: Int? = nil) throws
        -> SeedNode
    {
        var text = try SeedText.decode(bytes, file: file)
        let start = SourceLocation(line: 1, column: 1)
        if SeedText.isBlankYAML(text) {
            throw SeedIssue(file: file, location: start, message: "empty file")
        }
        var builder = NodeBuilder(file: file, maxDepth: maxDepth, budget: maxNodes ?? bytes.count * 2 + 1_000)
        try text.withUTF8 { utf8 in try readEvents(utf8, file: file, into: &builder) }
        // A document of nothing but `---` (and comments) is one empty plain scalar.
        guard let root = builder.root, root.value != .scalar("", isPlain: true) else {
            throw SeedIssue(file: file, location: start, message: "empty file")
        }
        return root
    }

    /// Feeds every event libyaml parses from `utf8` to `builder`, until the stream ends.
    private static func readEvents(
        _ utf8: UnsafeBufferPointer<UInt8>, file: String, into builder: inout NodeBuilder
    ) throws {
        // libyaml keeps a pointer to the parser inside it (the input string's reader), so the
        // parser gets a fixed address rather than a Swift local's.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw SeedIssue(
                file: file, location: SourceLocation(line: 1, column: 1), message: "invalid YAML: out of memory")
        }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_input_string(parser, utf8.baseAddress, utf8.count)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) == 1 else {
                throw parserError(parser.pointee, utf8, file: file)
            }
            defer { yaml_event_delete(&event) }
            // libyaml reports no event only after the end of the stream.
            if event.type == YAML_STREAM_END_EVENT || event.type == YAML_NO_EVENT { break }
            try builder.consume(event)
        }
        try builder.finish()
    }

    /// libyaml's error as "invalid YAML: <problem>" at the place libyaml names.
    private static func parserError(
        _ parser: yaml_parser_t, _ utf8: UnsafeBufferPointer<UInt8>, file: String
    ) -> SeedIssue {
        let problem = parser.problem.map { String(cString: $0) } ?? "out of memory"
        if parser.error == YAML_READER_ERROR {
            // The reader names a byte offset, not a mark (control characters and the like).
            var message = "invalid YAML: \(problem)"
            if parser.problem_value >= 0 {
                let hex = String(parser.problem_value, radix: 16, uppercase: true)
                message += " (U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex))"
            }
            return SeedIssue(
                file: file, location: SourceText.location(ofByte: parser.problem_offset, in: utf8), message: message)
        }
        let location = place(parser.problem_mark)
        var message = "invalid YAML: \(problem)"
        if let context = parser.context, place(parser.context_mark) != location {
            let start = place(parser.context_mark)
            message += " (\(String(cString: context)) at \(start.line):\(start.column))"
        }
        return SeedIssue(file: file, location: location, message: message)
    }

    /// libyaml's marks are 0-based and count characters, that is Unicode scalars.
    fileprivate static func place(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(line: mark.line + 1, column: mark.column + 1)
    }
}

/// Builds `SeedNode`s from libyaml's events with a stack of the lists and maps still open.
private struct NodeBuilder {
    /// A finished node with what an alias to it costs: its node count and how deep it nests.
    struct Built {
        var node: SeedNode
        /// Nodes in it, aliases expanded (saturating, so an alias bomb cannot overflow it).
        var size: Int
        /// Lists and maps nested in it, itself included: 0 for a scalar.
        var height: Int
    }

    /// A list or map whose end event has not come yet.
    struct Open {
        let location: SourceLocation
        let anchor: String?
        let isMapping: Bool
        var items: [SeedNode] = []
        var pairs: [SeedNode.Pair] = []
        /// A mapping's key waiting for its value.
        var key: SeedNode?
        var keys: Set<String> = []
        /// The first duplicate key, reported when the mapping ends (where a composer would check
        /// it), so that a worse problem inside the mapping, such as an alias for a key, comes first.
        var duplicate: (key: String, location: SourceLocation)?
        var size = 1
        var height = 1

        var expectsKey: Bool { isMapping && key == nil }
    }

    let file: String
    let maxDepth: Int
    let budget: Int
    private(set) var root: SeedNode?
    private var open: [Open] = []
    private var anchors: [String: Built] = [:]
    private var documents = 0
    private var nodes = 0
    /// Where the node count first passed the budget; reported once the whole file has parsed, so
    /// that a plain syntax error is named first.
    private var overBudget: SourceLocation?

    init(file: String, maxDepth: Int, budget: Int) {
        self.file = file
        self.maxDepth = maxDepth
        self.budget = budget
    }

    /// True when the next node is the key of the innermost open mapping.
    private var expectsKey: Bool {
        guard let last = open.indices.last else { return false }
        return open[last].expectsKey
    }

    mutating func consume(_ event: yaml_event_t) throws {
        let location = YAMLReader.place(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw error("a seed file holds one YAML document; a second one starts here", at: location)
            }
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            try refuseTag(scalar.tag, at: location)
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let built = Built(
                node: SeedNode(.scalar(text, isPlain: scalar.style == YAML_PLAIN_SCALAR_STYLE), at: location),
                size: 1, height: 0)
            if let anchor = scalar.anchor { anchors[String(cString: anchor)] = built }
            count(1, at: location)
            if expectsKey {
                addKey(text, built.node)
            } else {
                add(built)
            }
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            try begin(isMapping: false, anchor: start.anchor, tag: start.tag, at: location)
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            try begin(isMapping: true, anchor: start.anchor, tag: start.tag, at: location)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            try end()
        case YAML_ALIAS_EVENT:
            try alias(String(cString: event.data.alias.anchor), at: location)
        default:
            break
        }
    }

    /// Reports the node budget, once the file has parsed without a worse problem.
    func finish() throws {
        if let overBudget {
            throw error(
                "the document expands to too many nodes (an alias bomb?); seed files may use few aliases",
                at: overBudget)
        }
    }

    private mutating func begin(
        isMapping: Bool, anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?,
        at location: SourceLocation
    ) throws {
        if expectsKey {
            throw error("a mapping key must be plain text, not a list or map", at: location)
        }
        try refuseTag(tag, at: location)
        if open.count + 1 > maxDepth { throw error("nesting deeper than \(maxDepth) levels", at: location) }
        count(1, at: location)
        open.append(Open(location: location, anchor: anchor.map { String(cString: $0) }, isMapping: isMapping))
    }

    private mutating func end() throws {
        guard let done = open.popLast() else { return }
        if let duplicate = done.duplicate {
            throw error("duplicate key '\(duplicate.key)' in one mapping", at: duplicate.location)
        }
        let node = SeedNode(done.isMapping ? .mapping(done.pairs) : .sequence(done.items), at: done.location)
        let built = Built(node: node, size: done.size, height: done.height)
        if let anchor = done.anchor { anchors[anchor] = built }
        add(built)
    }

    private mutating func alias(_ name: String, at location: SourceLocation) throws {
        if expectsKey { throw error("an alias cannot be a mapping key", at: location) }
        guard let target = anchors[name] else {
            if open.contains(where: { $0.anchor == name }) {
                throw error("alias '*\(name)' is inside the node it names (a cycle)", at: location)
            }
            throw error("unknown alias '*\(name)': no anchor '&\(name)' comes before it", at: location)
        }
        if open.count + target.height > maxDepth {
            throw error("nesting deeper than \(maxDepth) levels", at: location)
        }
        count(target.size, at: location)
        add(target)
    }

    /// Adds a finished node as the next item of the open list, the value of the open map's
    /// pending key, or the root.
    private mutating func add(_ built: Built) {
        guard !open.isEmpty else {
            root = built.node
            return
        }
        let last = open.count - 1
        open[last].size = Self.sum(open[last].size, built.size)
        open[last].height = max(open[last].height, built.height + 1)
        // Keys never come here (see `addKey`), so an open mapping always has its key pending.
        if let key = open[last].key {
            open[last].pairs.append(SeedNode.Pair(key: key, value: built.node))
            open[last].key = nil
        } else {
            open[last].items.append(built.node)
        }
    }

    /// Sets a scalar as the open map's pending key, noting the first duplicate.
    private mutating func addKey(_ text: String, _ node: SeedNode) {
        let last = open.count - 1
        open[last].size = Self.sum(open[last].size, 1)
        open[last].key = node
        if open[last].duplicate == nil && !open[last].keys.insert(text).inserted {
            open[last].duplicate = (text, node.location)
        }
    }

    private mutating func count(_ size: Int, at location: SourceLocation) {
        nodes = Self.sum(nodes, size)
        if nodes > budget && overBudget == nil { overBudget = location }
    }

    /// Seed files refuse every tag: values are text converted by the field they fill, so a tag
    /// could only disagree with the schema (`!!int`), ask for a type we never build (`!!binary`,
    /// `!custom`), or restate the default (`!!str`, which quoting says more plainly).
    private func refuseTag(_ tag: UnsafeMutablePointer<yaml_char_t>?, at location: SourceLocation) throws {
        guard let tag else { return }
        var name = String(cString: tag)
        let core = "tag:yaml.org,2002:"
        if name.hasPrefix(core) { name = "!!" + name.dropFirst(core.count) }
        throw error(
            "a seed file cannot use YAML tags ('\(name)'); write the value as plain or quoted text", at: location)
    }

    private func error(_ message: String, at location: SourceLocation) -> SeedIssue {
        SeedIssue(file: file, location: location, message: message)
    }

    private static func sum(_ lhs: Int, _ rhs: Int) -> Int {
        let (total, overflow) = lhs.addingReportingOverflow(rhs)
        return overflow ? .max : total
    }
}
