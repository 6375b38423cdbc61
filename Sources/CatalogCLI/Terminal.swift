import CatalogKit

#if canImport(Glibc)
    import Glibc
#endif

/// Where a command's input and output go and what it knows of its surroundings: the process's
/// own streams and environment for the `catalog` executable, buffers for tests that run commands
/// in-process.
///
/// Commands reach it through `CLIContext.current`, a task-local value, so that tests running in
/// parallel each see their own.
public final class CLIContext: @unchecked Sendable {
    /// The environment variables commands read; nil means the process's own (`getenv`).
    let variables: [String: String]?
    /// The folder relative paths are resolved against; nil means the process's working directory.
    public let workingDirectory: String?
    let writeOut: (String) -> Void
    let writeErr: (String) -> Void
    let readInputLine: (Bool) -> String?
    let stdinIsTerminal: Bool
    let stdoutIsTerminal: Bool
    let stderrIsTerminal: Bool
    /// Ctrl-C interrupts a running statement; only a real process installs signal handlers.
    let handlesSignals: Bool

    /// The context of the current task: the process itself unless a test chose another.
    @TaskLocal public static var current = CLIContext.process

    /// The `catalog` process: standard streams, `getenv`, the working directory.
    public static let process = CLIContext(
        variables: nil, workingDirectory: nil,
        writeOut: { Swift.print($0, terminator: "") },
        writeErr: { text in
            fflush(nil)
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
                if written <= 0 { return }
                bytes = bytes.dropFirst(written)
            }
        },
        readInputLine: { Swift.readLine(strippingNewline: $0) },
        stdinIsTerminal: isatty(STDIN_FILENO) != 0, stdoutIsTerminal: isatty(STDOUT_FILENO) != 0,
        stderrIsTerminal: isatty(STDERR_FILENO) != 0, handlesSignals: true)

    init(
        variables: [String: String]?, workingDirectory: String?, writeOut: @escaping (String) -> Void,
        writeErr: @escaping (String) -> Void, readInputLine: @escaping (Bool) -> String?, stdinIsTerminal: Bool,
        stdoutIsTerminal: Bool, stderrIsTerminal: Bool, handlesSignals: Bool
    ) {
        self.variables = variables
        self.workingDirectory = workingDirectory
        self.writeOut = writeOut
        self.writeErr = writeErr
        self.readInputLine = readInputLine
        self.stdinIsTerminal = stdinIsTerminal
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
        self.handlesSignals = handlesSignals
    }

    /// A context for running commands in-process: `environment` is the whole environment,
    /// relative paths are resolved against `directory`, `input` is standard input (not a
    /// terminal), and output is collected in `output` (as if stdout, or stderr, were a terminal
    /// when `stdoutIsTerminal`, `stderrIsTerminal`).
    public convenience init(
        directory: String, environment: [String: String], input: String = "", output: CapturedOutput,
        stdoutIsTerminal: Bool = false, stderrIsTerminal: Bool = false
    ) {
        var lines = input.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var next = 0
        self.init(
            variables: environment, workingDirectory: directory,
            writeOut: { output.stdout += $0 }, writeErr: { output.stderr += $0 },
            readInputLine: { strip in
                guard next < lines.count else { return nil }
                defer { next += 1 }
                return strip ? lines[next] : lines[next] + "\n"
            },
            stdinIsTerminal: false, stdoutIsTerminal: stdoutIsTerminal, stderrIsTerminal: stderrIsTerminal,
            handlesSignals: false)
    }

    /// The value of environment variable `name`, unless it is unset or empty.
    func environment(_ name: String) -> String? {
        let value: String?
        if let variables {
            value = variables[name]
        } else {
            value = getenv(name).map { String(cString: $0) }
        }
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    /// `path` as the file system must see it: relative paths are taken from `workingDirectory`.
    func resolve(_ path: String) -> String {
        guard let workingDirectory, !path.hasPrefix("/") else { return path }
        return path == "." ? workingDirectory : workingDirectory + "/" + path
    }
}

/// What an in-process run printed.
public final class CapturedOutput: @unchecked Sendable {
    public var stdout = ""
    public var stderr = ""

    public init() {}
}

/// Prints to the current context's standard output (`Swift.print` for the process). It has
/// `Swift.print`'s signature so that it shadows it in this module: every command prints through
/// it, and in-process tests see the output.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    var text = ""
    for (index, item) in items.enumerated() {
        if index > 0 { text += separator }
        text += item as? String ?? "\(item)"
    }
    CLIContext.current.writeOut(text + terminator)
}

/// Reads a line of the current context's standard input.
func readLine(strippingNewline: Bool = true) -> String? {
    CLIContext.current.readInputLine(strippingNewline)
}

/// Standard streams and the terminal, on the C library (no Foundation in the binary).
enum Terminal {
    /// Writes `text` and a newline to stderr. Messages quote names, file names and SQL that came
    /// from data, so they pass through `TerminalText` (line feeds kept) like every other text.
    static func writeError(_ text: String) {
        writeToStderr(TerminalText.shownKeepingLines(text) + "\n")
    }

    /// Writes `text` to stdout as it is (no newline added).
    static func writeToStdout(_ text: String) {
        CLIContext.current.writeOut(text)
    }

    /// Writes `text` to stdout now (a prompt, with no newline).
    static func prompt(_ text: String) {
        CLIContext.current.writeOut(text)
        fflush(nil)
    }

    /// Writes raw text to stderr, after flushing what `print` buffered on stdout.
    static func writeToStderr(_ text: String) {
        CLIContext.current.writeErr(text)
    }

    /// The width of the terminal standard output is, or nil when it is not a terminal.
    static var width: Int? {
        guard CLIContext.current.stdoutIsTerminal else { return nil }
        return columns(of: STDOUT_FILENO)
    }

    /// The width of the terminal on `descriptor`, asked of the terminal itself by the process;
    /// else (a test's context, or no answer) COLUMNS, else 80.
    static func columns(of descriptor: Int32) -> Int {
        if CLIContext.current === CLIContext.process {
            var size = winsize()
            if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        }
        return environment("COLUMNS").flatMap(Int.init) ?? 80
    }

    /// True when standard output is a terminal and NO_COLOR is unset (https://no-color.org).
    static var usesColour: Bool { CLIContext.current.stdoutIsTerminal && environment("NO_COLOR") == nil }

    /// True when standard input is a terminal, so the user can be asked.
    static var isInteractive: Bool { CLIContext.current.stdinIsTerminal }

    /// True when standard error is a terminal (progress is shown there).
    static var stderrIsTerminal: Bool { CLIContext.current.stderrIsTerminal }

    /// The value of environment variable `name`, unless it is unset or empty.
    static func environment(_ name: String) -> String? {
        CLIContext.current.environment(name)
    }

    /// Asks on stderr for the word `yes`, when stdin is a terminal. Without a terminal (and
    /// without `--force`) destructive commands refuse to run.
    static func confirm(_ question: String, force: Bool, command: String) throws {
        if force { return }
        guard isInteractive else {
            throw CommandFailure(
                "\(command) destroys data; pass --force to run it without a terminal to confirm on")
        }
        writeToStderr("\(question) Type 'yes' to continue: ")
        guard readLine()?.lowercased() == "yes" else {
            throw CommandFailure("\(command) cancelled; nothing was changed")
        }
    }
}
