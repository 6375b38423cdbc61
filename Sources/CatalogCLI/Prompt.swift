import CatalogKit
import CatalogLineEdit

/// `catalog sql`'s interactive prompt, opened when no SQL is given and stdin is a terminal.
/// Statements end with `;` and may span lines; dot commands (`.help`) start a line.
///
/// On a terminal it edits lines with libedit (`LineEditor`): arrows and emacs keys, a history
/// kept across sessions and searched with Ctrl-R, Ctrl-C dropping the line being typed (and
/// stopping a running statement, through `ControlC`), Ctrl-D leaving only on an empty prompt.
/// Without libedit it reads plain lines, and says so once.
struct Prompt {
    let session: SQLSession
    var command: SQL
    /// The statements run in this session, for `.history`.
    private var statements: [String] = []

    init(session: SQLSession, command: SQL) {
        self.session = session
        self.command = command
    }

    mutating func run() throws {
        let completion = PromptCompletion(session: session)
        let input = Self.openInput(completion: completion)
        var buffer = ""
        print("catalog sql: statements end with ';'. Type .help for commands.")
        while true {
            completion.atStatementStart = buffer.isEmpty
            switch input.read(prompt: buffer.isEmpty ? "catalog> " : "    ...> ") {
            case .end:
                print()
                // Ctrl-D with a statement half-typed keeps it: leaving would drop it silently.
                if !buffer.isEmpty && !input.isClosed {
                    Terminal.writeError("note: the statement is not finished; end it with ';' or drop it with Ctrl-C")
                    continue
                }
                if !buffer.isEmpty { Terminal.writeError("note: the unfinished statement was not run") }
                return
            case .interrupted:
                print("^C")
                buffer = ""
            case .line(let line):
                if !line.allSatisfy(\.isWhitespace) { input.remember(line) }
                if let problem = input.takeProblem() { Terminal.writeError("note: \(problem); history is not kept") }
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                if buffer.isEmpty, trimmed.hasPrefix(".") {
                    // A dot command that fails (a server refusing to list its tables, say) is
                    // reported like a statement's error, and the prompt goes on.
                    do {
                        if try !dotCommand(String(trimmed), input: input) { return }
                    } catch let failure as CommandFailure {
                        Terminal.writeError(failure.message)
                    } catch {
                        Terminal.writeError("error: \(error)")
                    }
                    continue
                }
                if buffer.isEmpty && trimmed.isEmpty { continue }
                buffer += (buffer.isEmpty ? "" : "\n") + line
                guard session.backend.isComplete(buffer) else { continue }
                statements.append(buffer)
                do {
                    try command.execute(buffer, in: session, parameters: [])
                } catch let failure as CommandFailure {
                    Terminal.writeError(failure.message)
                }
                buffer = ""
            }
        }
    }

    /// Runs a dot command; returns false to quit.
    private mutating func dotCommand(_ line: String, input: any PromptInput) throws -> Bool {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        switch words.first {
        case ".quit", ".exit":
            return false
        case ".tables":
            command.options.output.print(try SchemaDump.tables(session.backend.connection))
        case ".schema":
            let tables = Array(words.dropFirst())
            let unknown = try SchemaDump.unknownTables(session.backend.connection, tables)
            if let first = unknown.first { throw CommandFailure("no table named \"\(first)\"") }
            print(try SchemaDump.sql(session.backend.connection, tables: tables), terminator: "")
        case ".history":
            for (index, statement) in statements.enumerated() {
                print("\(index + 1)  \(TerminalText.shownKeepingLines(statement))")
            }
        case ".format":
            let names = OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
            guard words.count > 1 else {
                print("\(command.options.output.format.rawValue) (one of \(names))")
                break
            }
            guard words.count == 2, let format = OutputFormat(rawValue: words[1].lowercased()) else {
                Terminal.writeError("error: .format takes one of \(names); for example: .format csv")
                break
            }
            command.options.output.format = format
        case ".help":
            print(Self.help(history: input.historyPath))
        default:
            Terminal.writeError("error: unknown command \(words.first ?? line); type .help for the list")
        }
        return true
    }

    private static func help(history: String?) -> String {
        let commands = [
            (
                ".format [" + OutputFormat.allCases.map(\.rawValue).joined(separator: "|") + "]",
                "show or switch the output format"
            ),
            (".tables", "the tables, with row counts and columns"),
            (".schema [TABLE...]", "the CREATE statements"),
            (".history", "the statements run in this session"),
            (".help", "this list"),
            (".quit", "leave (or Ctrl-D on an empty prompt)"),
        ]
        let width = commands.map(\.0.count).max() ?? 0
        var lines = commands.map { $0.0 + String(repeating: " ", count: width - $0.0.count + 2) + $0.1 }
        lines.append("Statements end with ';' and may span lines.")
        if let history {
            lines += [
                "Keys: arrows and emacs keys edit the line; Tab completes names and commands; Up, Down",
                "and Ctrl-R search the history; Ctrl-C drops the line being typed or stops a running",
                "statement; Ctrl-L clears the screen.",
                "History: \(TerminalText.shown(history))",
            ]
        }
        return lines.joined(separator: "\n")
    }

