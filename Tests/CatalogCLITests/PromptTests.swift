import Foundation
import Testing

/// `catalog sql`'s interactive prompt, typed at through a real pseudo-terminal (`PseudoTerminal`):
/// line editing, history across sessions, Ctrl-C, Ctrl-D, Ctrl-L and the dot commands. Each test
/// was written against the plain prompt first, where arrow keys landed in the statement, Ctrl-C
/// ended the program, Ctrl-D left a half-typed statement silently and nothing was remembered.
@Suite struct PromptTests {
    static let left = "\u{1b}[D"
    static let up = "\u{1b}[A"
    static let controlC = "\u{03}"
    static let controlD = "\u{04}"
    static let controlL = "\u{0c}"
    static let controlR = "\u{12}"

    /// A seeded catalog in a sandbox, with its own HOME and XDG_STATE_HOME.
    static func sandbox() throws -> CLISandbox {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        return sandbox
    }

    static func prompt(_ sandbox: CLISandbox, _ arguments: [String] = ["sql"]) throws -> PseudoTerminal {
        let terminal = try PseudoTerminal(
            arguments, directory: sandbox.root,
            environment: [
                "HOME": sandbox.root + "/home", "XDG_STATE_HOME": sandbox.root + "/state", "NO_COLOR": "1",
                "PATH": "/usr/bin:/bin",
            ])
        terminal.waitForPrompt()
        return terminal
    }

    /// Leaves with Ctrl-D on an empty prompt and expects exit code 0.
    static func leave(_ terminal: PseudoTerminal, sourceLocation: SourceLocation = #_sourceLocation) {
        terminal.waitForPrompt(sourceLocation: sourceLocation)
        terminal.type(controlD)
        #expect(terminal.waitForExit() == 0, "the screen:\n\(terminal.screen.text)", sourceLocation: sourceLocation)
    }

    @Test func arrowKeysMoveTheCursorInsteadOfLandingInTheStatement() throws {
        let sandbox = try Self.sandbox()
        let terminal = try Self.prompt(sandbox)
        // "SELECT 2;", two steps left (before "2"), then "1": SELECT 12;
        terminal.type("SELECT 2;" + Self.left + Self.left + "1")
        terminal.waitUntil("the edited line") { $0.cursorLine == "catalog> SELECT 12;" }
        terminal.enter("", shows: "12")
        #expect(!terminal.screen.text.contains("^["))
        #expect(!terminal.screen.text.contains("error"))
        Self.leave(terminal)
    }

    @Test func historyIsKeptBetweenSessionsInAPrivateFileAndSearchedWithControlR() throws {
        let sandbox = try Self.sandbox()
        let first = try Self.prompt(sandbox)
        first.enter("SELECT 'remembered' AS word;", shows: "remembered")
        first.enter("SELECT 'later' AS word;", shows: "later")
        first.type(".quit\r")
        #expect(first.waitForExit() == 0)

        let file = sandbox.root + "/state/catalog/history"
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: sandbox.root + "/state/catalog")
        #expect((folder[.posixPermissions] as? Int) == 0o700)

