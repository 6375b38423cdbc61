import Foundation
import Testing

/// The hostile-input corpus in `Tests/Fixtures/hostile`: each case gets its exact error, within a
/// time and memory bound, and leaves the database as it was.
@Suite(.serialized) struct HostileInputTests {
    static let corpus = CLISandbox.projectRoot + "/Tests/Fixtures/hostile"

    /// File -> (exit code, a piece of the error that names the problem).
    static let seedCases: [String: (Int32, String)] = [
        "billion_laughs.yml": (1, "the document expands to too many nodes (an alias bomb?)"),
        "deep_nesting.yml": (1, "deep_nesting.yml:1:111: nesting deeper than 100 levels"),
        "deep_nesting.json": (1, "nesting deeper than 100 levels"),
        "invalid_utf8.yml": (1, "invalid_utf8.yml:2:14: invalid UTF-8"),
        "nul_byte.yml": (1, "nul_byte.yml:2:15: NUL byte in a text file"),
        "duplicate_keys.yml": (1, "duplicate key 'name' in one mapping"),
        "duplicate_keys.json": (1, "duplicate_keys.json:1:33: duplicate field 'name'"),
        "tab_indentation.yml": (
            1, "tab_indentation.yml:2:1: invalid YAML: found character that cannot start any token"
        ),
        "norway.yml": (
            1, "norway.yml:2:11: 'name': plain NO is a boolean or null in YAML; quote it (\"NO\") to mean the text"
        ),
        "number_for_string.yml": (1, "'name': plain 12345 is a number in YAML; quote it (\"12345\") to mean the text"),
        "octal_looking_year.yml": (1, "'released': expected a whole number, found the text \"012345\""),
        "trailing_comma.json": (1, "trailing_comma.json:1:32: trailing comma before ']'"),
        "unbalanced_quote.companies.csv": (1, "unbalanced_quote.companies.csv:3:1: unterminated quoted field"),
        "ragged_rows.companies.csv": (1, "ragged_rows.companies.csv:3:"),
        "missing_required_column.companies.csv": (1, "the header needs a 'name' column"),
        "unknown_kind.widgets.csv": (1, "a CSV seed file is named after its record kind"),
        "bom_crlf.companies.csv": (0, ""),
        "empty.yml": (1, "empty.yml:1:1: empty file"),
        "not_a_mapping.yml": (1, "a seed file must be a mapping of record kinds"),
        // Found by the YAML fuzzer: an alias as a key made Yams hash an alias bomb (a timeout).
        "fuzz_alias_key_slow.yml": (1, "fuzz_alias_key_slow.yml:9:8: an alias cannot be a mapping key"),
        "fuzz_alias_key_timeout.yml": (1, "fuzz_alias_key_timeout.yml:16:8: an alias cannot be a mapping key"),
    ]

    @Test func everySeedCaseFailsWithItsErrorQuicklyAndInLittleMemory() throws {
        let sandbox = try CLISandbox(.project)
        #expect(try sandbox.run(["setup"]).exitCode == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus + "/seeds")
        #expect(Set(files) == Set(Self.seedCases.keys), "corpus and table differ")
        for (file, (code, message)) in Self.seedCases.sorted(by: { $0.key < $1.key }) {
            let before = try sandbox.sqlite("SELECT count(*) FROM companies")
            let measured = try Self.measure(sandbox, ["seed", Self.corpus + "/seeds/" + file])
            #expect(measured.exitCode == code, "\(file): \(measured.stderr)")
            #expect(message.isEmpty || measured.stderr.contains(message), "\(file): \(measured.stderr)")
            #expect(measured.seconds < 5, "\(file) took \(measured.seconds) s")
            #expect(measured.megabytes < 200, "\(file) used \(measured.megabytes) MB")
            if code != 0 { #expect(try sandbox.sqlite("SELECT count(*) FROM companies") == before, "\(file)") }
        }
    }

    @Test func aFiftyMegabyteLineIsRefusedWithinBounds() throws {
        let sandbox = try CLISandbox(.project)
        #expect(try sandbox.run(["setup"]).exitCode == 0)
        let path = sandbox.root + "/long.yml"
        var text = Data("companies:\n  - name: \"".utf8)
        text.append(Data(repeating: UInt8(ascii: "a"), count: 50 * 1024 * 1024))
        text.append(Data("\"\n".utf8))
        try text.write(to: URL(fileURLWithPath: path))
        let measured = try Self.measure(sandbox, ["seed", path])
        #expect(measured.exitCode == 1)
        #expect(
            measured.stderr.contains("long.yml:2:11: 'name': is longer than 10000 bytes (52428800)"),
            "\(measured.stderr)")
        #expect(measured.seconds < 30, "took \(measured.seconds) s")
        #expect(measured.megabytes < 1_500, "used \(measured.megabytes) MB")
    }

    @Test func namesWithQuotesWildcardsKeywordsEmojiAndRightToLeftTextAreJustNames() throws {
        let sandbox = try CLISandbox(.project)
        let names = [
            "O'Reilly \"Media\"", "100% Pure_Data", "Semi; Colon", "DROP TABLE companies", "SELECT", "Rocket 🚀 Labs",
            "شركة الاختبار", "x' OR '1'='1",
        ]
        var yaml = "companies:\n"
        for name in names {
            yaml += "  - name: '" + name.replacingOccurrences(of: "'", with: "''") + "'\n"
        }
        yaml += "framework_companies:\n"
        for name in names {
            yaml += "  - {framework: Flask, company: '" + name.replacingOccurrences(of: "'", with: "''") + "'}\n"
        }
        try sandbox.write("Seeds/strange.yml", yaml)
        #expect(try sandbox.run(["setup"]).exitCode == 0)
        for name in names {
            let result = try sandbox.run(["query", "--company", name, "--format", "jsonl"])
            #expect(result.exitCode == 0, "\(name): \(result.stderr)")
            #expect(result.stdout.hasPrefix("{\"name\": \"Flask\""), "\(name)")
            let back = try sandbox.run(["query", "companies", "--company", name, "--format", "csv"])
            #expect(back.stdout.contains("Flask"), "\(name)")
        }
        // Wildcards are not wildcards: "%" and "_" match only a company with that exact name.
        for pattern in ["%", "100_ Pure_Data", "%Pure%"] {
            let result = try sandbox.run(["query", "--company", pattern])
            #expect(result.exitCode == 1, "\(pattern)")
            #expect(result.stderr.hasPrefix("error: no company named"), "\(pattern)")
        }
        #expect(try sandbox.sqlite("SELECT count(*) FROM companies") == "\(32 + names.count)\n")
    }

    /// Runs catalog under /usr/bin/time and returns its exit code, stderr, seconds and peak memory.
    static func measure(_ sandbox: CLISandbox, _ arguments: [String]) throws -> (
        exitCode: Int32, stderr: String, seconds: Double, megabytes: Int
    ) {
        let result = try sandbox.start(
            ["/usr/bin/time", "-f", "TIME %e %M", CLISandbox.binary] + arguments, shell: true
        ).wait()
        var lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        let timing = (lines.popLast() ?? "").split(separator: " ")
        let seconds = timing.count == 3 ? Double(timing[1]) ?? 0 : 0
        let kilobytes = timing.count == 3 ? Int(timing[2]) ?? 0 : 0
        return (result.exitCode, lines.joined(separator: "\n"), seconds, kilobytes / 1024)
    }
}
