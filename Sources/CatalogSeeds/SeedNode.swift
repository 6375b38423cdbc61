/// A position in a seed file: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// One node of a parsed YAML or JSON seed document, with where it starts in its file.
///
/// Scalars stay text: they are converted by the type of the field they fill, never guessed from
/// their spelling, so YAML 1.1 surprises (`NO` -> false, `012345` -> octal) cannot happen.
public struct SeedNode: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        /// A scalar's text. `isPlain` is false for quoted scalars (YAML `'x'`/`"x"`, JSON strings):
        /// only plain scalars may be numbers, booleans or null.
        case scalar(String, isPlain: Bool)
        /// Key-value pairs in file order; duplicate keys are kept for the validator to report.
        case mapping([Pair])
        case sequence([SeedNode])
    }

    public struct Pair: Sendable, Hashable {
        public var key: SeedNode
        public var value: SeedNode

        public init(key: SeedNode, value: SeedNode) {
            self.key = key
            self.value = value
        }
    }

    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// A seed file that cannot be read or parsed: the file, the place and what is wrong.
public struct SeedSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var location: SourceLocation
    public var message: String

    public init(file: String, location: SourceLocation, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String { "\(file):\(location.line):\(location.column): \(message)" }
}
