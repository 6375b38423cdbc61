import Foundation
import Testing

@Suite struct SQLCommandTests {
    static let values = """
        SELECT NULL AS n, 42 AS i, -1.5 AS r, 'a,b "q" ü 🚀' || char(10) || 'line2' AS t, x'00ff10' AS b
        """

    @Test func everyFormatRendersEveryKindOfValue() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let expected: [String: String] = [
            "table": """
            n  i   r     t                   b
            -  --  ----  ------------------  ---------
               42  -1.5  a,b "q" ü 🚀\\nline2  x'00ff10'

            """,
            "json":
                "[\n  {\"n\": null, \"i\": 42, \"r\": -1.5, \"t\": \"a,b \\\"q\\\" ü 🚀\\nline2\", \"b\": {\"blob\": \"00ff10\"}}\n]\n",
            "jsonl":
                "{\"n\": null, \"i\": 42, \"r\": -1.5, \"t\": \"a,b \\\"q\\\" ü 🚀\\nline2\", \"b\": {\"blob\": \"00ff10\"}}\n",
            "csv": "n,i,r,t,b\r\n,42,-1.5,\"a,b \"\"q\"\" ü 🚀\nline2\",\\x00ff10\r\n",
            "markdown":
                "| n | i | r | t | b |\n| --- | --- | --- | --- | --- |\n|  | 42 | -1.5 | a,b \"q\" ü 🚀<br>line2 | \\\\x00ff10 |\n",
        ]
        for (format, output) in expected {
            let result = try sandbox.run(["sql", Self.values, "--format", format])
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout == output, "\(format)")
        }
    }

    @Test func refusedStatementsExitOneAndLeaveTheFileAlone() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let before = try Data(contentsOf: URL(fileURLWithPath: sandbox.root + "/catalog.sqlite3"))
        let result = try sandbox.run(["sql", "DELETE FROM companies"])
        #expect(result.exitCode == 1)
        #expect(
            result.stderr
                == "error: statement 1 would modify the catalog or reach outside it (DELETE FROM companies); run with --write to allow changes\n"
        )
        let attach = try sandbox.run(["sql", "ATTACH 'elsewhere.sqlite3' AS e"])
        #expect(attach.exitCode == 1)
        #expect(!sandbox.exists("elsewhere.sqlite3"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.root + "/catalog.sqlite3")) == before)
    }

    @Test func writeReportsChangesAndRollsBackOnError() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let ok = try sandbox.run(["sql", "--write", "UPDATE companies SET name = upper(name) WHERE name LIKE 'p%'"])
        #expect(ok.stdout == "3 rows changed.\n")
        let failed = try sandbox.run(["sql", "--write", "DELETE FROM framework_companies; SELECT nope"])
        #expect(failed.exitCode == 1)
        #expect(
            failed.stderr == """
                error: statement 2, line 1, column 41: no such column: nope (SQLITE_ERROR)
                  DELETE FROM framework_companies; SELECT nope
                                                          ^
                error: nothing was changed (the transaction was rolled back)

                """)
        #expect(try sandbox.sqlite("SELECT count(*) FROM framework_companies") == "34\n")
    }

    @Test func sqlFromStdinFileAndParameters() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        try sandbox.write(
            "q.sql",
            "SELECT name FROM frameworks WHERE first_release_year = ? ORDER BY name;\nSELECT count(*) AS n FROM companies;\n"
        )
        let file = try sandbox.run(["sql", "--file", "q.sql", "--param", "2010", "--format", "jsonl"])
        #expect(file.stdout == "{\"name\": \"Express\"}\n{\"name\": \"Flask\"}\n{\"n\": 32}\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "echo 'SELECT 1 + 1 AS two;' | '\(CLISandbox.binary)' sql - --format csv"]
        process.currentDirectoryURL = URL(fileURLWithPath: sandbox.root)
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(output == "two\r\n2\r\n")
    }

    @Test func jsonStaysValidWhenALaterStatementFails() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let result = try sandbox.run(["sql", "--format", "json", "SELECT 1 AS one; SELECT * FROM nope"])
        #expect(result.exitCode == 1)
        // Two statements: an array of results, closed although the second failed.
        #expect(result.stdout == "[\n[\n  {\"one\": 1}\n]\n]\n")
    }

    @Test func aRunawayQueryIsStopped() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let result = try sandbox.run([
            "sql", "--timeout", "0.5",
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT max(i) FROM c",
        ])
        #expect(result.exitCode == 1)
        #expect(result.stderr == "error: statement 1 was stopped after the --timeout of 0.5 s\n")
    }

    @Test func controlCInterruptsTheQueryCleanly() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let running = try sandbox.start([
            "sql", "--timeout", "8",
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT max(i) FROM c",
        ])
        Thread.sleep(forTimeInterval: 1.0)  // let it start the query
        running.interrupt()
        let result = running.wait()
        #expect(result.exitCode == 1)
        #expect(result.stderr == "error: statement 1 was interrupted\n")
    }

    @Test func schemaIsStableAndTablesCountRows() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let first = try sandbox.run(["schema"])
        #expect(first.exitCode == 0)
        #expect(try sandbox.run(["schema"]).stdout == first.stdout)
        #expect(first.stdout.hasPrefix("CREATE TABLE companies ("))
        try sandbox.succeed(["schema", "--output", "schema.sql"])
        #expect(try sandbox.read("schema.sql") == first.stdout)
        // sqlite3 resolves .read against its own working directory: give it the whole path.
        #expect(try sandbox.sqlite(".read \(sandbox.root)/schema.sql", database: "copy.sqlite3") == "")
        // The copy's ledger is empty: read it with no migrations, so none are pending.
        try FileManager.default.createDirectory(atPath: sandbox.root + "/none", withIntermediateDirectories: true)
        let copy = try sandbox.run(["schema", "--database", "copy.sqlite3", "--migrations", "none"])
        #expect(copy.exitCode == 0, "\(copy.stderr)")
        #expect(copy.stdout == first.stdout)
        let unknown = try sandbox.run(["schema", "nope"])
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr == "error: no table named \"nope\"\n")
        let tables = try sandbox.run(["tables", "--format", "csv"])
        #expect(
            tables.stdout.contains(
                "\r\nframeworks,7,id; name; language_id; first_release_year; architecture_pattern; is_open_source; kind; description\r\n"
            ))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func theInteractivePromptRunsStatementsAndDotCommands() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", "\(CLISandbox.binary) sql --format csv", "/dev/null"]
        process.currentDirectoryURL = URL(fileURLWithPath: sandbox.root)
        process.environment = sandbox.baseEnvironment.merging(["PATH": "/usr/bin:/bin", "TERM": "xterm"]) { $1 }
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(
            Data("SELECT count(*)\nAS n FROM languages;\n.history\nDELETE FROM languages;\n.quit\n".utf8))
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .replacingOccurrences(of: "\r", with: "")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("catalog sql: statements end with ';'"))
        #expect(text.contains("    ...> AS n FROM languages;\nn\n6\n"))
        #expect(text.contains("1  SELECT count(*)"))
        #expect(text.contains("would modify the catalog"))
        #expect(try sandbox.sqlite("SELECT count(*) FROM languages") == "6\n")
        // The history went to the sandbox's HOME (~/.local/state/catalog), one entry per line.
        let history = try sandbox.read("home/.local/state/catalog/history")
        #expect(
            history.hasPrefix("_HiStOrY_V2_\nSELECT\\040count(*)\nAS\\040n\\040FROM\\040languages;\n"), "\(history)")
    }
}

