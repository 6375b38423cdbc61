import Foundation
import Testing

@testable import CatalogSeeds

@Suite struct JSONReaderTests {
    /// One input that must fail, with where and why.
    struct Failure: Sendable, CustomTestStringConvertible {
        var json: String
        var line: Int
        var column: Int
        var message: String

        init(_ json: String, _ line: Int, _ column: Int, _ message: String) {
            self.json = json
            self.line = line
            self.column = column
            self.message = message
        }

        var testDescription: String { "\(json.debugDescription) -> \(message)" }
    }

    func parse(_ text: String, maxDepth: Int = 100) throws -> SeedNode {
        try JSONReader.parse(Array(text.utf8), file: "seeds/things.json", maxDepth: maxDepth)
    }

    func parseError(_ bytes: [UInt8], maxDepth: Int = 100) -> SeedIssue? {
        do throws(SeedIssue) {
            _ = try JSONReader.parse(bytes, file: "seeds/things.json", maxDepth: maxDepth)
            return nil
        } catch {
            return error
        }
    }

    func scalar(_ text: String, plain: Bool, _ line: Int, _ column: Int) -> SeedNode {
        SeedNode(.scalar(text, isPlain: plain), at: SourceLocation(line: line, column: column))
    }

    @Test func readsEveryKindOfScalar() throws {
        #expect(try parse("true") == scalar("true", plain: true, 1, 1))
        #expect(try parse("false") == scalar("false", plain: true, 1, 1))
        #expect(try parse(" null ") == scalar("null", plain: true, 1, 2))
        #expect(try parse("\"hi\"") == scalar("hi", plain: false, 1, 1))
        #expect(try parse("\"\"") == scalar("", plain: false, 1, 1))
        for number in [
            "0", "-0", "7", "-12", "3.25", "0.5", "1e10", "1E+2", "-2.5e-3", "10.0E0", "123456789012345678901234",
        ] {
            #expect(try parse(number) == scalar(number, plain: true, 1, 1), "\(number)")
        }
    }

