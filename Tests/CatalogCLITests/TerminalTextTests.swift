import Foundation
import Testing

/// Text from data never reaches a terminal raw (issue 13, part 4): escape sequences and
/// bidirectional overrides stored in names are shown escaped in the card, in tables and in
/// suggestions, and machine formats keep the exact value.
@Suite struct TerminalTextTests {
    /// A catalog where a company and an alias of Express hold an escape sequence, an OSC title
    /// sequence and a right-to-left override.
    func hostileCatalog() throws -> CLISandbox {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let evil = "'Evil' || char(27) || '[2J' || char(27) || ']0;owned' || char(7) || char(27) || '[31m'"
        try sandbox.succeed([
            "sql", "--write",
            """
            INSERT INTO companies (name) VALUES (\(evil));
            INSERT INTO framework_companies (framework_id, company_id)
              SELECT f.id, c.id FROM frameworks AS f, companies AS c WHERE f.name = 'Express' AND c.name LIKE 'Evil%';
            INSERT INTO framework_aliases (framework_id, alias)
              SELECT id, 'Exp' || char(8238) || 'sserp' FROM frameworks WHERE name = 'Express';
            """,
        ])
        return sandbox
    }

    /// True when `text` holds a byte a terminal would act on: ESC, BEL, or a bidi override.
    func isRaw(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E }
    }

    /// Column names come from data too: a table header shows them escaped, JSON keeps them.
    @Test func columnNamesInATableAreShownEscaped() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let sql = "SELECT 1 AS \"a\u{1B}[2J\u{202E}b\""
        let table = try sandbox.run(["sql", sql])
        #expect(table.exitCode == 0, "\(table.stderr)")
        #expect(!isRaw(table.stdout), "\(Array(table.stdout.utf8))")
        #expect(table.stdout.hasPrefix("a\\u{1B}[2J\\u{202E}b\n"), "\(table.stdout)")
        let json = try sandbox.run(["sql", sql, "--format", "json"])
        #expect(json.stdout.contains("\"a\\u001b[2J\u{202E}b\": 1"), "\(json.stdout)")
    }

    @Test func theCardTablesAndSuggestionsShowStoredTextEscaped() throws {
        let sandbox = try hostileCatalog()
        let card = try sandbox.succeed(["query", "--framework", "Express"])
        #expect(!isRaw(card.stdout), "\(Array(card.stdout.utf8))")
        #expect(card.stdout.contains("Evil\\u{1B}[2J\\u{1B}]0;owned\\u{7}\\u{1B}[31m"))
        #expect(card.stdout.contains("Exp\\u{202E}sserp"))

        let table = try sandbox.succeed(["query", "companies", "--framework", "Express"])
        #expect(!isRaw(table.stdout))
        #expect(table.stdout.contains("Evil\\u{1B}[2J"))

        // A misspelt name suggests the stored one, escaped; so does the name echoed back.
        let typo = try sandbox.run(["query", "--company", "Evil\u{1B}[2J\u{1B}]0;owned\u{07}\u{1B}[31"])
        #expect(typo.exitCode == 1)
        #expect(!isRaw(typo.stderr), "\(Array(typo.stderr.utf8))")
        #expect(typo.stderr.contains("did you mean \"Evil\\u{1B}[2J"))

        // Machine formats keep the exact value, with their own escaping.
        let json = try sandbox.succeed(["query", "companies", "--framework", "Express", "--format", "json"])
        #expect(json.stdout.contains("Evil\\u001b[2J\\u001b]0;owned\\u0007\\u001b[31m"))
    }
}