@Suite struct ClearMessageTests {
    @Test func plainVacuumIsRefusedForWhatItIs() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let result = try sandbox.run(["sql", "VACUUM"])
        #expect(result.exitCode == 1)
        #expect(
            result.stderr
                == "error: statement 1 would rewrite the whole database file (VACUUM); catalog sql runs every script in one transaction, where VACUUM cannot run, even with --write: run it with the sqlite3 shell\n"
        )
    }

    @Test func aDirectoryGivenAsTheDatabaseIsNamedAsOne() throws {
        let sandbox = try CLISandbox(.project)
        try FileManager.default.createDirectory(atPath: sandbox.root + "/adir", withIntermediateDirectories: true)
        for command in [["query", "--company", "PayPal"], ["migrate"], ["sql", "SELECT 1"], ["seed"]] {
            let result = try sandbox.run(command + ["--database", "adir"])
            #expect(result.exitCode == 1, "\(command)")
            #expect(
                result.stderr
                    == "error: adir: a directory, not a database file; name the file (for example adir/catalog.sqlite3) (SQLITE_CANTOPEN)\n",
                "\(command)")
        }
    }
}

/// `catalog sql` in a pipe (issue 16): SQL from stdin when none is given, `--file -`, and usage
/// errors that show the usage of the command that was used.
@Suite struct SQLPipeTests {
    @Test func sqlComesFromStdinWhenNoneIsGivenOrWithFileDash() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        for arguments in [["sql"], ["sql", "-"], ["sql", "--file", "-"]] {
            let result = try sandbox.run(
                arguments + ["--format", "csv"], input: "SELECT 1 AS one;\nSELECT 'two' AS two")
            #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout == "one\r\n1\r\n\r\ntwo\r\ntwo\r\n", "\(arguments): \(result.stdout)")
            #expect(result.stderr == "", "\(arguments)")
        }
        // Nothing on stdin: nothing runs, nothing fails.
        let empty = try sandbox.run(["sql"], input: "")
        #expect(empty.exitCode == 0, "\(empty.stderr)")
        #expect(empty.stdout == "")
    }

    @Test func usageErrorsShowTheUsageOfTheCommandUsed() throws {
        let sandbox = try CLISandbox(.project)
        let timeout = try sandbox.run(["sql", "--timeout", "0", "SELECT 1"])
        #expect(timeout.exitCode == 2)
        #expect(
            timeout.stderr.hasPrefix(
                "error: --timeout must be a number of seconds above 0, at most 86400\nUsage: catalog sql "),
            "\(timeout.stderr)")
        // An error found while the command runs (not by the parser) too.
        let reader = try sandbox.run(["setup", "--reader", "someone"])
        #expect(reader.exitCode == 2)
        #expect(reader.stderr.hasPrefix("error: --reader creates a PostgreSQL role"), "\(reader.stderr)")
        #expect(reader.stderr.contains("\nUsage: catalog setup "), "\(reader.stderr)")
        #expect(reader.stderr.hasSuffix("See 'catalog setup --help' for more information.\n"), "\(reader.stderr)")
    }
}
