import Foundation
import Testing

@testable import CatalogSeeds

@Suite struct YAMLReaderTests {
    func parse(_ text: String) throws -> SeedNode {
        try YAMLReader.parse(Array(text.utf8), file: "Seeds/test.yml")
    }

    func syntaxError(_ text: String) -> SeedSyntaxError? {
        do {
            _ = try YAMLReader.parse(Array(text.utf8), file: "Seeds/test.yml")
            Issue.record("expected a syntax error")
        } catch let error as SeedSyntaxError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
        }
        return nil
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

    @Test func theInputsThatCrashYamsLoadAreErrors() {
        #expect(syntaxError("[x]: 1")?.message == "a mapping key must be plain text, not a list or map")
        #expect(syntaxError("")?.message == "empty file")
        #expect(syntaxError("# only a comment\n---\n")?.message == "empty file")
    }

    @Test func duplicateKeysAndInvalidYAMLHaveLocations() {
        let duplicate = syntaxError("name: a\nname: b\n")
        #expect(duplicate?.message == "duplicate key 'name' in one mapping")
        let broken = syntaxError("a: [1, 2\nb: 3\n")
        #expect(broken?.message.hasPrefix("invalid YAML: ") == true)
        #expect((broken?.location.line ?? 0) >= 1)
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
        #expect(error?.message.contains("too many nodes") == true)
        #expect(clock.now - start < .seconds(2))
        #expect(bomb.utf8.count < 400)
    }

    @Test func deepNestingIsRejectedBeforeYamsRecurses() {
        #expect(syntaxError(String(repeating: "[", count: 10_000))?.message == "nesting deeper than 100 levels")
        #expect(
            syntaxError(String(repeating: "- ", count: 10_000) + "x\n")?.message == "nesting deeper than 100 levels")
        var indented = ""
        for depth in 0..<200 { indented += String(repeating: " ", count: depth) + "k\(depth):\n" }
        #expect(syntaxError(indented)?.message == "nesting deeper than 100 levels")
        // Brackets inside quotes and comments do not count.
        #expect(throws: Never.self) { try parse("a: '" + String(repeating: "[", count: 500) + "' # [[[[\n") }
    }

    @Test func keysThatAreNotPlainTextAreRefusedBeforeYamsHashesThem() {
        let bomb = "a: &a [x, x, x, x, x, x, x, x]\n" + "b: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
        #expect(
            syntaxError(bomb + "c: {*b: 1}\n")?.description
                == "Seeds/test.yml:3:5: an alias cannot be a mapping key")
        // Each of these fooled the first, quote-aware scan, and Yams then hashed the expanded key.
        let bypasses: [(String, String)] = [
            ("c: [q 'r, [*b]: 1]\n", "3:14: a mapping key must be plain text, not a list or map"),
            ("c: [q 'r, *b : 1]\n", "3:11: an alias cannot be a mapping key"),
            ("c: {*b\t: 1}\n", "3:5: an alias cannot be a mapping key"),
            ("c: [\"two\n \", [*b]: 1\"]\n", "4:8: a mapping key must be plain text, not a list or map"),
            ("?\t[*b]\n: 1\n", "3:1: explicit '? ' mapping keys are not allowed in a seed file that uses aliases"),
        ]
        for (tail, expected) in bypasses {
            #expect(syntaxError(bomb + tail)?.description == "Seeds/test.yml:\(expected)", "\(tail)")
        }
        // Without an alias, hashing a key is cheap: Yams composes and the walker refuses the key.
        #expect(
            syntaxError("? [x]\n: 1\n")?.description
                == "Seeds/test.yml:1:3: a mapping key must be plain text, not a list or map")
        #expect(syntaxError("[x, y]: 1\n")?.message == "a mapping key must be plain text, not a list or map")
        #expect(syntaxError("- {a: 1}: 2\n")?.message == "a mapping key must be plain text, not a list or map")
        // Values that merely look similar are fine.
        for text in [
            "a: &x [1]\nb: *x\n", "- *x\n", "name: 'a: b'\n", "url: http://example.com/?q=1\n", "t: \"[x]: 1\"\n",
            "# ? comment\nk: v\n", "list: [a, b]\nmap: {a: 1}\n", "a: &x [1]\nb: [*x, *x]\nc: {d: *x}\n",
        ] {
            #expect(SeedText.firstComplexKey(in: text) == nil, "\(text)")
        }
    }

    @Test func invalidUTF8AndNULBytesNameTheirPlace() {
        var bytes = Array("a: 1\nb: x".utf8)
        bytes.append(0xFF)
        let error = try? YAMLReader.parse(bytes, file: "f.yml")
        #expect(error == nil)
        do {
            _ = try YAMLReader.parse(bytes, file: "f.yml")
        } catch let error as SeedSyntaxError {
            #expect(error.description == "f.yml:2:5: invalid UTF-8")
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(syntaxError("a: 1\nb: \u{0}\n")?.description == "Seeds/test.yml:2:4: NUL byte in a text file")
    }
}
