import ArgumentParser
import CatalogKit

#if canImport(Glibc)
    import Glibc
#endif

/// `catalog sql`: ad-hoc SQL, read-only unless `--write`.
struct SQL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run ad-hoc SQL on the catalog: read-only unless --write, stopped after --timeout.",
        discussion: """
            SQL comes from the argument, from --file (- for stdin), or from stdin ("-", or nothing \
            given while stdin is not a terminal); with none and a terminal on stdin, an interactive \
            prompt opens. Several statements print their results in turn. \
            Without --write, SQLite itself refuses anything that would change the catalog or reach \
            another file.
            """)

    @Argument(help: ArgumentHelp("The SQL to run, or - to read it from stdin.", valueName: "sql"))
    var sql: String?

    @Option(help: ArgumentHelp("Read the SQL from this file (- for stdin).", valueName: "path"), completion: .file())
    var file: String?

    @Option(help: ArgumentHelp("A value for the next ? parameter (repeatable, in order).", valueName: "value"))
    var param: [String] = []

    @Flag(help: "Allow changes: the statements run in one transaction, rolled back on any error.")
    var write = false

    @Option(help: ArgumentHelp("Stop a statement that runs longer than this many seconds.", valueName: "seconds"))
    var timeout: Double = 10

    @Option(
        help: ArgumentHelp(
            "The largest text or blob a statement may build or read, in bytes or with K, M or G (at most 1000000000).",
            valueName: "size"))
    var maxValueSize = ByteSize(ScriptLimits.default.maxValueBytes)

    @Option(
        help: ArgumentHelp(
            "The most memory SQLite may use, in bytes or with K, M or G (default: 512M; SQLite only).",
            valueName: "size"))
    var maxMemory: ByteSize?

    @OptionGroup var options: ReadingOptions

    func validate() throws {
        if sql != nil && file != nil { throw ValidationError("give the SQL as an argument or with --file, not both") }
        guard timeout > 0, timeout <= 86_400 else {
            throw ValidationError("--timeout must be a number of seconds above 0, at most 86400")
        }
        guard maxValueSize.bytes >= 1 << 10, maxValueSize.bytes <= 1_000_000_000 else {
            throw ValidationError("--max-value-size must be from 1K to 1000000000 bytes (SQLite's own ceiling)")
        }
        if let maxMemory, maxMemory.bytes < 16 << 20 || maxMemory.bytes > 1 << 40 {
            throw ValidationError("--max-memory must be from 16M to 1024G")
        }
    }

    func run() throws {
        let session = try openSession()
        // --timeout counts from here: every statement and the output. (Opening waits at most
        // --lock-timeout, and may first create the default catalog.)
        let start = ContinuousClock().now
        if let script = try readScript() {
            try execute(
                script, in: session, parameters: RepeatedOptions.values("param", parsed: param), from: start)
        } else {
            var prompt = Prompt(session: session, command: self)
            try prompt.run()
        }
    }

    func openSession() throws -> SQLSession {
        // Creates the catalog on first use and refuses pending migrations; the session opens its own.
        let address = DatabaseBackend.address(of: try options.openDatabase())
        if maxMemory != nil && DatabaseBackend.isPostgres(address) {
            throw ValidationError(
                "--max-memory bounds SQLite's own memory and a PostgreSQL server bounds its own (work_mem), so it "
                    + "does not apply to \(DatabaseBackend.displayName(of: address)); leave it out")
        }
        return try SQLSession(
            path: address, write: write,
            busyTimeout: Timeout.milliseconds(options.database.lockTimeout),
            limits: ScriptLimits(
                maxValueBytes: maxValueSize.bytes,
                maxMemoryBytes: (maxMemory ?? ByteSize(ScriptLimits.default.maxMemoryBytes)).bytes))
    }

    /// Prints that the time limit ran out and exits with 1, from the watchdog's thread. A
    /// transaction in progress is never committed: SQLite rolls it back on the next open.
    static func exitingStop(timeout: Double, write: Bool) -> Watchdog.HardStop {
        var message =
            "error: the --timeout of \(MigrationError.formatSeconds(timeout)) ran out and the running statement "
            + "(one SQLite function call) or its output could not be interrupted; catalog exited to stop it\n"
        if write { message += "error: nothing was changed (the transaction was not committed)\n" }
        let text = message
        return Watchdog.HardStop(grace: .milliseconds(250)) {
            text.withCString { _ = Glibc.write(2, $0, strlen($0)) }
            _exit(1)
        }
    }

    /// The SQL to run, or nil for the interactive prompt (no SQL given, a terminal on stdin).
    private func readScript() throws -> String? {
        if let file, file != "-" { return try text(FileSystem.readFile(CLIContext.current.resolve(file)), from: file) }
        if file == "-" || sql == "-" || (sql == nil && !Terminal.isInteractive) {
            var bytes: [UInt8] = []
            while let line = readLine(strippingNewline: false) { bytes += Array(line.utf8) }
            return try text(bytes, from: "stdin")
        }
        return sql
    }

    private func text(_ bytes: [UInt8], from source: String) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CommandFailure("the SQL in \(source) is not valid UTF-8")
        }
        return text
    }

    /// Runs `script`, printing each result in the chosen format as rows arrive.
    func execute(
        _ script: String, in session: SQLSession, parameters: [String], from start: ContinuousClock.Instant? = nil
    ) throws {
        let output = options.output
        var results = 0
        var writer: RowWriter?
        // One JSON document whatever the number of statements: several make an array with one
        // array of rows per statement that returns rows.
        let nested = output.format == .json && session.backend.statementCount(in: script) > 1
        if nested { print("[") }
        defer { if nested { print("]") } }
        let handlesSignals = CLIContext.current.handlesSignals
        if handlesSignals { ControlC.interrupt(session.backend.interrupter) }
        // The process (not a test calling in) keeps --timeout even inside one function call
        // that SQLite cannot interrupt: a quarter of a second after the deadline it exits.
        session.hardStop = handlesSignals ? Self.exitingStop(timeout: timeout, write: write) : nil
        defer { if handlesSignals { ControlC.restore() } }
        do {
            let changed = try session.run(script, parameters: parameters, timeout: timeout, from: start) { event in
                switch event {
                case .columns(let columns):
                    if results > 0 {
                        // Between results: a comma in JSON, an empty line (CRLF in CSV) in the
                        // formats whose blocks would otherwise run together; JSONL goes on.
                        switch output.format {
                        case .json: print(",")
                        case .table, .markdown: print()
                        case .csv: print("\r")
                        case .jsonl: break
                        }
                    }
                    results += 1
                    writer = RowWriter(format: output.format, width: Terminal.width, colour: Terminal.usesColour) {
                        print($0, terminator: "")
                    }
                    writer?.begin(columns: columns)
                case .row(let values): writer?.row(values)
                case .end:
                    writer?.end()
                    writer = nil
                }
            }
            if write { print("\(changed) \(changed == 1 ? "row" : "rows") changed.") }
        } catch let failure as SQLSession.Failure {
            // Close a streamed JSON array; a table's buffered rows are not printed under an error.
            if output.format != .table { writer?.end() }
            var message = "error: " + Hints.message(for: failure)
            // Ctrl-C: the terminal echoed ^C where the cursor was; the line starts on a line of its own.
            if case .interrupted = failure, Terminal.isInteractive { message = "\n" + message }
            if let pointer = failure.pointer { message += "\n" + pointer }
            if write { message += "\nerror: nothing was changed (the transaction was rolled back)" }
            throw CommandFailure(raw: message)
        }
    }
}