        // A new session: Up twice recalls the first statement; Ctrl-R finds it by a word.
        let second = try Self.prompt(sandbox)
        second.type(Self.up)
        second.waitUntil("the last line recalled") { $0.cursorLine == "catalog> .quit" }
        second.type(Self.up + Self.up)
        second.waitUntil("the first statement recalled") {
            $0.cursorLine == "catalog> SELECT 'remembered' AS word;"
        }
        second.type("\r")
        second.waitForPrompt()
        second.type(Self.controlR + "rememb")
        second.waitUntil("the search to find the statement") {
            $0.cursorLine.hasSuffix("SELECT 'remembered' AS word;")
        }
        second.type("\r")
        second.waitUntil("the statement to run twice") { $0.lines.filter { $0 == "remembered" }.count == 2 }
        Self.leave(second)
    }

    @Test func controlCAtThePromptDropsTheLineAndTheProgramGoesOn() throws {
        let sandbox = try Self.sandbox()
        let terminal = try Self.prompt(sandbox)
        terminal.type("SELECT 'dropped' AS word")
        terminal.waitUntil("the typed line") { $0.cursorLine == "catalog> SELECT 'dropped' AS word" }
        terminal.type(Self.controlC)
        terminal.waitForLine("catalog> SELECT 'dropped' AS word^C")
        terminal.waitForPrompt()
        // A continued statement is dropped whole.
        terminal.type("SELECT 'also dropped'\r")
        terminal.waitForPrompt("    ...> ")
        terminal.type(Self.controlC)
        terminal.waitForPrompt()
        terminal.enter("SELECT 'kept' AS word;", shows: "kept")
        #expect(terminal.isRunning)
        #expect(!terminal.screen.lines.contains("dropped"))
        #expect(!terminal.screen.text.contains("error"))
        Self.leave(terminal)
    }

    @Test func controlCStopsARunningStatementAndThePromptComesBack() throws {
        let sandbox = try Self.sandbox()
        let terminal = try Self.prompt(sandbox, ["sql", "--timeout", "600"])
        terminal.type("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c;\r")
        // The statement runs (no prompt) until Ctrl-C.
        terminal.waitUntil("the statement to start") { $0.cursorLine.isEmpty }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(terminal.isRunning)
        terminal.type(Self.controlC)
        terminal.waitForLine("error: statement 1 was interrupted")
        terminal.waitForPrompt()
        terminal.type("SELECT 'after' AS word;\r")
        terminal.waitForLine("after")
        Self.leave(terminal)
    }

    @Test func controlDLeavesOnlyFromAnEmptyPrompt() throws {
        let sandbox = try Self.sandbox()
        let terminal = try Self.prompt(sandbox)
        terminal.type("SELECT\r")
        terminal.waitForPrompt("    ...> ")
        terminal.type(Self.controlD)
        terminal.waitForLine("note: the statement is not finished; end it with ';' or drop it with Ctrl-C")
        terminal.waitForPrompt("    ...> ")
        #expect(terminal.isRunning)
        terminal.enter("'finished' AS word;", shows: "finished")
        // Ctrl-D inside a typed line deletes the character under the cursor.
        terminal.type("SELECT 'abc' AS word;" + String(repeating: Self.left, count: 12) + Self.controlD)
        terminal.waitUntil("the character deleted") { $0.cursorLine == "catalog> SELECT 'ac' AS word;" }
        terminal.enter("", shows: "ac")
        Self.leave(terminal)
    }

    @Test func controlLClearsTheScreenAndKeepsTheLine() throws {
        let sandbox = try Self.sandbox()
        let terminal = try Self.prompt(sandbox)
        terminal.enter("SELECT 'first' AS word;", shows: "first")
        terminal.type("SELECT 7 AS n" + Self.controlL)
        terminal.waitUntil("the screen cleared, the line kept on top") {
            $0.lines.first == "catalog> SELECT 7 AS n" && !$0.lines.contains("first")
        }
        terminal.type(";\r")
        terminal.waitForLine("7")
        Self.leave(terminal)
    }

    @Test func formatSwitchesTheOutputAndHelpListsTheCommands() throws {
        let sandbox = try Self.sandbox()
        let terminal = try Self.prompt(sandbox)
        terminal.type(".format csv\r")
        terminal.waitForPrompt()
        terminal.type("SELECT 1 AS a, 'x,y' AS b;\r")
        terminal.waitForLine("1,\"x,y\"")
        #expect(terminal.screen.lines.contains("a,b"))
        terminal.waitForPrompt()
        terminal.enter(".format", shows: "csv (one of table, json, jsonl, csv, markdown)")
        terminal.enter(
            ".format xml",
            shows: "error: .format takes one of table, json, jsonl, csv, markdown; for example: .format csv")
        terminal.type(".format json\r")
        terminal.waitForPrompt()
        terminal.enter("SELECT 1 AS a;", shows: "  {\"a\": 1}")
        terminal.type(".help\r")
        terminal.waitUntil("the help") { screen in
            screen.lines.contains { $0.hasPrefix(".format [table|json|jsonl|csv|markdown]  show or switch") }
                && screen.lines.contains { $0.hasPrefix(".quit") }
                && screen.text.contains("state/catalog/history")
        }
        terminal.waitForPrompt()
        terminal.enter(".nonsense", shows: "error: unknown command .nonsense; type .help for the list")
        // A dot command that fails says why, and the prompt goes on.
        terminal.enter(".schema nope", shows: "error: no table named \"nope\"")
        terminal.type(".schema languages\r")
        terminal.waitUntil("the schema") { $0.lines.contains { $0.hasPrefix("CREATE TABLE languages") } }
        Self.leave(terminal)
    }

    @Test func tabCompletesCommandsKeywordsAndNamesAndListsTheChoices() throws {
        let sandbox = try Self.sandbox()
        let terminal = try Self.prompt(sandbox)
        terminal.type(".form\t")
        terminal.waitUntil("the dot command completed") { $0.cursorLine == "catalog> .format" }
        terminal.type("cs\t")
        terminal.waitUntil("the format completed") { $0.cursorLine == "catalog> .format csv" }
        terminal.type("\r")
        terminal.waitForPrompt()
        // A keyword in the case typed, then a table name; one candidate gets a space after it.
        terminal.type("sel\tcount(*) AS n FROM framework_al\t")
        terminal.waitUntil("the keyword and the table completed") {
            $0.cursorLine == "catalog> select count(*) AS n FROM framework_aliases"
        }
        terminal.enter(";", shows: "n")
        // Several choices that agree no further: listed under the line, which is drawn again.
        terminal.type("SELECT * FROM lang\t")
        terminal.waitUntil("the common part completed") { $0.cursorLine == "catalog> SELECT * FROM language" }
        terminal.type("\t")
        terminal.waitUntil("the choices listed") { screen in
            screen.lines.contains { $0.hasPrefix("language_aliases  language_id") && $0.hasSuffix("languages") }
                && screen.cursorLine == "catalog> SELECT * FROM language"
        }
        terminal.type(Self.controlC)
        Self.leave(terminal)
    }

    @Test func textFromTheDatabaseAndTypedCharactersShowAsCharacters() throws {
        let sandbox = try Self.sandbox()
        let terminal = try Self.prompt(sandbox)
        terminal.enter("SELECT 'héllo ' || char(27) || '[2J' AS word;", shows: "héllo \\u{1B}[2J")
        // The escape in the value did not clear the screen: the statement is still shown.
        #expect(terminal.screen.lines.contains("catalog> SELECT 'héllo ' || char(27) || '[2J' AS word;"))
        Self.leave(terminal)
    }
}
