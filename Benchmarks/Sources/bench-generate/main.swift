// bench-generate SIZE OUTDIR [--seed N]
//
// Writes a synthetic catalog as CSV seed files (docs/seeds.md) into OUTDIR: languages.csv,
// features.csv, companies.csv, frameworks.csv, framework_companies.csv and
// framework_features.csv. Deterministic: the same SIZE and seed give byte-identical files
// (SplitMix64, no Foundation, no system randomness). Records refer to each other by name; link
// files hold unique pairs in random order. Names are unique ignoring ASCII case.
//
// SIZE    languages  frameworks  features  companies  framework_companies  framework_features
// small         200          20        50     10,000               30,000                 500
// medium        200         200       500    100,000              300,000               5,000
// large         200       2,000     5,000  1,000,000            3,000,000              50,000
//
// Languages stay 200 at every size; the other counts scale by 1/10 and 1/100.
//
// bench-generate formats N OUTDIR [--seed N] writes one data set in the three seed formats
// instead: N companies (every third with an alias) as OUTDIR/csv/companies.csv,
// OUTDIR/json/companies.json and OUTDIR/yaml/companies.yml, the same records in each, to compare
// the readers on equal data.

import BenchSupport

#if canImport(Glibc)
    import Glibc
#endif

struct Counts {
    var languages: Int
    var frameworks: Int
    var features: Int
    var companies: Int
    var frameworkCompanies: Int
    var frameworkFeatures: Int

    static func named(_ size: String) -> Counts? {
        let divisor: Int
        switch size {
        case "small": divisor = 100
        case "medium": divisor = 10
        case "large": divisor = 1
        default: return nil
        }
        return Counts(
            languages: 200, frameworks: 2_000 / divisor, features: 5_000 / divisor,
            companies: 1_000_000 / divisor, frameworkCompanies: 3_000_000 / divisor,
            frameworkFeatures: 50_000 / divisor)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and the same on every platform.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound (bound > 0), without modulo bias worth mentioning (128-bit multiply).
    mutating func below(_ bound: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Buffered output to one file with fopen/fwrite.
final class CSVFile {
    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    private var buffer: [UInt8] = []
    private static let flushSize = 1 << 20

    init(_ path: String) {
        guard let file = fopen(path, "wb") else { fail("bench-generate: cannot create \(path)") }
        self.file = file
        self.path = path
        buffer.reserveCapacity(Self.flushSize + 4_096)
    }

    /// One record; fields are quoted when they hold a comma, a quote or a line break (RFC 4180).
    func row(_ fields: String...) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            let bytes = field.utf8
            if bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                buffer.append(0x22)
                for byte in bytes {
                    if byte == 0x22 { buffer.append(0x22) }
                    buffer.append(byte)
                }
                buffer.append(0x22)
            } else {
                buffer.append(contentsOf: bytes)
            }
        }
        buffer.append(0x0A)
        if buffer.count >= Self.flushSize { flush() }
    }

    /// One line of text, as written.
    func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count >= Self.flushSize { flush() }
    }

    private func flush() {
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != buffer.count { fail("bench-generate: cannot write \(path)") }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() {
        flush()
        if fclose(file) != 0 { fail("bench-generate: cannot write \(path)") }
    }
}

/// Unique names, ignoring ASCII case: a clash gets the next free number appended.
struct NameSet {
    private var seen: Set<String> = []
    /// The next number to try per folded base name, so clashes cost one probe, not one per earlier clash.
    private var nextNumber: [String: Int] = [:]

    mutating func claim(_ base: String) -> String {
        let key = fold(base)
        if seen.insert(key).inserted { return base }
        var number = nextNumber[key] ?? 2
        var name = "\(base) \(number)"
        while !seen.insert(fold(name)).inserted {
            number += 1
            name = "\(base) \(number)"
        }
        nextNumber[key] = number + 1
        return name
    }

    private func fold(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return text }
        return String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}

