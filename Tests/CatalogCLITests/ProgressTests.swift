import CatalogPostgres
import CatalogSQLite
import Foundation
import Testing

@testable import CatalogCLI

/// Honest progress on a terminal (issue 16, item 5): a status line on stderr from the first
/// moment (reading the seeds by bytes, then writing), exactly one line left at the end, the
/// holder of the write lock named while waiting for it, what was written said on Ctrl-C, and
/// nothing of it in pipes or with `--quiet`.
@Suite(.serialized) struct ProgressTests {
    // MARK: - In process

    @Test func seedOnATerminalReportsReadingByBytesBeforeWritingAndLeavesOnlyTheSummary() throws {
        let sandbox = try CLISandbox(.project)
        try KillTests.writeLargeSeeds(sandbox, companies: 3_000, generation: 0)
        try sandbox.succeed(["migrate"])
        let total = try FileManager.default.contentsOfDirectory(atPath: sandbox.root + "/Seeds").reduce(0) {
            $0 + (try FileManager.default.attributesOfItem(atPath: sandbox.root + "/Seeds/" + $1)[.size] as! Int)
        }

        let seed = try sandbox.run(["seed"], stderrIsTerminal: true)
        #expect(seed.exitCode == 0, "\(seed.stderr)")
        let drawn = Self.frames(seed.stderr)
        // The first thing drawn is the reading phase, counted in bytes of the files' total size.
        #expect(drawn.first == "reading seeds: 0 B of \(Self.decimal(total))", "\(drawn)")
        #expect(drawn.contains("reading seeds: \(Self.decimal(total)) of \(Self.decimal(total))"), "\(drawn)")
        let reading = try #require(drawn.lastIndex { $0.hasPrefix("reading seeds: ") })
        let writing = try #require(drawn.firstIndex { $0.hasPrefix("writing: [") }, "\(drawn)")
        #expect(reading < writing)
        #expect(
            drawn.contains {
                $0.hasPrefix("writing: [####################] 100% 6,") && $0.hasSuffix(" rows, committing")
            },
            "\(drawn)")
        #expect(drawn.filter { $0.contains("100%") }.count == 1, "\(drawn)")
        // Nothing is left of the status line: the one final line is the summary on stdout.
        #expect(Self.screen(seed.stderr) == [], "\(seed.stderr)")
        #expect(seed.stdout.components(separatedBy: "Seeded catalog.sqlite3 from 6 files").count == 2)
    }

    @Test func nothingOnStderrInAPipeOrWithQuiet() throws {
        let sandbox = try CLISandbox(.project)
        let setup = try sandbox.run(["setup"])
        #expect(setup.exitCode == 0 && setup.stderr == "", "\(setup.stderr)")

        let quietSeed = try sandbox.run(["seed", "--quiet", "--prune"], stderrIsTerminal: true)
        #expect(quietSeed.exitCode == 0)
        #expect(quietSeed.stderr == "")
        #expect(quietSeed.stdout.contains("already matches"))

        try sandbox.write(
            "Migrations/29990101000000_add_notes.sql",
            "-- migrate:up\nCREATE TABLE notes (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE notes;\n")
        // --quiet keeps the summary and drops the line per migration.
        let migrate = try sandbox.run(["migrate", "-q"], stderrIsTerminal: true)
        #expect(migrate.exitCode == 0)
        #expect(migrate.stderr == "")
        #expect(normalized(migrate.stdout) == "Migrated 1 migration in batch 2 (N ms).\n")
        let rollback = try sandbox.run(["migrate", "rollback", "--quiet"], stderrIsTerminal: true)
        #expect(normalized(rollback.stdout) == "Rolled back 1 migration (N ms).\n" && rollback.stderr == "")

        // Without --quiet, on a terminal: the migration's line on stdout, the status line gone.
        let loud = try sandbox.run(["migrate"], stderrIsTerminal: true)
        #expect(normalized(loud.stdout).hasPrefix("Applied 29990101000000_add_notes (N ms)\n"))
        #expect(
            Self.frames(loud.stderr) == ["applying 29990101000000_add_notes", "committing 29990101000000_add_notes"])
        #expect(Self.screen(loud.stderr) == [])

        // Errors are never quiet.
        let failed = try sandbox.run(["seed", "--quiet", "--seeds", "nowhere"], stderrIsTerminal: true)
        #expect(failed.exitCode == 1)
        #expect(failed.stderr.hasPrefix("error: seeds directory "))
    }

    @Test func waitingForTheWriteLockNamesItsHolder() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        // This process holds catalog's lock; the seed waits for it, then gives up.
        let held = try FileWriteLock(databasePath: sandbox.root + "/catalog.sqlite3", timeout: 1)
        let seed = try sandbox.run(["seed", "--lock-timeout", "0.3"], stderrIsTerminal: true)
        withExtendedLifetime(held) {}
        #expect(seed.exitCode == 1)
        let drawn = Self.frames(seed.stderr)
        #expect(drawn.first?.hasPrefix("waiting for the write lock held by another process, pid \(getpid()) (") == true)
        // The line is cleared before the error, which is the one line left.
        #expect(Self.screen(seed.stderr).count == 1)
        #expect(Self.screen(seed.stderr).first?.hasPrefix("error: another process, pid \(getpid())") == true)
    }

    @Test func waitingForSQLitesOwnLockNamesTheProgramHoldingIt() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        try sandbox.write(
            "Migrations/29990101000000_add_notes.sql",
            "-- migrate:up\nCREATE TABLE notes (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE notes;\n")
        // The sqlite3 shell, not catalog, holds SQLite's write lock: catalog's own lock is free.
        let writer = try LockMessageTests.SQLiteWriter(sandbox)
        // Cut to the terminal's width (80 columns here), as every status line is.
        let waiting = "waiting for the write lock held by another process, pid \(writer.process.pid) (sqlite3 "
        let migrate = try sandbox.run(["migrate", "--lock-timeout", "1"], stderrIsTerminal: true)
        #expect(migrate.exitCode == 1)
        #expect(Self.frames(migrate.stderr).contains { $0.hasPrefix(waiting) }, "\(migrate.stderr.debugDescription)")
        #expect(Self.screen(migrate.stderr).count == 1, "\(migrate.stderr.debugDescription)")
        try writer.release()
        try sandbox.succeed(["migrate"])

        try sandbox.write("Seeds/zz_more.yml", "companies:\n  - name: Waiting Ltd\n")
        for file in ["held", "release"] { try FileManager.default.removeItem(atPath: sandbox.root + "/" + file) }
        let holder = try LockMessageTests.SQLiteWriter(sandbox)
        let seed = try sandbox.run(["seed", "--lock-timeout", "1"], stderrIsTerminal: true)
        #expect(seed.exitCode == 1)
        let held = "waiting for the write lock held by another process, pid \(holder.process.pid) (sqlite3 "
        #expect(Self.frames(seed.stderr).contains { $0.hasPrefix(held) }, "\(seed.stderr.debugDescription)")
        #expect(Self.screen(seed.stderr).count == 1, "\(seed.stderr.debugDescription)")
        try holder.release()
        #expect(try sandbox.sqlite("SELECT count(*) FROM companies WHERE name = 'Waiting Ltd'") == "0\n")
    }

    @Test func aHostileLockRecordIsShownNotObeyed() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let held = try FileWriteLock(databasePath: sandbox.root + "/catalog.sqlite3", timeout: 1)
        // The record is rewritten in place (the lock stays on the file) with an escape sequence.
        let record = try #require(FileHandle(forWritingAtPath: sandbox.root + "/catalog.sqlite3-lock"))
        try record.truncate(atOffset: 0)
        try record.write(contentsOf: Data("pid \(getpid())\ncommand catalog\u{1B}]0;owned\u{07}\u{1B}[2J x\n".utf8))
        try record.close()
        let seed = try sandbox.run(["seed", "--lock-timeout", "0.3"], stderrIsTerminal: true)
        withExtendedLifetime(held) {}
        #expect(seed.exitCode == 1)
        // The status line's own erase (ESC [ K) is the only escape that reaches the terminal.
        let foreign = seed.stderr.replacingOccurrences(of: "\u{1B}[K", with: "")
        #expect(!foreign.contains("\u{1B}") && !foreign.contains("\u{07}"), "\(seed.stderr.debugDescription)")
        #expect(
            Self.frames(seed.stderr).first?.hasPrefix(
                "waiting for the write lock held by another process, pid \(getpid())")
                == true, "\(seed.stderr.debugDescription)")
    }

    @Test func theInterruptionMessageSaysWhatWasWritten() {
        var state = WriteState()
        #expect(state.message == "interrupted: nothing was written")
        state.running = .migration("20240101000000_a", direction: .up, inTransaction: true, committing: false)
        #expect(state.message == "interrupted: nothing was written")
        state.running = nil
        state.applied = 2
        state.running = .migration("20240102000000_b", direction: .up, inTransaction: true, committing: false)
        #expect(state.message == "interrupted: 2 migrations were applied; 20240102000000_b was rolled back")
        state.running = .migration("20240102000000_b", direction: .up, inTransaction: true, committing: true)
        #expect(
            state.message
                == "interrupted: 2 migrations were applied; 20240102000000_b was committing and may or may not be "
                + "applied (catalog migrate status tells)")
        state.running = .seed(committing: false)
        #expect(state.message == "interrupted: 2 migrations were applied; the seed was rolled back")
        state = WriteState(running: .seed(committing: false))
        #expect(state.message == "interrupted: nothing was written")
        state.running = .seed(committing: true)
        #expect(state.message.hasPrefix("interrupted: nothing was written before; the seed was committing and may"))
    }

    // MARK: - The binary, stderr a pseudo-terminal

    @Test func aSecondWriterSaysWhichCatalogProcessItWaitsForThenFinishes() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        // A seed takes catalog's write lock, then waits for SQLite's, which the sqlite3 shell holds.
        let writer = try LockMessageTests.SQLiteWriter(sandbox)
        let first = try sandbox.start(["seed", "--lock-timeout", "30"])
        try waitUntil("the seed holds catalog's lock") {
            (try? sandbox.read("catalog.sqlite3-lock"))?.hasPrefix("pid \(first.pid)\n") == true
        }
        let second = try TerminalRun(sandbox, ["seed", "--lock-timeout", "30"])
        // stdout on the same terminal: the summary must not land on the end of the status line.
        let third = try TerminalRun(sandbox, ["migrate", "--lock-timeout", "30"], stdoutIsTerminal: true)
        let waiting = "waiting for the write lock held by another catalog process (pid \(first.pid))"
        try second.waitFor(waiting)
        try third.waitFor(waiting)
        try writer.release()
        #expect(first.wait().exitCode == 0)
        let result = second.wait()
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(Self.screen(result.stderr) == [], "\(result.stderr)")
        #expect(result.stdout.contains("already matches"), "\(result.stdout)")
        let migrated = third.wait()
        #expect(migrated.exitCode == 0)
        #expect(
            Self.screen(migrated.stderr) == ["Nothing to migrate: the database is up to date."], "\(migrated.stderr)")
    }

    @Test func controlCDuringALargeSeedSaysNothingWasWrittenAndLeavesTheDatabaseAsItWas() throws {
        let sandbox = try CLISandbox(.project)
        try KillTests.writeLargeSeeds(sandbox, companies: 100_000, generation: 0)
        try sandbox.succeed(["migrate"])
        let before = try Self.state(sandbox)

        let seed = try TerminalRun(sandbox, ["seed"])
        try seed.waitFor("writing: [", seconds: 120)
        seed.interrupt()
        let result = seed.wait()
        #expect(!result.stderr.contains("committing"), "the interrupt came too late to test anything")
        #expect(result.exitCode == 130)
        #expect(Self.screen(result.stderr) == ["interrupted: nothing was written"], "\(result.stderr)")
        #expect(result.stdout == "")
        #expect(try Self.state(sandbox) == before)
        #expect(try sandbox.sqlite("PRAGMA integrity_check") == "ok\n")
    }

    @Test func controlCDuringAMigrationSaysNothingWasWritten() throws {
        let sandbox = try CLISandbox(.fixture)
        try sandbox.succeed(["migrate"])
        let applied = try sandbox.sqlite("SELECT count(*) FROM schema_migrations")
        try sandbox.write(
            "Migrations/29990101000000_late.sql",
            "-- migrate:up\nCREATE TABLE late (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE late;\n")
        // SQLite's own lock, held by the sqlite3 shell, keeps the migration waiting at its BEGIN.
        let writer = try LockMessageTests.SQLiteWriter(sandbox)
        let migrate = try TerminalRun(sandbox, ["migrate", "--lock-timeout", "30"])
        try migrate.waitFor("applying 29990101000000_late")
        migrate.interrupt()
        let result = migrate.wait()
        try writer.release()
        #expect(result.exitCode == 130)
        #expect(Self.screen(result.stderr) == ["interrupted: nothing was written"], "\(result.stderr)")
        #expect(try sandbox.sqlite("SELECT count(*) FROM schema_migrations") == applied)
    }

    // MARK: - Support

    /// The companies and links the large seeds write, as one line.
    static func state(_ sandbox: CLISandbox) throws -> String {
        try sandbox.sqlite("SELECT (SELECT count(*) FROM companies), (SELECT count(*) FROM framework_companies)")
    }

    /// Each text the status line drew (what follows a `\r`, up to `\e[K`), in order.
    static func frames(_ stderr: String) -> [String] {
        stderr.components(separatedBy: "\r").compactMap { part in
            guard let end = part.range(of: "\u{1B}[K") else { return nil }
            let text = String(part[..<end.lowerBound])
            return text.isEmpty ? nil : text
        }
    }

    /// The lines a terminal shows after `text` (`Screen`; a line feed also returns to the first
    /// column, as a terminal's output processing makes it), trailing empty lines dropped.
    static func screen(_ text: String) -> [String] {
        var screen = Screen(columns: 1000, rows: 24)
        screen.feed(
            Array(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8))
        return screen.history
    }

    /// `512 B`, `12.3 kB`: as the status line shows a number of bytes.
    static func decimal(_ count: Int) -> String {
        guard count >= 1000 else { return "\(count) B" }
        var scaled = count
        var unit = 0
        while scaled >= 1_000_000 && unit < 2 {
            scaled /= 1000
            unit += 1
        }
        return "\(scaled / 1000).\(scaled / 100 % 10) \(["kB", "MB", "GB"][unit])"
    }
}

