import Foundation
import Testing

@testable import CatalogCLI

/// What one run of the `catalog` binary printed and returned.
struct CLIResult: Sendable {
    var stdout: String
    var stderr: String
    var exitCode: Int32
}

/// A temporary working directory with a copy of the project's migrations, in which tests run
/// catalog's commands: in-process (`run`, fast, the default) or as the built `catalog` binary
/// (`runBinary`, `start`: exit codes, signals, terminals, concurrency).
final class CLISandbox {
    let root: String

    /// Which migrations the sandbox starts with.
    enum Migrations {
        /// None.
        case none
        /// `Tests/Fixtures/Migrations`: the first five migrations of the real schema, frozen, so
        /// that tests asserting exact output do not change when the project adds a migration.
        case fixture
        /// The project's `Migrations/` and `Seeds/` as they are now.
        case project
    }

    init(_ migrations: Migrations = .fixture) throws {
        root = NSTemporaryDirectory() + "catalog-cli-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/Migrations", withIntermediateDirectories: true)
        let source: String?
        switch migrations {
        case .none: source = nil
        case .fixture: source = Self.projectRoot + "/Tests/Fixtures/Migrations"
        case .project: source = Self.projectRoot + "/Migrations"
        }
        if let source {
            for name in try FileManager.default.contentsOfDirectory(atPath: source) where name.hasSuffix(".sql") {
                try FileManager.default.copyItem(atPath: source + "/" + name, toPath: root + "/Migrations/" + name)
            }
        }
        if migrations == .project {
            try FileManager.default.copyItem(atPath: Self.projectRoot + "/Seeds", toPath: root + "/Seeds")
            try FileManager.default.copyItem(
                atPath: Self.projectRoot + "/Migrations/postgresql", toPath: root + "/Migrations/postgresql")
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    static var projectRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// The `catalog` executable that `swift build` put beside this test bundle.
    static var binary: String {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("catalog").path
    }

    /// The environment every run starts from: HOME inside the sandbox (so a per-user default
    /// database never touches the real one) and NO_COLOR.
    var baseEnvironment: [String: String] { ["HOME": root + "/home", "NO_COLOR": "1"] }

    /// Runs catalog's command line `arguments` in-process, in the sandbox, with `input` as its
    /// standard input (not a terminal), in the sandbox or its sub-`folder`. The sandbox's path is
    /// removed from what it printed, as if it ran there with relative paths.
    func run(
        _ arguments: [String], environment: [String: String] = [:], input: String = "", in folder: String? = nil,
        stdoutIsTerminal: Bool = false, stderrIsTerminal: Bool = false
    ) throws -> CLIResult {
        let output = CapturedOutput()
        let context = CLIContext(
            directory: folder.map { root + "/" + $0 } ?? root, environment: baseEnvironment.merging(environment) { $1 },
            input: input, output: output, stdoutIsTerminal: stdoutIsTerminal, stderrIsTerminal: stderrIsTerminal)
        let code = CatalogCLI.run(arguments, context: context)
        return CLIResult(stdout: relative(output.stdout), stderr: relative(output.stderr), exitCode: code)
    }

    /// Runs a step a test builds on (`setup`, `migrate`): it must exit 0.
    @discardableResult
    func succeed(_ arguments: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> CLIResult {
        let result = try run(arguments)
        #expect(
            result.exitCode == 0, "catalog \(arguments.joined(separator: " ")): \(result.stderr)",
            sourceLocation: sourceLocation)
        return result
    }

    /// Runs the built `catalog` binary with `arguments` in the sandbox, stdin from /dev/null.
    @discardableResult
    func runBinary(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
        try start(arguments, environment: environment).wait()
    }

    /// `text` with this sandbox's absolute path removed.
    func relative(_ text: String) -> String {
        text.replacingOccurrences(of: root + "/", with: "")
    }

    /// Starts `catalog` with `arguments`, or, with `shell`, the program that `arguments` names.
    func start(_ arguments: [String], environment: [String: String] = [:], shell: Bool = false) throws -> RunningCLI {
        try RunningCLI(
            arguments: arguments, directory: root, environment: baseEnvironment.merging(environment) { $1 },
            shell: shell)
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: root + "/" + name) }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: root + "/" + name, atomically: true, encoding: .utf8)
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: root + "/" + name, encoding: .utf8) }

    /// Runs SQL on the sandbox database with the sqlite3 command-line shell; anything it prints
    /// on stderr or a non-zero exit fails the test.
    @discardableResult
    func sqlite(
        _ sql: String, database: String = "catalog.sqlite3", sourceLocation: Testing.SourceLocation = #_sourceLocation
    )
        throws -> String
    {
        // A busy timeout, as catalog's own readers have: without one, sqlite3 fails with "database
        // is locked" when it opens a WAL file just as another process's last connection closes
        // and checkpoints (1 read in 100 right after a commit, with catalog readers looping).
        let result = try runTool("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", root + "/" + database, sql])
        #expect(
            result.exitCode == 0, "sqlite3 exited \(result.exitCode): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr == "", "sqlite3 printed \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Runs `tool` with `arguments` in the sandbox, stdin from /dev/null, and returns what it did.
    func runTool(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
        try start([tool] + arguments, environment: environment, shell: true).wait()
    }
}

/// A `catalog` process started in the background.
final class RunningCLI: @unchecked Sendable {
    private let process = Process()
    private let out = Pipe()
    private let err = Pipe()

    init(arguments: [String], directory: String, environment: [String: String], shell: Bool = false) throws {
        process.executableURL = URL(fileURLWithPath: shell ? arguments[0] : CLISandbox.binary)
        process.arguments = shell ? Array(arguments.dropFirst()) : arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for name in ["CATALOG_DATABASE", "CATALOG_MIGRATIONS", "CATALOG_SEEDS", "XDG_DATA_HOME"] { env[name] = nil }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// Sends SIGKILL: the process dies at once, wherever it is.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
    }

    /// Sends SIGINT, as Ctrl-C would.
    func interrupt() {
        process.interrupt()
    }

    func wait() -> CLIResult {
        // Read both pipes before waiting, so a full pipe cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(
            stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self),
            exitCode: process.terminationStatus)
    }
}

/// `text` with run-dependent parts replaced: durations by `N ms`, timestamps by `TIMESTAMP`.
func normalized(_ text: String) -> String {
    var result = text
    for (pattern, replacement) in [
        (#"\(\d+ ms\)"#, "(N ms)"), (#"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"#, "TIMESTAMP"),
    ] {
        result = result.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
    }
    return result
}
