import CLibEdit

#if canImport(Glibc)
    import Glibc
#endif

/// Line editing and history for an interactive prompt, over libedit (loaded with `dlopen` when
/// the first editor opens; CLibEdit's shim.h says why it is not linked).
///
/// The editor owns Ctrl-C and the terminal's size changes while it is open: Ctrl-C at the prompt
/// ends the line being typed (`Input.interrupted`) instead of the process, and a resized window
/// redraws the line. Both signals reach the editor through a pipe (the self-pipe trick), so one
/// that lands just before the editor waits for a key is never lost. Whoever runs work between
/// two lines may install its own SIGINT handler and must restore this one afterwards.
///
/// One editor at a time: libedit's callbacks are C functions, which reach the open editor
/// through static state.
public final class LineEditor {
    /// What one `read` got.
    public enum Input: Equatable, Sendable {
        /// A line, without its line feed.
        case line(String)
        /// Ctrl-C: the line being typed was dropped.
        case interrupted
        /// Ctrl-D on an empty line, or the terminal went away.
        case end
    }

    /// Why no editor could be opened: libedit could not be loaded, or the terminal refused.
    public struct Unavailable: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Completes the word before the cursor on Tab: given the line's text up to the cursor, the
    /// word being completed (a suffix of that text) and the words it could become. nil: Tab
    /// inserts nothing.
    public var completer: ((_ beforeCursor: String) -> (word: String, candidates: [String]))?

    /// True once stdin ended or failed (the terminal went away), as opposed to a Ctrl-D.
    public var isClosed: Bool { Self.inputEnded }

    /// Why the history file could not be read or written, once; nil while all is well.
    public private(set) var historyProblem: String?

    private let editor: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?
    private var prompt: UnsafeMutablePointer<CChar>
    private var previousActions: [(Int32, sigaction)] = []
    /// The history file exists with its private mode (made once, at the first save).
    private var historyFileReady = false

    /// Opens an editor on the terminal on stdin, drawing on stdout when it is a terminal (else
    /// on stderr). The history file at `historyPath` (created 0600 on first save, in a folder that
    /// must exist) is loaded when it exists; nil keeps no history across sessions.
    public static func open(program: String, historyPath: String?, historySize: Int = 1000) throws -> LineEditor {
        let table = try libedit.get()
        // libedit decodes keys and encodes the line in the C library's character set: make it
        // UTF-8 (the user's locale when it is a UTF-8 one, else C.UTF-8). Only LC_CTYPE changes,
        // and nothing else in catalog depends on it.
        useUTF8Characters()
        guard let editor = catalog_el_init(table, program, isatty(STDOUT_FILENO) != 0 ? 0 : 1) else {
            throw Unavailable(description: "libedit could not set up the terminal")
        }
        guard let history = table.pointee.history_init() else {
            table.pointee.el_end(editor)
            throw Unavailable(description: "libedit could not set up a history")
        }
        let lineEditor = LineEditor(editor: editor, history: history, historyPath: historyPath)
        lineEditor.configure(historySize: historySize)
        return lineEditor
    }

    private init(editor: OpaquePointer, history: OpaquePointer, historyPath: String?) {
        self.editor = editor
        self.history = history
        self.historyPath = historyPath
        prompt = strdup("")
    }

