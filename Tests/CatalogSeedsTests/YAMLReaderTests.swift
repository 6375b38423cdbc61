import Foundation
import Testing

@testable import CatalogSeeds

@Suite struct YAMLReaderTests {
    func parse(_ text: String) throws -> SeedNode {
        try YAMLReader.parse(Array(text.utf8), file: "Seeds/test.yml")
    }

    func syntaxError(_ text: String, maxNodes: Int? = nil) -> SeedIssue? {
        do {
            _ = try YAMLReader.parse(Array(text.utf8), file: "Seeds/test.yml", maxNodes: maxNodes)
            Issue.record("expected a syntax error")
        } catch let error as SeedIssue {
            return error
        } catch {
            Issue.record("unexpected \(error)")
        }
        return nil
    }

    /// The error's place and message, as `line:column: message`.
    func refusal(_ text: String) -> String? {
        syntaxError(text).map { "\($0.location.line):\($0.location.column): \($0.message)" }
    }

    /// `text` (a mapping) parsed, as its pairs.
    func pairs(_ text: String) throws -> [SeedNode.Pair] {
        guard case .mapping(let pairs) = try parse(text).value else {
            Issue.record("not a mapping: \(text)")
            return []
        }
        return pairs
    }

    @Test func scalarsStayTextWithTheirStyleAndPlace() throws {
        let node = try parse(
            "frameworks:\n  - name: 'Django'\n    released: 2005\n    open_source: NO\n    zip: 012345\n")
        guard case .mapping(let top) = node.value, case .sequence(let items) = top[0].value.value,
            case .mapping(let fields) = items[0].value
        else {
            Issue.record("unexpected shape \(node)")
            return
        }
        #expect(top[0].key.value == .scalar("frameworks", isPlain: true))
        #expect(
            fields.map(\.value.value) == [
                .scalar("Django", isPlain: false), .scalar("2005", isPlain: true), .scalar("NO", isPlain: true),
                .scalar("012345", isPlain: true),
            ])
        #expect(fields[1].key.location == SourceLocation(line: 3, column: 5))
        #expect(fields[1].value.location == SourceLocation(line: 3, column: 15))
    }

    @Test func columnsCountUnicodeScalars() throws {
        let fields = try pairs("名前: 'Ünïcödé'\nlist: [é, 😀, x]\n")
        #expect(fields[0].value.value == .scalar("Ünïcödé", isPlain: false))
        #expect(fields[0].value.location == SourceLocation(line: 1, column: 5))
        guard case .sequence(let items) = fields[1].value.value else {
            Issue.record("not a list: \(fields[1])")
            return
        }
        #expect(items.map(\.location.column) == [8, 11, 14])
        #expect(items[1].value == .scalar("😀", isPlain: true))
        // Past a BOM, which is no column, and a decomposed é, which is two scalars.
        let decomposed = try YAMLReader.parse([0xEF, 0xBB, 0xBF] + Array("e\u{301}: v\n".utf8), file: "f.yml")
        guard case .mapping(let pair) = decomposed.value else {
            Issue.record("not a mapping: \(decomposed)")
            return
        }
        #expect(pair[0].key.location == SourceLocation(line: 1, column: 1))
        #expect(pair[0].value.location == SourceLocation(line: 1, column: 5))
        #expect(refusal("é: \u{1}\n") == "1:4: invalid YAML: control characters are not allowed (U+0001)")
    }

    @Test func emptyFilesAndFilesOfOnlyCommentsOrMarkersAreEmpty() {
        for text in [
            "", "# only a comment\n---\n", "\r\n# a comment\r\n---\r\n...\r\n", "--- # nothing here\n", "---  \n",
        ] {
            #expect(refusal(text) == "1:1: empty file", "\(text.debugDescription)")
        }
        // A CRLF file is split into lines at "\n" (a Character "\r\n" once hid every later line).
        #expect(throws: Never.self) { try parse("# a comment\r\nkey: value\r\n") }
    }

    @Test func duplicateKeysAreReportedAtTheDuplicate() {
        #expect(refusal("name: a\nname: b\n") == "2:1: duplicate key 'name' in one mapping")
        #expect(refusal("a: {b: 1, 'b': 2}\n") == "1:11: duplicate key 'b' in one mapping")
        // Keys are compared as text: a quoted '1' and a plain 1 name the same field.
        #expect(refusal("1: a\n'1': b\n") == "2:1: duplicate key '1' in one mapping")
        // A mapping is checked when it ends, before what follows it.
        #expect(refusal("a:\n  b: 1\n  b: 2\nc: [\n") == "3:3: duplicate key 'b' in one mapping")
        // The same key in different mappings is fine.
        #expect(throws: Never.self) { try parse("- name: a\n- name: b\n") }
    }

    @Test func invalidYAMLNamesLibyamlsProblemAndPlace() {
        #expect(
            refusal("a: [1, 2\nb: 3\n")
                == "2:2: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)")
        #expect(
            refusal("companies:\n\t- name: Acme\n") == "2:1: invalid YAML: found character that cannot start any token")
        #expect(
            refusal("a: 1\nb: 2 3\n  c: 4\n") == "3:4: invalid YAML: mapping values are not allowed in this context")
        #expect(refusal("a: \"x\u{7F}\"\n") == "1:6: invalid YAML: control characters are not allowed (U+007F)")
    }

    @Test func aSecondDocumentIsRefusedWhereItStarts() {
        #expect(refusal("a: 1\n---\nb: 2\n") == "2:1: a seed file holds one YAML document; a second one starts here")
        #expect(
            refusal("a: 1\n...\n---\nb: 2\n") == "3:1: a seed file holds one YAML document; a second one starts here")
        #expect(
            refusal("---\na: 1\n--- # stray\n") == "3:1: a seed file holds one YAML document; a second one starts here")
        // One document with its markers and a directive is fine.
        #expect(throws: Never.self) { try parse("%YAML 1.1\n---\na: 1\n...\n") }
    }

    @Test func anAliasCopiesItsAnchoredNode() throws {
        let fields = try pairs("base: &b {lang: Python, open: true}\nx: *b\nlist: [*b, &s 'one', *s]\n")
        #expect(fields[1].value == fields[0].value)
        #expect(fields[1].value.location == SourceLocation(line: 1, column: 7))
        guard case .sequence(let items) = fields[2].value.value else {
            Issue.record("not a list: \(fields[2])")
            return
        }
        #expect(items.count == 3)
        #expect(items[0] == fields[0].value)
        #expect(items[1].value == .scalar("one", isPlain: false))
        #expect(items[2] == items[1])
        // A later anchor of the same name replaces the earlier one.
        let replaced = try pairs("a: &x 1\nb: &x 2\nc: *x\n")
        #expect(replaced[2].value.value == .scalar("2", isPlain: true))
    }

    @Test func anUnknownOrCyclicAliasIsRefused() {
        #expect(refusal("- *x\n") == "1:3: unknown alias '*x': no anchor '&x' comes before it")
        #expect(
            refusal("a: *later\nb: &later 1\n") == "1:4: unknown alias '*later': no anchor '&later' comes before it")
        #expect(refusal("a: &a [*a]\n") == "1:8: alias '*a' is inside the node it names (a cycle)")
    }

    @Test func tagsAreRefused() {
        let advice = "write the value as plain or quoted text"
        #expect(refusal("a: !!binary aGk=\n") == "1:4: a seed file cannot use YAML tags ('!!binary'); \(advice)")
        #expect(refusal("a: !custom x\n") == "1:4: a seed file cannot use YAML tags ('!custom'); \(advice)")
        #expect(refusal("a:\n  - !!str 12\n") == "2:5: a seed file cannot use YAML tags ('!!str'); \(advice)")
        #expect(refusal("a: !!set {x}\n") == "1:4: a seed file cannot use YAML tags ('!!set'); \(advice)")
        // A '!' inside text is not a tag.
        #expect(throws: Never.self) { try parse("a: Hello!\nb: '!!str'\n") }
    }

    @Test func aBillionLaughsIsRejectedQuickly() {
        var bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        let clock = ContinuousClock()
        let start = clock.now
        let error = syntaxError(bomb)
        #expect(
            error?.message
                == "the document expands to too many nodes (an alias bomb?); seed files may use few aliases")
        // d's first alias of c (820 nodes) is the first to pass 2 * 342 + 1,000 nodes.
        #expect(error?.location == SourceLocation(line: 4, column: 8))
        #expect(clock.now - start < .seconds(2))
        #expect(bomb.utf8.count < 400)
        // 4^70 nodes would overflow a plain count.
        var deep = "a0: &a0 [x, x, x, x]\n"
        for level in 1..<70 {
            deep +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 4).joined(separator: ", ") + "]\n"
        }
        #expect(syntaxError(deep)?.message.contains("too many nodes") == true)
        #expect(syntaxError("a: [1, 2, 3]\n", maxNodes: 4)?.location == SourceLocation(line: 1, column: 8))
        #expect(throws: Never.self) { try YAMLReader.parse(Array("a: [1, 2, 3]\n".utf8), file: "f", maxNodes: 6) }
    }

    @Test func aSyntaxErrorAfterAnAliasBombIsNamedFirst() {
        let bomb =
            "a: &a [x, x, x, x, x, x, x, x]\n" + "b: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\n" + "d: [*c, *c, *c, *c, *c, *c, *c, *c]\n"
        #expect(syntaxError(bomb)?.message.contains("too many nodes") == true)
        #expect(refusal(bomb + "e: [\n") == "6:1: invalid YAML: did not find expected node content")
    }

    @Test func deepNestingIsRefusedWithoutRecursion() {
        // libyaml parses iteratively and the nodes are built on an explicit stack: a hundred
        // thousand brackets cost no call stack, and the 101st is refused.
        let clock = ContinuousClock()
        let start = clock.now
        #expect(refusal(String(repeating: "[", count: 100_000)) == "1:101: nesting deeper than 100 levels")
        #expect(refusal(String(repeating: "{a: ", count: 100_000)) == "1:401: nesting deeper than 100 levels")
        #expect(refusal(String(repeating: "- ", count: 100_000) + "x\n") == "1:201: nesting deeper than 100 levels")
        #expect(clock.now - start < .seconds(2))
        var indented = ""
        for depth in 0..<200 { indented += String(repeating: " ", count: depth) + "k\(depth):\n" }
        #expect(refusal(indented) == "101:101: nesting deeper than 100 levels")
        // A hundred levels are fine; the top-level map is the first.
        #expect(throws: Never.self) {
            try parse(String(repeating: "[", count: 100) + "x" + String(repeating: "]", count: 100))
        }
        #expect(refusal("k: " + String(repeating: "[", count: 100)) == "1:103: nesting deeper than 100 levels")
        // Brackets inside quotes and comments do not count.
        #expect(throws: Never.self) { try parse("a: '" + String(repeating: "[", count: 500) + "' # [[[[\n") }
        // An alias nests its node where it is used.
        let fifty = String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
        #expect(throws: Never.self) {
            try parse(
                "a: &a \(fifty)\nb: [" + String(repeating: "[", count: 48) + "*a" + String(repeating: "]", count: 49))
        }
        #expect(
            refusal(
                "a: &a \(fifty)\nb: [" + String(repeating: "[", count: 49) + "*a" + String(repeating: "]", count: 50))
                == "2:54: nesting deeper than 100 levels")
    }

    @Test func keysThatAreNotPlainTextAreRefusedWhereTheyStart() {
        let bomb = "a: &a [x, x, x, x, x, x, x, x]\n" + "b: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
        #expect(
            syntaxError(bomb + "c: {*b: 1}\n")?.description
                == "Seeds/test.yml:3:5: an alias cannot be a mapping key")
        // These fooled the text scan that guarded Yams (which hashed every key, aliases expanded);
        // the events name each key for what it is.
        let tails: [(String, String)] = [
            ("c: [q 'r, [*b]: 1]\n", "3:11: a mapping key must be plain text, not a list or map"),
            ("c: [q 'r, *b : 1]\n", "3:11: an alias cannot be a mapping key"),
            ("c: {*b\t: 1}\n", "3:5: an alias cannot be a mapping key"),
            ("c: [\"two\n \", [*b]: 1\"]\n", "4:5: a mapping key must be plain text, not a list or map"),
            ("?\t[*b]\n: 1\n", "3:2: invalid YAML: found character that cannot start any token"),
            ("? [*b]\n: 1\n", "3:3: a mapping key must be plain text, not a list or map"),
            ("? *b\n: 1\n", "3:3: an alias cannot be a mapping key"),
        ]
        for (tail, expected) in tails {
            #expect(refusal(bomb + tail) == expected, "\(tail)")
        }
        #expect(refusal("? [x]\n: 1\n") == "1:3: a mapping key must be plain text, not a list or map")
        #expect(refusal("[x]: 1") == "1:1: a mapping key must be plain text, not a list or map")
        #expect(refusal("[x, y]: 1\n") == "1:1: a mapping key must be plain text, not a list or map")
        #expect(refusal("- {a: 1}: 2\n") == "1:3: a mapping key must be plain text, not a list or map")
        // Values that merely look similar are fine, and so is a plain explicit key.
        for text in [
            "a: &x [1]\nb: *x\n", "name: 'a: b'\n", "url: http://example.com/?q=1\n", "t: \"[x]: 1\"\n",
            "# ? comment\nk: v\n", "list: [a, b]\nmap: {a: 1}\n", "a: &x [1]\nb: [*x, *x]\nc: {d: *x}\n",
            "? k\n: v\n", "s: q 'r\n",
        ] {
            #expect(throws: Never.self, "\(text)") { try parse(text) }
        }
    }

    @Test func invalidUTF8AndNULBytesNameTheirPlace() {
        var bytes = Array("a: 1\nb: x".utf8)
        bytes.append(0xFF)
        do {
            _ = try YAMLReader.parse(bytes, file: "f.yml")
            Issue.record("expected a syntax error")
        } catch let error as SeedIssue {
            #expect(error.description == "f.yml:2:5: invalid UTF-8")
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(syntaxError("a: 1\nb: \u{0}\n")?.description == "Seeds/test.yml:2:4: NUL byte in a text file")
    }

    @Test func theSeedFilesParse() throws {
        for name in ["companies", "features", "frameworks", "languages"] {
            let path = SeedSandbox.projectRoot + "/Seeds/\(name).yml"
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            guard case .mapping(let kinds) = try YAMLReader.parse(bytes, file: path).value else {
                Issue.record("\(name).yml is not a mapping")
                continue
            }
            #expect(!kinds.isEmpty, "\(name).yml")
        }
    }

    /// Every hostile and fuzz-found YAML file either parses or is a located `SeedIssue`,
    /// quickly: never a crash, a hang or another error.
    @Test(arguments: ["Tests/Fixtures/hostile/seeds", "Tests/Fixtures/fuzz/FuzzYAML"])
    func everyFixtureParsesOrIsRefusedQuickly(folder: String) throws {
        let directory = SeedSandbox.projectRoot + "/" + folder
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
            folder.hasSuffix("FuzzYAML") || $0.hasSuffix(".yml")
        }
        #expect(names.count >= 5)
        let clock = ContinuousClock()
        for name in names.sorted() {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
            let start = clock.now
            do {
                _ = try YAMLReader.parse(bytes, file: name)
            } catch is SeedIssue {
            } catch {
                Issue.record("\(name): \(error)")
            }
            #expect(clock.now - start < .seconds(1), "\(name)")
        }
    }

    @Test func theHostileSeedFilesAreRefusedAtTheirPlace() throws {
        let expected = [
            "billion_laughs.yml":
                "the document expands to too many nodes (an alias bomb?); seed files may use few aliases",
            "deep_nesting.yml": "1:111: nesting deeper than 100 levels",
            "duplicate_keys.yml": "3:5: duplicate key 'name' in one mapping",
            "empty.yml": "1:1: empty file",
            "invalid_utf8.yml": "2:14: invalid UTF-8",
            "nul_byte.yml": "2:15: NUL byte in a text file",
            "tab_indentation.yml": "2:1: invalid YAML: found character that cannot start any token",
            // Found by fuzzing Yams: an alias as a key made it hash an alias bomb. The key is named
            // before the duplicate keys and the node budget that come earlier in these files.
            "fuzz_alias_key_slow.yml": "9:8: an alias cannot be a mapping key",
            "fuzz_alias_key_timeout.yml": "16:8: an alias cannot be a mapping key",
        ]
        let directory = SeedSandbox.projectRoot + "/Tests/Fixtures/hostile/seeds/"
        for (name, message) in expected.sorted(by: { $0.key < $1.key }) {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: directory + name)))
            do {
                _ = try YAMLReader.parse(bytes, file: name)
                Issue.record("\(name) parsed")
            } catch let error as SeedIssue {
                #expect(error.description.hasSuffix(message), "\(error)")
            }
        }
    }
}