enum Words {
    static let languages = [
        "Ada", "Bash", "C", "C#", "C++", "Clojure", "COBOL", "Crystal", "D", "Dart", "Elixir", "Elm", "Erlang",
        "F#", "Fortran", "Go", "Groovy", "Haskell", "Java", "JavaScript", "Julia", "Kotlin", "Lua", "Nim",
        "Objective-C", "OCaml", "Pascal", "Perl", "PHP", "Prolog", "Python", "R", "Racket", "Ruby", "Rust",
        "Scala", "Scheme", "Smalltalk", "Swift", "Tcl", "TypeScript", "V", "Visual Basic", "Zig",
    ]
    static let syllables = [
        "ka", "lo", "mi", "ra", "zen", "tor", "vex", "qua", "nix", "sol", "dar", "bel", "cor", "fy", "gal",
        "hum", "jin", "kel", "lum", "mor", "nov", "pax", "rho", "sig", "tal", "ul", "vor", "wen", "xi", "yu",
    ]
    static let frameworkHeads = [
        "Iron", "Silver", "Rapid", "Quantum", "Falcon", "Phoenix", "Nimble", "Cobalt", "Aurora", "Granite",
        "Hyper", "Micro", "Nano", "Atlas", "Comet", "Drift", "Echo", "Flux", "Glide", "Harbor", "Ion", "Jet",
        "Koi", "Lark", "Maple", "Nova", "Orbit", "Pulse", "Quartz", "Raven", "Sable", "Tide", "Umber", "Vortex",
        "Willow", "Xenon", "Yak", "Zephyr", "Bolt", "Cedar",
    ]
    static let frameworkTails = [
        "Rails", "Flask", "Forge", "Stack", "Kit", "Works", "Web", "Server", "Express", "Boot", "Core", "MVC",
        "API", "Router", ".js", "Framework", "Engine", "Hub", "Press", "Wire",
    ]
    static let architectures = ["MVC", "MVT", "MVVM", "Hexagonal", "Layered", "Event-driven", "Microkernel"]
    static let featureHeads = [
        "Async", "Secure", "Built-in", "Automatic", "Declarative", "Streaming", "Typed", "Pluggable", "Reactive",
        "Distributed", "Cached", "Lazy", "Modular", "Scalable", "Transactional", "Versioned", "Live",
        "Incremental", "Parallel", "Zero-copy", "Hot", "Structured", "Encrypted", "Portable", "Observable",
    ]
    static let featureTails = [
        "Routing", "Sessions", "Authentication", "Templating", "ORM", "Migrations", "Validation", "Caching",
        "Logging", "Testing", "Middleware", "WebSockets", "GraphQL", "REST API", "File uploads", "Admin panel",
        "Dependency injection", "Job queues", "Rate limiting", "Metrics", "Tracing", "Configuration",
        "Internationalization", "Form handling", "Serialization", "Scheduling", "Search", "Mailers",
        "Static files", "Health checks",
    ]
    static let companyFirst = [
        "Blue", "Red", "Green", "Silver", "Golden", "North", "South", "East", "West", "Bright", "Clear", "Deep",
        "Swift", "Bold", "Quiet", "Rapid", "Prime", "Grand", "Urban", "Coastal", "Alpine", "Polar", "Solar",
        "Lunar", "Crimson", "Amber", "Ivory", "Jade", "Onyx", "Ruby", "Sapphire", "Cobalt", "Emerald", "Summit",
        "Harbor", "River", "Canyon", "Meadow", "Forest", "Desert", "Island", "Valley", "Mountain", "Ocean",
        "Stone", "Iron", "Copper", "Cedar", "Maple", "Oak", "O'Brien", "McAllister", "Zürich", "São Paulo",
        "Köln", "Åsgard",
    ]
    static let companySecond = [
        "River", "Peak", "Bridge", "Field", "Gate", "Harbor", "Labs", "Works", "Point", "Line", "Path", "Wave",
        "Signal", "Pixel", "Cloud", "Data", "Logic", "Matrix", "Vector", "Circuit", "Network", "Systems",
        "Dynamics", "Analytics", "Robotics", "Media", "Health", "Energy", "Finance", "Logistics", "Foods",
        "Motors", "Studios", "Games", "Retail", "Travel", "Security", "Software", "Capital", "Partners",
    ]
    static let companySuffixes = [
        "", "", "", "", "", "", " Inc.", " LLC", " Ltd", " GmbH", " AG", " & Co.", " Group", " Holdings",
        ", Inc.", " S.A.", " Corp", " Co", " Technologies", " International",
    ]
}

func generate(_ counts: Counts, into directory: String, seed: UInt64) {
    var random = SplitMix64(seed: seed)

    // Languages: real names first, then invented ones from syllables.
    var languageNames = NameSet()
    var languages: [String] = []
    for name in Words.languages.prefix(counts.languages) { languages.append(languageNames.claim(name)) }
    while languages.count < counts.languages {
        var word = ""
        for _ in 0..<(2 + random.below(2)) { word += random.pick(Words.syllables) }
        languages.append(languageNames.claim(word.prefix(1).uppercased() + word.dropFirst()))
    }

    var featureNames = NameSet()
    var features: [String] = []
    for _ in 0..<counts.features {
        features.append(featureNames.claim("\(random.pick(Words.featureHeads)) \(random.pick(Words.featureTails))"))
    }

    var companyNames = NameSet()
    var companies: [String] = []
    companies.reserveCapacity(counts.companies)
    for _ in 0..<counts.companies {
        let base =
            "\(random.pick(Words.companyFirst)) \(random.pick(Words.companySecond))\(random.pick(Words.companySuffixes))"
        companies.append(companyNames.claim(base))
    }

    // Framework names hold no comma or quote, so their CSV cells are never quoted.
    var frameworkNames = NameSet()
    var frameworks: [String] = []
    for _ in 0..<counts.frameworks {
        let tail = random.pick(Words.frameworkTails)
        let head = random.pick(Words.frameworkHeads)
        frameworks.append(frameworkNames.claim(tail == ".js" ? head + tail : "\(head) \(tail)"))
    }

    let languagesFile = CSVFile(directory + "/languages.csv")
    languagesFile.row("name")
    for name in languages { languagesFile.row(name) }
    languagesFile.close()

    let featuresFile = CSVFile(directory + "/features.csv")
    featuresFile.row("name")
    for name in features { featuresFile.row(name) }
    featuresFile.close()

    let companiesFile = CSVFile(directory + "/companies.csv")
    companiesFile.row("name")
    for name in companies { companiesFile.row(name) }
    companiesFile.close()

    let frameworksFile = CSVFile(directory + "/frameworks.csv")
    frameworksFile.row("name", "language", "released", "kind", "architecture", "open_source")
    for name in frameworks {
        let language = random.pick(languages)
        let released = String(1990 + random.below(36))
        let kind = random.below(3) == 0 ? "microframework" : "full-stack"
        let architecture = random.below(4) == 0 ? "" : random.pick(Words.architectures)
        let openSource = random.below(10) == 0 ? "false" : "true"
        frameworksFile.row(name, language, released, kind, architecture, openSource)
    }
    frameworksFile.close()

    writeLinks(
        directory + "/framework_companies.csv", header: "company", count: counts.frameworkCompanies,
        frameworks: frameworks, others: companies, random: &random)
    writeLinks(
        directory + "/framework_features.csv", header: "feature", count: counts.frameworkFeatures,
        frameworks: frameworks, others: features, random: &random)
}

