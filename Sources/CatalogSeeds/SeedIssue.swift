import CatalogKit

/// A problem in a seed file: the file, the place and what is wrong.
///
/// Every reader and check reports this one type, a syntax error (`JSONReader`, `YAMLReader`,
/// `CSVReader`) as well as a field that fails validation, so all print the same way:
///
/// ```
/// Seeds/frameworks.csv:4:13: 'kind': expected one of full-stack, microframework, found web
/// ```
public struct SeedIssue: Error, Sendable, Hashable, CustomStringConvertible, Comparable {
    public var file: String
    public var location: SourceLocation
    public var message: String

    public init(file: String, location: SourceLocation, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    /// `file:line:column: message`, one line.
    public var description: String { "\(file):\(location.line):\(location.column): \(message)" }

    /// File order: by file, then by place in the file.
    public static func < (lhs: SeedIssue, rhs: SeedIssue) -> Bool {
        (lhs.file, lhs.location) < (rhs.file, rhs.location)
    }
}