    /// Sets the editor up: keys, prompt, history, signals.
    private func configure(historySize: Int) {
        let table = Self.table
        var event = HistEvent()
        _ = catalog_history_int(table, history, &event, H_SETSIZE, Int32(clamping: historySize))
        _ = catalog_history_int(table, history, &event, H_SETUNIQUE, 1)
        _ = catalog_el_set_string(table, editor, EL_EDITOR, "emacs")
        _ = catalog_el_set_history(table, editor, history)
        _ = catalog_el_set_prompt(table, editor, Self.promptFunction)
        _ = catalog_el_set_getc(table, editor, Self.readCharacter)
        _ = catalog_el_add_function(
            table, editor, "catalog-cancel", "Drop the line being typed (Ctrl-C)", Self.cancelFunction)
        _ = catalog_el_bind(table, editor, "^C", "catalog-cancel")
        _ = catalog_el_add_function(table, editor, "catalog-complete", "Complete the word (Tab)", Self.completeFunction)
        _ = catalog_el_bind(table, editor, "^I", "catalog-complete")
        // libedit's emacs keys redraw on Ctrl-R; readline and every shell search the history.
        _ = catalog_el_bind(table, editor, "^R", "em-inc-search-prev")
        // The user's own ~/.editrc, as every libedit program reads it.
        _ = table.pointee.el_source(editor, nil)
        if let historyPath, access(historyPath, F_OK) == 0 {
            let loaded = catalog_history_string(table, history, &event, H_LOAD, historyPath)
            if loaded < 0 { historyProblem = "could not read the history file \(historyPath)" }
        }
        Self.openEditor = self
        installSignalHandlers()
    }

    deinit {
        restoreSignalHandlers()
        Self.openEditor = nil
        let table = Self.table
        table.pointee.el_end(editor)
        table.pointee.history_end(history)
        free(prompt)
    }

    /// Shows `prompt`, lets the user edit a line, and returns it.
    public func read(prompt text: String) -> Input {
        free(prompt)
        prompt = strdup(text)
        Self.drainSignals()
        Self.cancelled = false
        fflush(nil)
        // Raw mode before the prompt is drawn: libedit draws it first, and a key typed in between
        // would be echoed by the terminal itself (an arrow as ^[[D) and then read a line late.
        _ = catalog_el_set_int(Self.table, editor, EL_PREP_TERM, 1)
        var count: Int32 = 0
        let line = Self.table.pointee.el_gets(editor, &count)
        if Self.cancelled { return .interrupted }
        guard let line, count > 0 else { return .end }
        var text = String(cString: line)
        if text.hasSuffix("\n") { text.removeLast() }
        return .line(text)
    }

    /// Adds `line` to the history (the arrow keys and Ctrl-R find it) and saves the history file.
    public func remember(_ line: String) {
        var event = HistEvent()
        _ = catalog_history_string(Self.table, history, &event, H_ENTER, line)
        guard let historyPath else { return }
        if !historyFileReady {
            if let problem = Self.prepareFile(historyPath) {
                historyProblem = historyProblem ?? problem
                return
            }
            historyFileReady = true
        }
        if catalog_history_string(Self.table, history, &event, H_SAVE, historyPath) < 0 {
            historyProblem = historyProblem ?? "could not write the history file \(historyPath)"
        }
    }

    // MARK: - libedit

    /// The function table, or why libedit could not be loaded.
    nonisolated(unsafe) private static let libedit: Result<UnsafeMutablePointer<catalog_libedit>, Unavailable> = {
        let table = UnsafeMutablePointer<catalog_libedit>.allocate(capacity: 1)
        if let reason = catalog_libedit_load(table) {
            table.deallocate()
            return .failure(
                Unavailable(
                    description: "could not load libedit, the line editor (\(String(cString: reason))); "
                        + "install it (Debian: apt install libedit2)"))
        }
        return .success(table)
    }()

    /// The loaded table: only reached once an editor opened, so the load succeeded.
    private static var table: UnsafeMutablePointer<catalog_libedit> {
        guard case .success(let table) = libedit else { fatalError("libedit used before it was loaded") }
        return table
    }

    /// The open editor, for libedit's callbacks.
    nonisolated(unsafe) private static var openEditor: LineEditor?
    /// Set when the terminal hangs up or reading fails.
    nonisolated(unsafe) private static var inputEnded = false
    /// Set by the Ctrl-C key while `read` waits.
    nonisolated(unsafe) private static var cancelled = false

    private static let promptFunction: @convention(c) (OpaquePointer) -> UnsafeMutablePointer<CChar> = { _ in
        LineEditor.openEditor?.prompt ?? LineEditor.noPrompt
    }
    nonisolated(unsafe) private static let noPrompt = strdup("")!

