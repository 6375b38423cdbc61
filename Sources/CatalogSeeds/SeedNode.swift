import CatalogKit

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