/// `count` unique (framework, other) pairs drawn at random, written in the order drawn.
func writeLinks(
    _ path: String, header: String, count: Int, frameworks: [String], others: [String], random: inout SplitMix64
) {
    let space = frameworks.count * others.count
    if count > space / 2 { fail("bench-generate: \(count) links do not fit \(space) pairs sparsely enough") }
    var seen: Set<Int> = []
    seen.reserveCapacity(count)
    let file = CSVFile(path)
    file.row("framework", header)
    while seen.count < count {
        let framework = random.below(frameworks.count)
        let other = random.below(others.count)
        guard seen.insert(framework * others.count + other).inserted else { continue }
        file.row(frameworks[framework], others[other])
    }
    file.close()
}

/// `count` companies, every third with an alias, in CSV, JSON and YAML under `directory`.
func generateFormats(_ count: Int, into directory: String, seed: UInt64) {
    var random = SplitMix64(seed: seed)
    var names = NameSet()
    var records: [(name: String, alias: String?)] = []
    records.reserveCapacity(count)
    for index in 0..<count {
        let base =
            "\(random.pick(Words.companyFirst)) \(random.pick(Words.companySecond))\(random.pick(Words.companySuffixes))"
        let name = names.claim(base)
        records.append((name, index % 3 == 0 ? names.claim("\(name) #\(index)") : nil))
    }
    for folder in ["csv", "json", "yaml"] {
        let path = directory + "/" + folder
        if mkdir(path, 0o755) != 0 && errno != EEXIST { fail("bench-generate: cannot create \(path)") }
    }
    // JSON and YAML share one quoting: the names hold no quote, backslash or control character.
    func quoted(_ text: String) -> String { "\"" + text + "\"" }
    let csv = CSVFile(directory + "/csv/companies.csv")
    csv.row("name", "aliases")
    let json = CSVFile(directory + "/json/companies.json")
    json.line("{\"companies\": [")
    let yaml = CSVFile(directory + "/yaml/companies.yml")
    yaml.line("companies:")
    for (index, record) in records.enumerated() {
        csv.row(record.name, record.alias ?? "")
        let aliases = record.alias.map { ", \"aliases\": [\(quoted($0))]" } ?? ""
        json.line("  {\"name\": \(quoted(record.name))\(aliases)}" + (index == records.count - 1 ? "" : ","))
        yaml.line("  - name: \(quoted(record.name))")
        if let alias = record.alias { yaml.line("    aliases: [\(quoted(alias))]") }
    }
    json.line("]}")
    csv.close()
    json.close()
    yaml.close()
}

let usage = "usage: bench-generate small|medium|large OUTDIR [--seed N] | bench-generate formats N OUTDIR [--seed N]"
var arguments = Array(CommandLine.arguments.dropFirst())
var seed: UInt64 = 20_241_124
if let index = arguments.firstIndex(of: "--seed") {
    guard index + 1 < arguments.count, let value = UInt64(arguments[index + 1]) else { fail(usage, status: 2) }
    seed = value
    arguments.removeSubrange(index...(index + 1))
}
if arguments.first == "formats" {
    guard arguments.count == 3, let count = Int(arguments[1]), count > 0 else { fail(usage, status: 2) }
    let directory = arguments[2]
    if mkdir(directory, 0o755) != 0 && errno != EEXIST { fail("bench-generate: cannot create \(directory)") }
    generateFormats(count, into: directory, seed: seed)
    exit(0)
}
guard arguments.count == 2, let counts = Counts.named(arguments[0]) else { fail(usage, status: 2) }
let directory = arguments[1]
if mkdir(directory, 0o755) != 0 && errno != EEXIST { fail("bench-generate: cannot create \(directory)") }
let start = monotonicNanoseconds()
generate(counts, into: directory, seed: seed)
writeError(
    "bench-generate: \(arguments[0]) catalog (seed \(seed)) in \(directory) "
        + "(\(fixed(Double(monotonicNanoseconds() - start) / 1e9)) s)")
