import CatalogKit

/// What seed files may contain: the record kinds, their fields and the fields' types.
///
/// The schema is data, so validation, CSV headers and `docs/seeds.md` all follow one table.
public enum SeedKind: String, CaseIterable, Sendable {
    case languages
    case features
    case companies
    case frameworks
    case frameworkCompanies = "framework_companies"
    case frameworkFeatures = "framework_features"
    case frameworkCapabilities = "framework_capabilities"

    /// The fields of a record of this kind, in documentation order.
    var fields: [SeedField] {
        switch self {
        case .languages:
            return [SeedField("name", .text, required: true), SeedField("aliases", .list)]
        case .features:
            return [SeedField("name", .text, required: true)]
        case .companies:
            return [SeedField("name", .text, required: true), SeedField("aliases", .list)]
        case .frameworks:
            return [
                SeedField("name", .text, required: true), SeedField("language", .text, required: true),
                SeedField("released", .integer(1990...2100)), SeedField("architecture", .text),
                SeedField("open_source", .boolean),
                SeedField("kind", .choice(["full-stack", "microframework"]), required: true),
                SeedField("description", .text), SeedField("aliases", .list), SeedField("features", .list),
                SeedField("capabilities", .list), SeedField("companies", .list),
            ]
        case .frameworkCompanies:
            return [SeedField("framework", .text, required: true), SeedField("company", .text, required: true)]
        case .frameworkFeatures, .frameworkCapabilities:
            return [SeedField("framework", .text, required: true), SeedField("feature", .text, required: true)]
        }
    }

    /// The singular noun for messages ("unknown company").
    var singular: String {
        switch self {
        case .languages: return "language"
        case .features: return "feature"
        case .companies: return "company"
        case .frameworks: return "framework"
        case .frameworkCompanies: return "framework-company link"
        case .frameworkFeatures: return "framework-feature link"
        case .frameworkCapabilities: return "framework-capability link"
        }
    }
}

/// One field of a seed record.
struct SeedField: Sendable {
    enum FieldType: Sendable {
        case text
        case integer(ClosedRange<Int>)
        case boolean
        case choice([String])
        /// A list of text (a YAML/JSON sequence; in CSV, items separated by `;`).
        case list
    }

    let name: String
    let type: FieldType
    let required: Bool

    init(_ name: String, _ type: FieldType, required: Bool = false) {
        self.name = name
        self.type = type
        self.required = required
    }
}

/// A value with the place it came from.
public struct Located<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var file: String
    public var location: SourceLocation

    public init(_ value: Value, file: String, location: SourceLocation) {
        self.value = value
        self.file = file
        self.location = location
    }
}

/// A typed field value.
enum SeedValue: Sendable, Hashable {
    case text(String)
    case integer(Int)
    case boolean(Bool)
    case list([Located<String>])
}

/// One record read from a file, with typed fields, before references are resolved.
struct SeedRecord: Sendable {
    var kind: SeedKind
    var file: String
    var location: SourceLocation
    var fields: SeedFields

    func text(_ name: String) -> Located<String>? {
        guard let field = fields[name], case .text(let text) = field.value else { return nil }
        return Located(text, file: field.file, location: field.location)
    }

    func integer(_ name: String) -> Int? {
        guard case .integer(let value) = fields[name]?.value else { return nil }
        return value
    }

    func boolean(_ name: String) -> Bool? {
        guard case .boolean(let value) = fields[name]?.value else { return nil }
        return value
    }

    func list(_ name: String) -> [Located<String>] {
        guard case .list(let items) = fields[name]?.value else { return [] }
        return items
    }
}

/// The fields of one record, by name: a short list searched in order (a record has at most a
/// dozen fields, and a CSV load builds millions of records, so no hashing and one allocation).
struct SeedFields: Sendable {
    private var entries: [(name: String, value: Located<SeedValue>)] = []

    subscript(name: String) -> Located<SeedValue>? {
        get { entries.first(where: { $0.name == name })?.value }
        set {
            if let index = entries.firstIndex(where: { $0.name == name }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((name, newValue))
            }
        }
    }
}

/// Every problem found, reported together (up to `limit`).
public struct SeedValidationError: Error, Sendable, CustomStringConvertible {
    public var issues: [SeedIssue]
    /// How many more issues were found but not kept.
    public var omitted: Int

    /// The most issues kept for one run.
    public static let limit = 50

    public var description: String {
        var lines = issues.map(\.description)
        if omitted > 0 { lines.append("... and \(omitted) more \(omitted == 1 ? "problem" : "problems")") }
        return lines.joined(separator: "\n")
    }
}

/// Collects issues up to the limit.
struct IssueLog {
    private(set) var issues: [SeedIssue] = []
    private(set) var omitted = 0

    mutating func add(_ file: String, _ location: SourceLocation, _ message: String) {
        add(SeedIssue(file: file, location: location, message: message))
    }

    mutating func add(_ issue: SeedIssue) {
        if issues.count < SeedValidationError.limit { issues.append(issue) } else { omitted += 1 }
    }

    var isEmpty: Bool { issues.isEmpty }

    /// True once no further issue will be kept (work spent describing one is wasted).
    var isFull: Bool { issues.count >= SeedValidationError.limit }

    func check() throws {
        if !issues.isEmpty { throw SeedValidationError(issues: issues.sorted(), omitted: omitted) }
    }
}