/// The built `catalog` with stderr on a pseudo-terminal (stdout a pipe, stdin /dev/null), as a
/// person running it in a terminal with its output redirected would see it.
final class TerminalRun: @unchecked Sendable {
    /// What the terminal received, filled by the reading thread.
    private final class Received: @unchecked Sendable {
        let lock = NSLock()
        var data = Data()
        var isFinished = false
    }

    private let process = Process()
    private let out = Pipe()
    private let master: Int32
    private let received = Received()
    private let stdoutIsTerminal: Bool

    /// Starts `catalog arguments` in `sandbox`; with `stdoutIsTerminal`, stdout goes to the terminal
    /// too (`stderr` is then both, and `wait()`'s stdout empty).
    init(
        _ sandbox: CLISandbox, _ arguments: [String], environment: [String: String] = [:],
        stdoutIsTerminal: Bool = false
    ) throws {
        self.stdoutIsTerminal = stdoutIsTerminal
        let pair = try PTY.open()
        master = pair.master
        let slave = open(pair.terminal, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.ENOTTY) }
        process.executableURL = URL(fileURLWithPath: CLISandbox.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: sandbox.root)
        var env = ProcessInfo.processInfo.environment
        for name in ["CATALOG_DATABASE", "CATALOG_MIGRATIONS", "CATALOG_SEEDS", "XDG_DATA_HOME"] { env[name] = nil }
        for (key, value) in sandbox.baseEnvironment.merging(environment, uniquingKeysWith: { $1 }) { env[key] = value }
        process.environment = env
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.standardOutput = stdoutIsTerminal ? terminal : out
        process.standardError = terminal
        defer { close(slave) }
        try process.run()
        let master = self.master
        let received = self.received
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(master, &buffer, buffer.count)
                if count <= 0 { break }  // EIO once the child's side is closed
                received.lock.lock()
                received.data.append(contentsOf: buffer[0..<count])
                received.lock.unlock()
            }
            received.lock.lock()
            received.isFinished = true
            received.lock.unlock()
        }
    }

    /// What stderr showed so far.
    var stderr: String {
        received.lock.lock()
        defer { received.lock.unlock() }
        return String(decoding: received.data, as: UTF8.self)
    }

    private var isFinished: Bool {
        received.lock.lock()
        defer { received.lock.unlock() }
        return received.isFinished
    }

    /// Waits up to `seconds` for `text` on stderr.
    func waitFor(_ text: String, seconds: Double = 10) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !stderr.contains(text) {
            guard Date() < deadline, process.isRunning else {
                Issue.record("no \"\(text)\" on stderr: \(stderr)")
                throw CancellationError()
            }
            usleep(20_000)
        }
    }

    /// Sends SIGINT, as Ctrl-C at the terminal would.
    func interrupt() {
        process.interrupt()
    }

    func wait() -> CLIResult {
        // The pipe was not handed to the child: close our end so that reading it ends.
        if stdoutIsTerminal { try? out.fileHandleForWriting.close() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // The reader stops at EIO once the child has exited; let it take what was on its way.
        let deadline = Date().addingTimeInterval(5)
        while !isFinished && Date() < deadline { usleep(10_000) }
        return CLIResult(
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: stderr.replacingOccurrences(of: "\r\n", with: "\n"),
            exitCode: process.terminationStatus)
    }

    deinit {
        close(master)
    }
}

