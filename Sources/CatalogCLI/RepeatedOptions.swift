/// The repeatable options that can take many values (`query --company`, `sql --param`), read in
/// one pass before argument-parser sees the command line.
///
/// argument-parser 1.8 removes each argument it consumes from an array, searching it from the
/// start: n arguments cost O(n²) (1,000 `--param` values took 0.15 s, 4,000 took 1.9 s, 10,000
/// about 12 s). Taking these options out first keeps any number of them linear. An option is
/// taken only when every occurrence is plain (`--name value` with a value not starting with `-`,
/// or `--name=value`), before any `--`; otherwise all its occurrences stay for argument-parser,
/// so its errors and edge cases are unchanged.
enum RepeatedOptions {
    /// The options taken out, by subcommand (the first argument).
    static let repeatable: [String: [String]] = [
        "query": ["company", "framework", "feature", "language"],
        "sql": ["param"],
    ]

    /// The values taken out of this command line, by option name; absent when argument-parser
    /// parsed the option itself.
    @TaskLocal static var taken: [String: [String]] = [:]

    /// The values of option `name`: taken out before parsing, or else as argument-parser parsed them.
    static func values(_ name: String, parsed: [String]) -> [String] {
        taken[name] ?? parsed
    }

    /// `arguments` without the plain occurrences of the repeatable options of their
    /// subcommand, and the values taken out, by option name, in order.
    static func take(from arguments: [String]) -> (arguments: [String], taken: [String: [String]]) {
        guard let command = arguments.first, let names = repeatable[command] else { return (arguments, [:]) }
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        let flags = Dictionary(uniqueKeysWithValues: names.map { ("--" + $0, $0) })
        // First pass: which options can be taken (every occurrence plain), and their values.
        var values: [String: [String]] = [:]
        var blocked = Set<String>()
        var index = 1
        while index < end {
            let argument = arguments[index]
            if let name = flags[argument] {
                if index + 1 < end, !arguments[index + 1].hasPrefix("-") {
                    values[name, default: []].append(arguments[index + 1])
                    index += 2
                    continue
                }
                blocked.insert(name)
            } else if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "="),
                let name = flags[String(argument[..<equals])]
            {
                values[name, default: []].append(String(argument[argument.index(after: equals)...]))
            }
            index += 1
        }
        for name in blocked { values[name] = nil }
        if values.isEmpty { return (arguments, [:]) }
        // Second pass: the command line without the occurrences taken.
        var remaining: [String] = []
        remaining.reserveCapacity(arguments.count)
        index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if index > 0, index < end {
                if let name = flags[argument], values[name] != nil {
                    index += 2
                    continue
                }
                if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "="),
                    let name = flags[String(argument[..<equals])], values[name] != nil
                {
                    index += 1
                    continue
                }
            }
            remaining.append(argument)
            index += 1
        }
        return (remaining, values)
    }
}