    /// libedit on a terminal (the `catalog` process itself), else plain lines.
    private static func openInput(completion: PromptCompletion) -> any PromptInput {
        let context = CLIContext.current
        guard context.handlesSignals, context.stdinIsTerminal else { return PlainInput() }
        var historyPath = historyFile()
        if let path = historyPath, let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            do {
                try FileSystem.makeDirectories(String(path[..<slash]), private: true)
            } catch {
                Terminal.writeError("note: \(error); history is not kept")
                historyPath = nil
            }
        }
        do {
            let editor = try LineEditor.open(program: "catalog", historyPath: historyPath)
            editor.completer = { completion.complete($0) }
            return EditedInput(editor: editor, historyPath)
        } catch {
            Terminal.writeError("note: line editing is off: \(error)")
            return PlainInput()
        }
    }

    /// Where the history is kept: CATALOG_HISTORY, else `$XDG_STATE_HOME/catalog/history`, else
    /// `~/.local/state/catalog/history` (the XDG default; a relative XDG_STATE_HOME is ignored,
    /// as the spec says). nil without HOME.
    static func historyFile() -> String? {
        if let path = Terminal.environment("CATALOG_HISTORY") { return CLIContext.current.resolve(path) }
        if let state = Terminal.environment("XDG_STATE_HOME"), state.hasPrefix("/") {
            return FileSystem.join(state, "catalog/history")
        }
        guard let home = Terminal.environment("HOME"), home.hasPrefix("/") else { return nil }
        return FileSystem.join(home, ".local/state/catalog/history")
    }
}

/// Where the prompt's lines come from.
protocol PromptInput: AnyObject {
    /// Shows `prompt` and reads one line.
    func read(prompt: String) -> LineEditor.Input
    /// Keeps `line` in the history.
    func remember(_ line: String)
    /// What went wrong with the history, once.
    func takeProblem() -> String?
    /// True once the input itself ended (the terminal closed), not just a Ctrl-D.
    var isClosed: Bool { get }
    /// The history file, when there is one.
    var historyPath: String? { get }
}

/// libedit on the terminal.
final class EditedInput: PromptInput {
    private let editor: LineEditor
    let historyPath: String?
    private var reported = false

    init(editor: LineEditor, _ historyPath: String?) {
        self.editor = editor
        self.historyPath = historyPath
    }

    func read(prompt: String) -> LineEditor.Input { editor.read(prompt: prompt) }
    func remember(_ line: String) { editor.remember(line) }
    var isClosed: Bool { editor.isClosed }

    func takeProblem() -> String? {
        guard !reported, let problem = editor.historyProblem else { return nil }
        reported = true
        return problem
    }
}

/// Plain lines from stdin, when libedit cannot be used.
final class PlainInput: PromptInput {
    private(set) var isClosed = false
    var historyPath: String? { nil }

    func read(prompt: String) -> LineEditor.Input {
        Terminal.prompt(prompt)
        guard let line = readLine() else {
            isClosed = true
            return .end
        }
        return .line(line)
    }

    func remember(_ line: String) {}
    func takeProblem() -> String? { nil }
}

/// Tab at the prompt: dot commands at the start of a statement, formats after `.format`, tables
/// after `.schema`, else SQL keywords (in the case typed) and the catalog's table and column
/// names, matched ignoring case. Names are read from the database at the first Tab.
final class PromptCompletion {
    /// True while the line being typed starts a statement (where dot commands are).
    var atStatementStart = true
    private let session: SQLSession
    private var names: (tables: [String], columns: [String])?

    static let dotCommands = [".exit", ".format", ".help", ".history", ".quit", ".schema", ".tables"]
    static let keywords = [
        "ALL", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "COUNT", "CROSS", "DESC", "DISTINCT", "ELSE", "END",
        "EXCEPT", "EXISTS", "EXPLAIN", "FROM", "GROUP", "HAVING", "IN", "INNER", "INTERSECT", "IS", "JOIN", "LEFT",
        "LIKE", "LIMIT", "NOT", "NULL", "OFFSET", "ON", "OR", "ORDER", "OUTER", "SELECT", "THEN", "UNION", "USING",
        "VALUES", "WHEN", "WHERE", "WITH",
    ]

    init(session: SQLSession) {
        self.session = session
    }

    func complete(_ before: String) -> (word: String, candidates: [String]) {
        let line = before.drop { $0 == " " || $0 == "\t" }
        if atStatementStart, line.hasPrefix(".") {
            let words = line.split(separator: " ", omittingEmptySubsequences: false)
            guard words.count > 1 else { return (String(line), Self.dotCommands.filter { $0.hasPrefix(line) }) }
            let word = String(words.last ?? "")
            switch words.first {
            case ".format": return (word, OutputFormat.allCases.map(\.rawValue).filter { $0.hasPrefix(word) })
            case ".schema": return (word, tables().filter { Self.matches($0, word) })
            default: return (word, [])
            }
        }
        let word = String(before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
        guard !word.isEmpty else { return (word, []) }
        let upper = word.first?.isUppercase == true
        let keywords = Self.keywords.filter { Self.matches($0, word) }.map { upper ? $0 : $0.lowercased() }
        let names = tables() + columns()
        var seen = Set<String>()
        let candidates = (keywords + names.filter { Self.matches($0, word) }).filter { seen.insert($0).inserted }
        return (word, candidates.sorted { $0.lowercased() < $1.lowercased() })
    }

    private static func matches(_ name: String, _ word: String) -> Bool {
        name.lowercased().hasPrefix(word.lowercased())
    }

    private func tables() -> [String] { loadedNames().tables }
    private func columns() -> [String] { loadedNames().columns }

    private func loadedNames() -> (tables: [String], columns: [String]) {
        if let names { return names }
        let loaded = (try? SchemaDump.names(session.backend.connection)) ?? ([], [])
        names = loaded
        return loaded
    }
}