/// `catalog schema`: the CREATE statements, stable for code review.
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the catalog's CREATE statements (tables, indexes, views, triggers) in a stable order.")

    @Argument(
        help: ArgumentHelp("Only these tables and their indexes and triggers.", valueName: "table"),
        completion: .custom { words, _, prefix in Completion.tableNames(words: words, prefix: prefix) })
    var tables: [String] = []

    @Option(
        help: ArgumentHelp("Write the schema to this file instead of stdout.", valueName: "file"), completion: .file())
    var output: String?

    @OptionGroup var options: ReadingOptions

    func validate() throws {
        if options.output.format != .table {
            throw ValidationError(
                "catalog schema prints SQL, so --format does not apply; catalog tables --format \(options.output.format.rawValue) lists the tables and their columns"
            )
        }
    }

    func run() throws {
        let db = try options.openDatabase()
        let unknown = try SchemaDump.unknownTables(db, tables)
        if let first = unknown.first { throw CommandFailure("no table named \"\(first)\"") }
        let text = try SchemaDump.sql(db, tables: tables)
        if let output {
            try FileSystem.replaceFile(CLIContext.current.resolve(output), contents: text)
        } else {
            print(text, terminator: "")
        }
    }
}

/// `catalog tables`: tables with row counts and columns.
struct Tables: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tables",
        abstract: "List the catalog's tables with row counts and columns.")

    @OptionGroup var options: ReadingOptions

    func run() throws {
        let db = try options.openDatabase()
        options.output.print(try SchemaDump.tables(db))
    }
}
