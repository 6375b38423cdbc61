import ArgumentParser
import CatalogKit
import CatalogSeeds

#if canImport(Glibc)
    import Glibc
#endif

/// `--quiet`: shared by the commands that write (`migrate`, `seed`, `setup`).
struct QuietOption: ParsableArguments {
    @Flag(
        name: [.short, .long],
        help: "Print no progress, no lock-wait line and no line per migration: errors and the summary only.")
    var quiet = false
}

/// What a writing command tells a person while it works: one status line on stderr, redrawn in
/// place, and what Ctrl-C would leave behind (`WriteInterruption`).
///
/// The status line is drawn only when stderr is a terminal and `--quiet` is not given; it is
/// plain text, so NO_COLOR has nothing to turn off. Each phase (waiting for the lock, reading the
/// seeds, comparing, writing, committing, each migration) is drawn as soon as it starts; updates
/// within a phase at most every `interval`. The line is cleared when the command ends, so the
/// summary on stdout (or the error) is the one line left.
final class ProgressReport {
    private let line: StatusLine
    private let quiet: Bool
    private var state = WriteState()

    init(quiet: Bool, interval: Duration = .milliseconds(100)) {
        self.quiet = quiet
        line = StatusLine(isEnabled: !quiet && Terminal.stderrIsTerminal, interval: interval)
        if CLIContext.current.handlesSignals { WriteInterruption.install(clearing: line.isEnabled) }
        WriteInterruption.say(state.message)
    }

    /// A progress callback for seeding.
    var seedProgress: Seeder.Progress { { [self] in seed($0) } }

    /// An event callback for the migrator: updates the status line and the Ctrl-C message, and
    /// prints the line of a finished migration unless `--quiet`.
    var migrationEvent: (Migrator.Event) -> Void { { [self] in migration($0) } }

    /// Runs `work`, then clears the status line, whether it succeeded or failed: what is printed
    /// next (the summary, or the error) starts on a clean line.
    func run<T>(_ work: () throws -> T) throws -> T {
        defer { line.clear() }
        return try work()
    }

    /// The command is about to do a last step that writes outside what `WriteState` tracks.
    func note(_ running: String) {
        state.running = .other(running)
        WriteInterruption.say(state.message)
    }

    private func seed(_ progress: SeedProgress) {
        switch progress {
        case .waitingForLock(let holder):
            line.show(Self.waiting(for: holder), phase: "lock")
        case .reading(let bytes, let total):
            state.running = .seed(committing: false)
            WriteInterruption.say(state.message)
            // The end of the phase is always drawn: all of the bytes read, then the next phase.
            line.show(
                "reading seeds: \(Self.bytes(bytes)) of \(Self.bytes(total))", phase: "reading", now: bytes == total)
        case .comparing:
            line.show("comparing the seeds with the database", phase: "comparing")
        case .writing(let rows, let total):
            // The last step is drawn by `.committing`, which follows at once: 100% is drawn once.
            if rows < total || total == 0 { line.show(Self.bar(rows, total), phase: "writing") }
        case .committing:
            state.running = .seed(committing: true)
            WriteInterruption.say(state.message)
            line.show(Self.bar(state.seedRows ?? 0, state.seedRows ?? 0) + ", committing", phase: "committing")
        }
        if case .writing(_, let total) = progress { state.seedRows = total }
    }

    /// The seed ended: from here on, Ctrl-C says it was written when it `changed` anything.
    func seedEnded(changed: Bool) {
        state.running = nil
        state.seedWritten = changed
        WriteInterruption.say(state.message)
    }

    private func migration(_ event: Migrator.Event) {
        switch event {
        case .waitingForLock(let holder):
            line.show(Self.waiting(for: holder), phase: "lock")
        case .starting(let migration, let direction, let inTransaction):
            state.running = .migration(
                migration.identifier, direction: direction, inTransaction: inTransaction, committing: false)
            WriteInterruption.say(state.message)
            line.show(
                "\(direction == .up ? "applying" : "rolling back") \(migration.identifier)",
                phase: "migration \(migration.identifier)")
        case .committing(let migration):
            if case .migration(let name, let direction, let inTransaction, _) = state.running {
                state.running = .migration(name, direction: direction, inTransaction: inTransaction, committing: true)
            }
            WriteInterruption.say(state.message)
            line.show("committing \(migration.identifier)", phase: "commit \(migration.identifier)")
        case .applied, .rolledBack, .dropped:
            switch event {
            case .applied: state.applied += 1
            case .rolledBack: state.rolledBack += 1
            default: state.dropped = true
            }
            state.running = nil
            WriteInterruption.say(state.message)
            if !quiet {
                line.clear()
                Report.printEvent(event)
            }
        }
    }

    // MARK: - Text