/// The same on PostgreSQL: the lock's holder is the catalog process named by its session, and
/// Ctrl-C leaves the database as it was (the server rolls back a session that dies).
@Suite(.serialized, .enabled(if: PostgresTestDatabase.isConfigured)) struct PostgresProgressTests {
    @Test func waitingForTheAdvisoryLockNamesTheCatalogProcessHoldingIt() throws {
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase()
        try sandbox.succeed(["setup", "--database", pg.url])
        let held = try PostgresMigrationDriver(url: pg.url).writeLock(timeout: 1)
        let seed = try sandbox.run(["seed", "--database", pg.url, "--lock-timeout", "0.3"], stderrIsTerminal: true)
        withExtendedLifetime(held) {}
        #expect(seed.exitCode == 1)
        #expect(
            ProgressTests.frames(seed.stderr).first
                == "waiting for the write lock held by another catalog process (pid \(getpid()))", "\(seed.stderr)")
        #expect(ProgressTests.screen(seed.stderr).count == 1, "\(seed.stderr)")
        #expect(seed.stderr.contains("pid \(getpid()) (catalog, server session "), "\(seed.stderr)")
    }

    @Test func controlCDuringALargeSeedSaysNothingWasWrittenAndLeavesTheDatabaseAsItWas() throws {
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase()
        try KillTests.writeLargeSeeds(sandbox, companies: 100_000, generation: 0)
        try sandbox.succeed(["migrate", "--database", pg.url])
        let state = "SELECT (SELECT count(*) FROM companies) || ' ' || (SELECT count(*) FROM framework_companies)"
        let before = try pg.values(state)

        let seed = try TerminalRun(sandbox, ["seed", "--database", pg.url])
        try seed.waitFor("comparing the seeds", seconds: 120)
        seed.interrupt()
        let result = seed.wait()
        #expect(!result.stderr.contains("committing"), "the interrupt came too late to test anything")
        #expect(result.exitCode == 130)
        #expect(ProgressTests.screen(result.stderr) == ["interrupted: nothing was written"], "\(result.stderr)")
        #expect(try pg.values(state) == before)
        // The server ended the dead session's transaction: a new seed is not kept waiting.
        let next = try sandbox.run(["seed", "--database", pg.url, "--lock-timeout", "10"])
        #expect(next.exitCode == 0, "\(next.stderr)")
        #expect(try pg.values(state) != before)
    }
}
