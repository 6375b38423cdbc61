import Foundation
import Testing

/// The built `catalog` binary on a pseudo-terminal of its own: it is a session leader whose
/// controlling terminal is the pty, so typed keys reach it as they would from a person (Ctrl-C
/// becomes SIGINT through the line discipline, not a signal the test sends), and what it draws is
/// read back through `Screen`, a small VT100/xterm model.
final class PseudoTerminal {
    private let master: Int32
    private let pid: pid_t
    private(set) var screen: Screen
    /// Everything the program wrote, as bytes.
    private(set) var output: [UInt8] = []
    private var exitStatus: Int32?

    /// Starts `catalog arguments` in `directory` with exactly `environment` (TERM=xterm added),
    /// on a terminal of `columns` x `rows`.
    init(
        _ arguments: [String], directory: String, environment: [String: String], columns: Int = 100, rows: Int = 30
    ) throws {
        screen = Screen(columns: columns, rows: rows)
        let pair = try PTY.open()
        master = pair.master
        let slave = pair.terminal
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, master)
        // Opened after setsid (glibc runs the attributes first): the pty becomes the controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGWINCH)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        // POSIX_SPAWN_SETSID (glibc 2.26), POSIX_SPAWN_SETSIGDEF, POSIX_SPAWN_SETSIGMASK.
        posix_spawnattr_setflags(&attributes, Int16(0x80 | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        // env -C: the working folder (posix_spawn_file_actions_addchdir_np is not imported either).
        let argv = (["/usr/bin/env", "-C", directory, CLISandbox.binary] + arguments).map { strdup($0) } + [nil]
        var variables = environment
        variables["TERM"] = "xterm"
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, "/usr/bin/env", &actions, &attributes, argv, envp)
        guard status == 0 else { throw Failure("cannot start catalog: \(String(cString: strerror(status)))") }
        pid = child
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Types `keys` (escape sequences and control characters as bytes, as a terminal sends them).
    func type(_ keys: String) {
        var bytes = Array(keys.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if written > 0 { bytes = bytes.dropFirst(written) } else if errno != EAGAIN && errno != EINTR { return }
        }
    }

    /// Reads what the program drew until `condition` holds for the screen, or fails after `seconds`.
    @discardableResult
    func waitUntil(
        _ description: String, seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: (Screen) -> Bool
    ) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            pump(milliseconds: 50)
            if condition(screen) { return true }
            if Date() > deadline || (exitStatus != nil && !drain()) {
                Issue.record(
                    "timed out waiting for \(description); the screen:\n\(screen.text)", sourceLocation: sourceLocation)
                return false
            }
        }
    }

    /// Waits until some screen line, trailing spaces removed, equals `line`.
    @discardableResult
    func waitForLine(_ line: String, seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        waitUntil("the line \"\(line)\"", seconds: seconds, sourceLocation: sourceLocation) { $0.lines.contains(line) }
    }

    /// Waits until the cursor's line is exactly `prompt` (the prompt drawn, nothing typed).
    @discardableResult
    func waitForPrompt(
        _ prompt: String = "catalog> ", seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        waitUntil("the prompt \"\(prompt)\"", seconds: seconds, sourceLocation: sourceLocation) {
            // Lines are compared without trailing spaces; the cursor shows the prompt's own.
            $0.cursorLine == prompt.trimmingTrailingSpaces
                && $0.cursorColumn == prompt.count
        }
    }

    /// Types `line` and Enter, then waits for a screen line equal to `shown` and the next prompt.
    func enter(_ line: String, shows shown: String, sourceLocation: SourceLocation = #_sourceLocation) {
        type(line + "\r")
        waitForLine(shown, sourceLocation: sourceLocation)
        waitForPrompt(sourceLocation: sourceLocation)
    }

    /// Waits for the process to exit and returns its exit code (128 + N for signal N).
    func waitForExit(seconds: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while exitStatus == nil && Date() < deadline {
            pump(milliseconds: 50)
        }
        while drain() {}
        return exitStatus
    }

    /// True while the process runs.
    var isRunning: Bool {
        pump(milliseconds: 0)
        return exitStatus == nil
    }

    private func pump(milliseconds: Int32) {
        var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
        if poll(&fds, 1, milliseconds) > 0 { _ = drain() }
        if exitStatus == nil {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
        }
    }

    /// Reads what is there; true when something was read.
    private func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var any = false
        while true {
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else { return any }
            any = true
            output += buffer[..<count]
            screen.feed(buffer[..<count])
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// What a terminal shows: a grid of characters, the cursor, and the control sequences libedit and
/// catalog use (cursor moves, erase, insert and delete characters, clear screen, scrolling).
/// Colours and modes are ignored. One column per character.
struct Screen {
    let columns: Int
    let rows: Int
    private(set) var grid: [[Character]]
    private(set) var row = 0
    private(set) var column = 0
    private var insertMode = false
    private var pending: [UInt8] = []
    /// Every line that scrolled off the top, oldest first.
    private(set) var scrolledOff: [String] = []

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        grid = Array(repeating: Array(repeating: " ", count: columns), count: rows)
    }

    /// The screen's lines, trailing spaces removed.
    var lines: [String] { grid.map { Self.trimmed($0) } }

    static func trimmed(_ characters: [Character]) -> String {
        String(characters[..<(characters.lastIndex { $0 != " " }.map { $0 + 1 } ?? 0)])
    }

    /// The lines that scrolled off, then the screen's, without the empty ones at the bottom.
    var history: [String] {
        var all = scrolledOff + lines
        while all.last == "" { all.removeLast() }
        return all
    }

    var text: String { history.joined(separator: "\n") }

    /// The cursor's line, trailing spaces removed.
    var cursorLine: String { lines[row] }
    var cursorColumn: Int { column }

    mutating func feed<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        pending += bytes
        var index = 0
        while index < pending.count {
            guard let consumed = step(pending[index...]) else { break }  // an incomplete sequence
            index += consumed
        }
        pending.removeFirst(index)
    }

    /// Interprets one character or sequence at the start of `bytes`; returns how many bytes it
    /// took, or nil when the sequence is not complete yet.
    private mutating func step(_ bytes: ArraySlice<UInt8>) -> Int? {
        let first = bytes[bytes.startIndex]
        switch first {
        case 0x1b:
            guard bytes.count >= 2 else { return nil }
            let second = bytes[bytes.startIndex + 1]
            guard second == UInt8(ascii: "[") else { return 2 }  // ESC x: ignored
            var end = bytes.startIndex + 2
            while end < bytes.endIndex, !(0x40...0x7e).contains(bytes[end]) { end += 1 }
            guard end < bytes.endIndex else { return nil }
            control(String(decoding: bytes[(bytes.startIndex + 2)..<end], as: UTF8.self), bytes[end])
            return end - bytes.startIndex + 1
        case 0x0d: column = 0
        case 0x0a: lineFeed()
        case 0x08: column = max(0, column - 1)
        case 0x07: break
        case 0x09: column = min(columns - 1, (column / 8 + 1) * 8)
        case 0x00..<0x20, 0x7f: break
        default:
            let length = first < 0xc0 ? 1 : first < 0xe0 ? 2 : first < 0xf0 ? 3 : 4
            guard bytes.count >= length else { return nil }
            let character = String(decoding: bytes.prefix(length), as: UTF8.self).first ?? "?"
            put(character)
            return length
        }
        return 1
    }

    private mutating func put(_ character: Character) {
        if column >= columns {
            column = 0
            lineFeed()
        }
        if insertMode {
            grid[row].insert(character, at: column)
            grid[row].removeLast()
        } else {
            grid[row][column] = character
        }
        column += 1
    }

    private mutating func lineFeed() {
        if row == rows - 1 {
            scrolledOff.append(Self.trimmed(grid.removeFirst()))
            grid.append(Array(repeating: " ", count: columns))
        } else {
            row += 1
        }
    }

    private mutating func control(_ parameters: String, _ final: UInt8) {
        let numbers = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        let n = max(1, numbers.first.flatMap { $0 } ?? 1)
        switch Character(UnicodeScalar(final)) {
        case "A": row = max(0, row - n)
        case "B": row = min(rows - 1, row + n)
        case "C": column = min(columns - 1, column + n)
        case "D": column = max(0, column - n)
        case "G": column = min(columns - 1, n - 1)
        case "H", "f":
            row = min(rows - 1, max(1, numbers.first.flatMap { $0 } ?? 1) - 1)
            column = min(columns - 1, max(1, (numbers.count > 1 ? numbers[1] : 1) ?? 1) - 1)
        case "J":
            let mode = numbers.first.flatMap { $0 } ?? 0
            if mode == 2 || mode == 3 {
                grid = Array(repeating: Array(repeating: " ", count: columns), count: rows)
            } else if mode == 0 {
                for c in column..<columns { grid[row][c] = " " }
                for r in (row + 1)..<rows { grid[r] = Array(repeating: " ", count: columns) }
            }
        case "K":
            let mode = numbers.first.flatMap { $0 } ?? 0
            let range = mode == 0 ? column..<columns : mode == 1 ? 0..<min(columns, column + 1) : 0..<columns
            for c in range { grid[row][c] = " " }
        case "@":
            for _ in 0..<n {
                grid[row].insert(" ", at: min(column, columns - 1))
                grid[row].removeLast()
            }
        case "P":
            for _ in 0..<n {
                grid[row].remove(at: min(column, columns - 1))
                grid[row].append(" ")
            }
        case "h" where parameters == "4": insertMode = true
        case "l" where parameters == "4": insertMode = false
        default: break  // colours, private modes
        }
    }
}

extension String {
    /// The text without trailing spaces, as `Screen.lines` shows lines.
    var trimmingTrailingSpaces: String { Screen.trimmed(Array(self)) }
}

/// Opening a pseudo-terminal, with the C library's functions that Glibc's module map leaves out
/// (`<stdlib.h>` declares them only for `_XOPEN_SOURCE`).
enum PTY {
    @_silgen_name("posix_openpt") private static func openMaster(_ flags: Int32) -> Int32
    @_silgen_name("grantpt") private static func grant(_ fd: Int32) -> Int32
    @_silgen_name("unlockpt") private static func unlock(_ fd: Int32) -> Int32
    @_silgen_name("ptsname") private static func name(_ fd: Int32) -> UnsafeMutablePointer<CChar>?

    /// A new pseudo-terminal: the master side's descriptor and the path of the terminal side.
    static func open() throws -> (master: Int32, terminal: String) {
        let master = openMaster(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0, grant(master) == 0, unlock(master) == 0, let name = name(master) else {
            throw PseudoTerminal.Failure("cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        return (master, String(cString: name))
    }
}
