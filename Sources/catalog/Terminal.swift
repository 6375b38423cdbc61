#if canImport(Glibc)
    import Glibc
#endif

/// Standard streams and the terminal, on the C library (no Foundation in the binary).
enum Terminal {
    /// Writes `text` and a newline to stderr.
    static func writeError(_ text: String) {
        writeToStderr(text + "\n")
    }

    /// Writes `text` to stdout now (a prompt, with no newline).
    static func writeToStdout(_ text: String) {
        print(text, terminator: "")
        fflush(nil)
    }

    /// Writes raw text to file descriptor 2, after flushing what `print` buffered on stdout.
    static func writeToStderr(_ text: String) {
        fflush(nil)
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The width of the terminal standard output is, or nil when it is not a terminal.
    static var width: Int? {
        guard isatty(STDOUT_FILENO) != 0 else { return nil }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return environment("COLUMNS").flatMap(Int.init) ?? 80
    }

    /// True when standard output is a terminal and NO_COLOR is unset (https://no-color.org).
    static var usesColour: Bool { isatty(STDOUT_FILENO) != 0 && getenv("NO_COLOR") == nil }

    /// True when standard input is a terminal, so the user can be asked.
    static var isInteractive: Bool { isatty(STDIN_FILENO) != 0 }

    /// The value of environment variable `name`, unless it is unset or empty.
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
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
