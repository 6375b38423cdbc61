import Foundation
import Testing

/// Machine output always parses (issue 16): random rows of hostile text, integers, NULLs and
/// blobs, in three statements with a repeated column name, printed by `catalog sql` as JSON,
/// JSONL and CSV, are read back by real parsers (Python's `json` and `csv`, and `jq`) and equal
/// what went in.
@Suite struct MachineOutputTests {
    /// Characters chosen to break a careless writer: quotes, separators, line breaks, escapes,
    /// markup, control characters, non-ASCII text, combining marks and emoji.
    static let alphabet: [String] = [
        "a", "Z", "0", " ", ",", ";", "\"", "'", "\\", "\n", "\r", "\r\n", "\t", "\u{1B}", "\u{7F}", "\u{01}",
        "<b>", "*", "_", "|", "`", "[x](y)", "&amp;", "#", "é", "e\u{301}", "ß", "日本", "🙂", "\u{202E}", "{", "}",
        "null", "x'00'", "\\x00",
    ]

    /// A value as the checker expects it: kind and payload (text and blobs as hexadecimal).
    enum Value {
        case text(String)
        case integer(Int64)
        case null
        case blob([UInt8])

        var expected: String {
            switch self {
            case .text(let text): return "[\"t\", \"\(Array(text.utf8).map { String(format: "%02x", $0) }.joined())\"]"
            case .integer(let value): return "[\"i\", \(value)]"
            case .null: return "[\"n\"]"
            case .blob(let bytes): return "[\"b\", \"\(bytes.map { String(format: "%02x", $0) }.joined())\"]"
            }
        }
    }

    @Test func randomHostileRowsInEveryMachineFormatParseBackEqual() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        var random = SplitMix64(seed: 20_261_130)
        func text() -> String {
            (0..<Int(1 + random.next() % 12)).map { _ in Self.alphabet[Int(random.next() % UInt64(Self.alphabet.count))]
            }
            .joined()
        }
        // Three statements: (t, i, n, b, t) rows, so the second `t` needs its own key.
        var statements: [String] = []
        var parameters: [String] = []
        var expected: [[[Value]]] = []
        for rows in [1, 40, 25] {
            var selects: [String] = []
            var set: [[Value]] = []
            for _ in 0..<rows {
                let first = text()
                let second = text()
                let integer = Int64(bitPattern: random.next()) >> Int64(random.next() % 60)
                let blob = (0..<Int(random.next() % 6)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                let hex = blob.map { String(format: "%02x", $0) }.joined()
                selects.append("SELECT ? AS t, \(integer) AS i, NULL AS n, x'\(hex)' AS b, ? AS t")
                parameters += [first, second]
                set.append([.text(first), .integer(integer), .null, .blob(blob), .text(second)])
            }
            statements.append(selects.joined(separator: " UNION ALL "))
            expected.append(set)
        }
        let script = statements.joined(separator: ";\n")
        let expectation =
            "["
            + expected.map { set in
                "[" + set.map { "[" + $0.map(\.expected).joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
            }.joined(separator: ", ") + "]"
        try sandbox.write("expected.json", expectation)
        try sandbox.write("check.py", Self.checker)
        for format in ["json", "jsonl", "csv"] {
            let result = try sandbox.run(
                ["sql", "--format", format, "--timeout", "60", script] + parameters.flatMap { ["--param", $0] })
            #expect(result.exitCode == 0, "\(format): \(result.stderr)")
            try sandbox.write("out.\(format)", result.stdout)
            let check = try sandbox.runTool(
                "/usr/bin/env", ["python3", "check.py", format, "out.\(format)", "expected.json"])
            #expect(check.exitCode == 0, "\(format): \(check.stdout)\(check.stderr)")
            #expect(check.stdout == "ok \(format): 66 rows in 3 results\n", "\(format): \(check.stdout)\(check.stderr)")
        }
        // jq, another parser: one document, three arrays of 1, 40 and 25 rows, the repeated key.
        let jq = try sandbox.runTool(
            "/usr/bin/env", ["jq", "-c", "[map(length), (.[1][0] | keys_unsorted)]", "out.json"])
        #expect(jq.exitCode == 0, "\(jq.stderr)")
        #expect(jq.stdout == "[[1,40,25],[\"t\",\"i\",\"n\",\"b\",\"t_2\"]]\n", "\(jq.stdout)")
        let lines = try sandbox.runTool("/usr/bin/env", ["jq", "-c", "-s", "length", "out.jsonl"])
        #expect(lines.exitCode == 0 && lines.stdout == "66\n", "\(lines.stdout)\(lines.stderr)")
    }

    /// An option a command cannot honour is a usage error, not silently ignored.
    @Test func schemaRefusesAFormat() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let result = try sandbox.run(["schema", "--format", "json"])
        #expect(result.exitCode == 2)
        #expect(
            result.stderr.hasPrefix(
                "error: catalog schema prints SQL, so --format does not apply; catalog tables --format json lists the tables and their columns\nUsage: catalog schema "
            ), "\(result.stderr)")
        #expect(try sandbox.run(["schema", "--format", "table"]).exitCode == 0)
    }

    /// Reads catalog's output with Python's own parsers and compares it with the expected values.
    static let checker = #"""
        import csv, io, json, sys

        fmt, path, expected_path = sys.argv[1:4]
        expected = json.load(open(expected_path))
        keys = ["t", "i", "n", "b", "t_2"]

        def value(kind):
            if kind[0] == "t": return bytes.fromhex(kind[1]).decode("utf-8")
            if kind[0] == "i": return kind[1]
            if kind[0] == "n": return None
            return {"blob": kind[1]}

        def as_csv(kind):
            v = value(kind)
            if v is None: return ""
            if isinstance(v, dict): return "\\x" + v["blob"]
            return str(v)

        raw = open(path, encoding="utf-8", newline="").read()
        if fmt == "json":
            got = json.loads(raw)
            want = [[dict(zip(keys, map(value, row))) for row in rows] for rows in expected]
        elif fmt == "jsonl":
            got = [json.loads(line) for line in raw.split("\n") if line != ""]
            want = [dict(zip(keys, map(value, row))) for rows in expected for row in rows]
        else:
            records = list(csv.reader(io.StringIO(raw, newline="")))
            got, current = [], None
            for record in records:
                if record == []:
                    current = None
                    continue
                if current is None:
                    assert record == ["t", "i", "n", "b", "t"], record
                    current = []
                    got.append(current)
                    continue
                current.append(record)
            want = [[list(map(as_csv, row)) for row in rows] for rows in expected]
        if got != want:
            for i, (g, w) in enumerate(zip(got, want)):
                if g != w:
                    print("differs at", i, repr(g)[:400], repr(w)[:400])
                    break
            sys.exit(1)
        print("ok %s: %d rows in %d results" % (fmt, sum(len(r) for r in expected), len(expected)))
        """#
}