    /// Ctrl-C (a key, or SIGINT while the editor waits): end the line as if Enter were pressed,
    /// and mark it dropped.
    private static let cancelFunction: @convention(c) (OpaquePointer, Int32) -> UInt8 = { _, _ in
        LineEditor.cancelled = true
        return UInt8(CC_NEWLINE)
    }

    /// Tab: completes the word before the cursor as far as its candidates agree; when they
    /// agree no further, lists them under the line and redraws it.
    private static let completeFunction: @convention(c) (OpaquePointer, Int32) -> UInt8 = { editor, _ in
        LineEditor.openEditor?.complete(editor) ?? UInt8(CC_ERROR)
    }

    private func complete(_ editor: OpaquePointer) -> UInt8 {
        guard let completer, let info = Self.table.pointee.el_line(editor) else { return UInt8(CC_ERROR) }
        let count = info.pointee.cursor - info.pointee.buffer
        let before = String(
            decoding: UnsafeRawBufferPointer(start: info.pointee.buffer, count: max(count, 0)), as: UTF8.self)
        let (word, candidates) = completer(before)
        guard let first = candidates.first else { return UInt8(CC_REFRESH_BEEP) }
        // The longest prefix every candidate shares (in characters).
        var common = Array(first)
        for candidate in candidates.dropFirst() {
            common = Array(zip(common, candidate).prefix { $0 == $1 }.map(\.0))
        }
        var insertion = String(common.dropFirst(word.count))
        if candidates.count == 1 { insertion += " " }
        if !insertion.isEmpty {
            _ = Self.table.pointee.el_insertstr(editor, insertion)
            return UInt8(CC_REFRESH)
        }
        // Nothing more to insert: show the choices, then the prompt and line again.
        let width = candidates.map(\.count).max() ?? 0
        let columns = max(1, terminalWidth / (width + 2))
        var text = "\r\n"
        for (index, candidate) in candidates.enumerated() {
            text += candidate
            let last = index == candidates.count - 1 || (index + 1) % columns == 0
            text += last ? "\r\n" : String(repeating: " ", count: width - candidate.count + 2)
        }
        fflush(nil)
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(outputDescriptor, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            bytes = bytes.dropFirst(written)
        }
        return UInt8(CC_REDISPLAY)
    }

    /// Where the editor draws: stdout when it is a terminal, else stderr.
    private var outputDescriptor: Int32 { isatty(STDOUT_FILENO) != 0 ? STDOUT_FILENO : STDERR_FILENO }