    /// `waiting for the write lock held by another catalog process (pid 4242)`.
    static func waiting(for holder: LockHolder?) -> String {
        let prefix = "waiting for the write lock held by another "
        guard let holder else { return prefix + "process" }
        // A catalog process's record (SQLite) or session name (PostgreSQL) starts with its name.
        let program = holder.command?.split(separator: " ").first.map { $0.hasSuffix(",") ? $0.dropLast() : $0 }
        if program == "catalog" { return prefix + "catalog process (pid \(holder.pid))" }
        return prefix + "process, \(holder)"
    }

    /// `writing: [#########-----------] 45% 135,000 of 300,000 rows`.
    static func bar(_ done: Int, _ total: Int) -> String {
        let width = 20
        let filled = total > 0 ? min(width, done * width / total) : width
        let percent = total > 0 ? min(100, done * 100 / total) : 100
        return "writing: [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            + "] \(percent)% \(grouped(done)) of \(grouped(total)) rows"
    }

    /// `300,000`.
    static func grouped(_ number: Int) -> String {
        var digits = Array(String(number))
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: index)
            index -= 3
        }
        return String(digits)
    }

    /// `512 B`, `12.3 kB`, `40.1 MB`, `1.2 GB` (powers of 1000, one decimal).
    static func bytes(_ count: Int) -> String {
        guard count >= 1000 else { return "\(count) B" }
        var unit = 0
        var scaled = count
        // Tenths of the unit, rounded down so that a file is never shown as read before it is.
        while scaled >= 1_000_000 && unit < 2 {
            scaled /= 1000
            unit += 1
        }
        let tenths = scaled / 100
        return "\(tenths / 10).\(tenths % 10) \(["kB", "MB", "GB"][unit])"
    }
}

/// What has been written so far, to say it truly when Ctrl-C ends the command.
struct WriteState {
    enum Running {
        case migration(String, direction: MigrationDirection, inTransaction: Bool, committing: Bool)
        case seed(committing: Bool)
        case other(String)
    }

    var dropped = false
    var applied = 0
    var rolledBack = 0
    var seedWritten = false
    var seedRows: Int?
    var running: Running?

    /// `interrupted: nothing was written`, or what was written and what became of the step running.
    var message: String {
        var done: [String] = []
        if dropped { done.append("every table was dropped") }
        if applied > 0 { done.append("\(Report.count(applied)) \(applied == 1 ? "was" : "were") applied") }
        if rolledBack > 0 { done.append("\(Report.count(rolledBack)) \(rolledBack == 1 ? "was" : "were") rolled back") }
        if seedWritten { done.append("the seed was written") }
        var running: String?
        switch self.running {
        case .migration(let name, .up, true, false): running = "\(name) was rolled back"
        case .migration(let name, .down, true, false): running = "\(name) stays applied"
        case .migration(let name, let direction, _, true):
            running =
                "\(name) was committing and may or may not be \(direction == .up ? "applied" : "rolled back") "
                + "(catalog migrate status tells)"
        case .migration(let name, _, false, false):
            running = "\(name) runs outside a transaction: what it did so far stays (catalog migrate status tells)"
        case .seed(committing: false): running = done.isEmpty ? nil : "the seed was rolled back"
        case .seed(committing: true):
            running =
                "the seed was committing and may or may not have been written (run catalog seed again: "
                + "a seed that already matches changes nothing)"
        case .other(let text): running = text
        case nil: running = nil
        }
        if done.isEmpty, running == nil || self.isCertainRollback {
            return "interrupted: nothing was written"
        }
        return "interrupted: " + (done.isEmpty ? "nothing was written before" : done.joined(separator: ", "))
            + (running.map { "; " + $0 } ?? "")
    }

    /// True when the running step is being undone whole by the database.
    private var isCertainRollback: Bool {
        switch running {
        case .migration(_, _, true, false), .seed(committing: false): return true
        default: return false
        }
    }
}

/// One line on stderr, redrawn in place (`\r`, the text, `\e[K` to clear what a longer line
/// left), cut to the terminal's width so that it never wraps.
final class StatusLine {
    let isEnabled: Bool
    private let interval: Duration
    private var phase: String?
    private var drawn: ContinuousClock.Instant?
    private var isShowing = false
    private var shown = ""

    init(isEnabled: Bool, interval: Duration) {
        self.isEnabled = isEnabled
        self.interval = interval
    }

    /// Draws `text` when `phase` is new or `now`, else at most once per interval.
    func show(_ text: String, phase: String, now force: Bool = false) {
        guard isEnabled else { return }
        let now = ContinuousClock.now
        if !force, phase == self.phase, let drawn, now - drawn < interval { return }
        if isShowing && text == shown { return }
        shown = text
        self.phase = phase
        drawn = now
        isShowing = true
        // Migration names and a lock holder's record come from files: shown, never raw.
        Terminal.writeToStderr(
            "\r" + String(TerminalText.shown(text).prefix(max(Terminal.columns(of: STDERR_FILENO) - 1, 10)))
                + "\u{1B}[K")
    }

    /// Removes the line, leaving the cursor at the start of an empty line.
    func clear() {
        guard isShowing else { return }
        isShowing = false
        phase = nil
        Terminal.writeToStderr("\r\u{1B}[K")
    }
}