    @Test func decodesEveryEscape() throws {
        let node = try parse(#""a\"b\\c\/d\be\ff\ng\rh\ti\u00e9\u20AC\ud83d\ude00\u0000""#)
        #expect(node.value == .scalar("a\"b\\c/d\u{8}e\u{C}f\ng\rh\ti\u{E9}\u{20AC}\u{1F600}\u{0}", isPlain: false))
        #expect(try parse("\"caf\u{E9} \u{1F600}\"").value == .scalar("caf\u{E9} \u{1F600}", isPlain: false))
    }

    @Test func readsContainersWithTheLocationsOfNestedNodes() throws {
        let text = """
            {
              "name": "Ada",
              "tags": ["a", 2, [true, null], {}],
              "nested": {"é": 1.5, "x": []}
            }
            """
        let root = try parse(text)
        #expect(root.location == SourceLocation(line: 1, column: 1))
        guard case .mapping(let pairs) = root.value else {
            Issue.record("not a mapping: \(root)")
            return
        }
        #expect(pairs.count == 3)
        #expect(pairs[0].key == scalar("name", plain: false, 2, 3))
        #expect(pairs[0].value == scalar("Ada", plain: false, 2, 11))
        #expect(pairs[1].key == scalar("tags", plain: false, 3, 3))
        let tags = pairs[1].value
        #expect(tags.location == SourceLocation(line: 3, column: 11))
        #expect(
            tags.value
                == .sequence([
                    scalar("a", plain: false, 3, 12),
                    scalar("2", plain: true, 3, 17),
                    SeedNode(
                        .sequence([scalar("true", plain: true, 3, 21), scalar("null", plain: true, 3, 27)]),
                        at: SourceLocation(line: 3, column: 20)),
                    SeedNode(.mapping([]), at: SourceLocation(line: 3, column: 34)),
                ]))
        let nested = pairs[2].value
        #expect(nested.location == SourceLocation(line: 4, column: 13))
        #expect(
            nested.value
                == .mapping([
                    SeedNode.Pair(key: scalar("é", plain: false, 4, 14), value: scalar("1.5", plain: true, 4, 19)),
                    SeedNode.Pair(
                        key: scalar("x", plain: false, 4, 24),
                        value: SeedNode(.sequence([]), at: SourceLocation(line: 4, column: 29))),
                ]))
    }

    @Test func columnsCountUnicodeScalars() throws {
        let root = try parse("[\"\u{1F600}\u{E9}\", \"x\"]")
        guard case .sequence(let items) = root.value else {
            Issue.record("not a sequence")
            return
        }
        #expect(items[1].location == SourceLocation(line: 1, column: 8))
    }

    @Test func keepsDuplicateKeysInOrder() throws {
        let root = try parse(#"{"a": 1, "b": 2, "a": 3}"#)
        guard case .mapping(let pairs) = root.value else {
            Issue.record("not a mapping")
            return
        }
        #expect(pairs.map(\.key.value) == ["a", "b", "a"].map { SeedNode.Value.scalar($0, isPlain: false) })
        #expect(pairs.map(\.value.value) == ["1", "2", "3"].map { SeedNode.Value.scalar($0, isPlain: true) })
        #expect(pairs[2].key.location == SourceLocation(line: 1, column: 18))
        #expect(pairs[2].value == scalar("3", plain: true, 1, 23))
    }

    @Test func skipsAByteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"a\": [1]}".utf8)
        let root = try JSONReader.parse(bytes, file: "bom.json")
        #expect(root.location == SourceLocation(line: 1, column: 1))
        #expect(
            root.value
                == .mapping([
                    SeedNode.Pair(
                        key: scalar("a", plain: false, 1, 2),
                        value: SeedNode(
                            .sequence([scalar("1", plain: true, 1, 8)]), at: SourceLocation(line: 1, column: 7))
                    )
                ]))
        #expect(parseError([0xEF, 0xBB, 0xBF])?.message == "empty file")
    }

    static let failures: [Failure] = [
        Failure("[1, 2,]", 1, 6, "trailing comma before ']'"),
        Failure("{\"a\": 1,\n}", 1, 8, "trailing comma before '}'"),
        Failure("{\n  \"a\": [1,\n    2,]\n}", 3, 6, "trailing comma before ']'"),
        Failure(#"{"a": 1 "b": 2}"#, 1, 9, "expected ',' or '}' after an object member"),
        Failure("[1 2]", 1, 4, "expected ',' or ']' after an array element"),
        Failure(#"{"a" 1}"#, 1, 6, "expected ':' after an object key, found '1'"),
        Failure("{1: 2}", 1, 2, "expected a string key in double quotes, found '1'"),
        Failure("{'a': 1}", 1, 2, "expected a string key in double quotes, found '''"),
        Failure("['a']", 1, 2, "strings need double quotes"),
        Failure("[\"ok\", \"abc", 1, 8, "unterminated string"),
        Failure("\"abc\\", 1, 1, "unterminated string"),
        Failure("[\"a\nb\"]", 1, 4, "control character in a string (use \\n)"),
        Failure("\"a\tb\"", 1, 3, "control character in a string (use \\t)"),
        Failure("\"a\u{1}b\"", 1, 3, "control character in a string (use \\u0001)"),
        Failure(#"["x", "\q"]"#, 1, 8, "invalid escape '\\q'"),
        Failure(#""\é""#, 1, 2, "invalid escape '\\é'"),
        Failure(#""\u12""#, 1, 2, "invalid escape '\\u' (needs four hex digits)"),
        Failure(#""\u12G4""#, 1, 2, "invalid escape '\\u' (needs four hex digits)"),
        Failure(#""a\ud800""#, 1, 3, "lone surrogate '\\ud800' in a string"),
        Failure(#""\uD83D\u0041""#, 1, 2, "lone surrogate '\\uD83D' in a string"),
        Failure(#""\ude00""#, 1, 2, "lone surrogate '\\ude00' in a string"),
        Failure("012", 1, 1, "invalid number '012'"),
        Failure("[1, -01]", 1, 5, "invalid number '-01'"),
        Failure("+1", 1, 1, "invalid number '+1'"),
        Failure(".5", 1, 1, "invalid number '.5'"),
        Failure("[1.]", 1, 2, "invalid number '1.'"),
        Failure("1.e5", 1, 1, "invalid number '1.e5'"),
        Failure("1e", 1, 1, "invalid number '1e'"),
        Failure("-", 1, 1, "invalid number '-'"),
        Failure("0x10", 1, 1, "invalid number '0x10'"),
        Failure("NaN", 1, 1, "invalid number 'NaN'"),
        Failure("[Infinity]", 1, 2, "invalid number 'Infinity'"),
        Failure("-Infinity", 1, 1, "invalid number '-Infinity'"),
        Failure("True", 1, 1, "invalid literal 'True' (use true)"),
        Failure("[yes]", 1, 2, "unexpected word 'yes' (strings need double quotes)"),
        Failure("{} x", 1, 4, "unexpected text after the JSON value"),
        Failure("1 2", 1, 3, "unexpected text after the JSON value"),
        Failure("", 1, 1, "empty file"),
        Failure(" \n\t\r\n", 1, 1, "empty file"),
        Failure("// a comment\n{}", 1, 1, "comments are not allowed in JSON"),
        Failure("{\"a\": 1 /* b */}", 1, 9, "comments are not allowed in JSON"),
        Failure("[1,", 1, 4, "unexpected end of file, expected a value"),
        Failure("[1", 1, 1, "unclosed '['"),
        Failure("{\"a\": [1],\n \"b\": 2", 1, 1, "unclosed '{'"),
        Failure("{", 1, 2, "unexpected end of file, expected a string key"),
        Failure("[,1]", 1, 2, "expected a value, found ','"),
        Failure("{\"a\": }", 1, 7, "expected a value, found '}'"),
        Failure("]", 1, 1, "expected a value, found ']'"),
    ]

    @Test(arguments: failures) func rejectsInvalidJSON(_ failure: Failure) {
        let error = parseError(Array(failure.json.utf8))
        #expect(
            error
                == SeedIssue(
                    file: "seeds/things.json", location: SourceLocation(line: failure.line, column: failure.column),
                    message: failure.message))
    }

    @Test func reportsTheFirstInvalidUTF8Byte() {
        let truncated: [UInt8] = Array("[\"é\",\n  \"a".utf8) + [0xC3, 0x28] + Array("\"]".utf8)
        #expect(
            parseError(truncated)
                == SeedIssue(
                    file: "seeds/things.json", location: SourceLocation(line: 2, column: 5), message: "invalid UTF-8"))
        let cases: [[UInt8]] = [
            [0x22, 0xFF, 0x22],  // never valid
            [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0x80, 0x22],  // lone continuation byte
            [0x22, 0xE2, 0x82],  // truncated at the end
        ]
        for bytes in cases {
            let error = parseError(bytes)
            #expect(error?.message == "invalid UTF-8", "\(bytes)")
            #expect(error?.location == SourceLocation(line: 1, column: 2), "\(bytes)")
        }
        let afterByteOrderMark = parseError([0xEF, 0xBB, 0xBF, 0x22, 0xFF])
        #expect(afterByteOrderMark?.location == SourceLocation(line: 1, column: 2))
    }

    @Test func rejectsDeepNestingQuicklyWithoutRecursion() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let arrays = parseError(Array(String(repeating: "[", count: 10_000).utf8))
        #expect(
            arrays
                == SeedIssue(
                    file: "seeds/things.json", location: SourceLocation(line: 1, column: 101),
                    message: "nesting deeper than 100 levels"))
        let objects = parseError(Array(String(repeating: "{\"a\":", count: 10_000).utf8))
        #expect(objects?.message == "nesting deeper than 100 levels")
        #expect(objects?.location == SourceLocation(line: 1, column: 501))
        #expect(clock.now - start < .seconds(1))

        let hundred = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        var node = try parse(hundred)
        var depth = 1
        while case .sequence(let items) = node.value, let first = items.first {
            node = first
            depth += 1
        }
        #expect(depth == 100)
        let tooDeep = String(repeating: "[", count: 101) + String(repeating: "]", count: 101)
        #expect(parseError(Array(tooDeep.utf8))?.message == "nesting deeper than 100 levels")
        #expect(parseError(Array("[[[]]]".utf8), maxDepth: 2)?.message == "nesting deeper than 2 levels")
        // A deep but allowed document parses without recursion either.
        let deep = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        #expect(try parse(deep, maxDepth: 10_000).location == SourceLocation(line: 1, column: 1))
    }

    @Test func largeArraysAndObjectsParseInLinearTime() throws {
        // Appending to an open container used to copy it: 200,000 elements took minutes.
        let count = 200_000
        let flat = "[" + Array(repeating: "0", count: count).joined(separator: ",") + "]"
        guard case .sequence(let items) = try parse(flat).value else {
            Issue.record("not an array")
            return
        }
        #expect(items.count == count)
        #expect(items.last?.location == SourceLocation(line: 1, column: 2 * count))

        // 40,000 records, one per line as in a seed file (the issue's case: 10.9 s before).
        let recordCount = 40_000
        let records = (0..<recordCount).map { "  {\"name\": \"Company \($0)\", \"aliases\": [\"C\($0)\"]}" }
        let document = "{\"companies\": [\n" + records.joined(separator: ",\n") + "\n]}"
        guard case .mapping(let pairs) = try parse(document).value,
            case .sequence(let companies) = pairs.first?.value.value
        else {
            Issue.record("not a mapping of a list")
            return
        }
        #expect(companies.count == recordCount)
        guard case .mapping(let last) = companies.last?.value else {
            Issue.record("not a mapping")
            return
        }
        #expect(last.map(\.key.value) == [.scalar("name", isPlain: false), .scalar("aliases", isPlain: false)])
        #expect(last.first?.value.value == .scalar("Company \(recordCount - 1)", isPlain: false))
        #expect(last.first?.value.location == SourceLocation(line: recordCount + 1, column: 12))
    }

    @Test func aMillionOpenBracketsAreRefusedAtTheLimit() {
        let error = parseError(Array(String(repeating: "[", count: 1_000_000).utf8))
        #expect(error?.location == SourceLocation(line: 1, column: 101))
        #expect(error?.message == "nesting deeper than 100 levels")
        // Siblings do not count as depth: many short arrays side by side are fine.
        let siblings = "[" + Array(repeating: "[[0]]", count: 50_000).joined(separator: ",") + "]"
        #expect((try? parse(siblings)) != nil)
    }

    @Test func errorsDescribeFileLineAndColumn() {
        let error = parseError(Array("{\n  \"a\": tru\n}".utf8))
        #expect(error?.description == "seeds/things.json:2:8: unexpected word 'tru' (strings need double quotes)")
    }
}