    private var terminalWidth: Int {
        var size = winsize()
        if ioctl(outputDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    /// Reads one character for libedit from stdin (UTF-8), or from the signal pipe: SIGINT reads
    /// as the Ctrl-C key, a resize redraws and goes on waiting. Returns 1 with a character, 0 at
    /// the end of input, -1 on an error.
    private static let readCharacter: @convention(c) (OpaquePointer?, UnsafeMutablePointer<wchar_t>?) -> Int32 = {
        editor, character in
        guard let character else { return -1 }
        return LineEditor.readCharacter(editor, into: character)
    }

    private static func readCharacter(_ editor: OpaquePointer?, into character: UnsafeMutablePointer<wchar_t>) -> Int32
    {
        var first: UInt8 = 0
        waiting: while true {
            switch waitForByte(&first) {
            case .byte: break waiting
            case .interrupt:
                character.pointee = 3  // Ctrl-C, bound to catalog-cancel
                return 1
            case .end:
                return 0
            case .hangUp, .failure:
                inputEnded = true
                return -1
            case .resize:
                if let editor {
                    table.pointee.el_resize(editor)
                    _ = catalog_el_refresh(table, editor)
                }
            }
        }
        // The rest of a UTF-8 sequence; a malformed one reads as U+FFFD.
        let length: Int
        switch first {
        case 0x00..<0x80: length = 1
        case 0xC2..<0xE0: length = 2
        case 0xE0..<0xF0: length = 3
        case 0xF0..<0xF5: length = 4
        default: length = 0
        }
        guard length > 0 else {
            character.pointee = 0xFFFD
            return 1
        }
        var scalar = UInt32(first) & (length == 1 ? 0x7F : 0xFF >> (length + 1))
        for _ in 1..<length {
            var next: UInt8 = 0
            guard case .byte = waitForByte(&next), next & 0xC0 == 0x80 else {
                // The byte that broke the sequence is dropped with it.
                character.pointee = 0xFFFD
                return 1
            }
            scalar = scalar << 6 | UInt32(next & 0x3F)
        }
        character.pointee = wchar_t(bitPattern: Unicode.Scalar(scalar) == nil ? 0xFFFD : scalar)
        return 1
    }

    private enum Wait { case byte, interrupt, resize, end, hangUp, failure }

    /// Waits for a byte on stdin or a signal on the pipe.
    private static func waitForByte(_ byte: inout UInt8) -> Wait {
        while true {
            var fds = [
                pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                pollfd(fd: signalPipe.read, events: Int16(POLLIN), revents: 0),
            ]
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                return .failure
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                var signal: UInt8 = 0
                if Glibc.read(signalPipe.read, &signal, 1) == 1 {
                    return signal == UInt8(SIGINT) ? .interrupt : .resize
                }
            }
            if fds[0].revents != 0 {
                let count = Glibc.read(STDIN_FILENO, &byte, 1)
                if count == 1 { return .byte }
                // The end of input: Ctrl-D read in cooked mode (typed while a statement ran) ends
                // one read; a terminal that hung up ends them all.
                if count == 0 { return fds[0].revents & Int16(POLLHUP) != 0 ? .hangUp : .end }
                if errno == EINTR || errno == EAGAIN { continue }
                return .failure
            }
        }
    }

    // MARK: - Signals

    /// The self-pipe: the handlers write the signal's number, `readCharacter` polls for it.
    /// Both ends are non-blocking, so a handler never waits on a full pipe.
    private static let signalPipe: (read: Int32, write: Int32) = {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return (-1, -1) }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return (fds[0], fds[1])
    }()

    /// Drops signals that arrived while no line was being read (Ctrl-C during a dot command).
    private static func drainSignals() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while Glibc.read(signalPipe.read, &bytes, bytes.count) > 0 {}
    }

    private func installSignalHandlers() {
        _ = Self.signalPipe  // created before any handler can write to it
        for signal in [SIGINT, SIGWINCH] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                var byte = UInt8(truncatingIfNeeded: signal)
                _ = Glibc.write(LineEditor.signalPipe.write, &byte, 1)
            }
            // No SA_RESTART: nothing waits in a restartable call, and poll returns at once.
            action.sa_flags = 0
            sigemptyset(&action.sa_mask)
            var previous = sigaction()
            if sigaction(signal, &action, &previous) == 0 { previousActions.append((signal, previous)) }
        }
        // A parent may have started us with SIGINT blocked (the mask is inherited); unblock it.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGWINCH)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    private func restoreSignalHandlers() {
        for (signal, previous) in previousActions {
            var action = previous
            sigaction(signal, &action, nil)
        }
        previousActions = []
    }

    // MARK: - Files and characters

    /// Creates the history file (0600) when missing, so that libedit's save, which opens it with
    /// the umask's mode, never makes the history readable by others. Returns what went wrong, or
    /// nil. (The caller makes the folder.)
    private static func prepareFile(_ path: String) -> String? {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 { return "could not write the history file \(path): \(String(cString: strerror(errno)))" }
        close(fd)
        return nil
    }

    /// Sets LC_CTYPE to a UTF-8 locale: the user's, or C.UTF-8.
    private static func useUTF8Characters() {
        if let current = setlocale(LC_CTYPE, ""), String(cString: current).lowercased().contains("utf") { return }
        if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "C.utf8") }
    }
}
