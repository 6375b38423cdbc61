import Foundation
import Testing

@testable import CatalogSQLite

@Suite struct ConnectionTests {
    @Test func bindsAndReadsEveryValueType() throws {
        let db = try Connection.inMemory()
        try db.execute("CREATE TABLE t(a, b, c, d, e, f)")
        let values: [DatabaseValue] = [
            .null, .integer(Int64.min), .real(-1.5e300), .text("O'Reilly ünïcödé 🚀"), .blob([0, 1, 255]),
            .blob([]),
        ]
        try db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", values)
        let row = try #require(try db.fetchOne("SELECT a, b, c, d, e, f FROM t"))
        #expect(row.values == values)
        #expect(row.columns == ["a", "b", "c", "d", "e", "f"])
        #expect(try db.fetchValue("SELECT typeof(f) FROM t", as: String.self) == "blob")
    }

    @Test func bindsByNameAndConvertsSwiftTypes() throws {
        let db = try Connection.inMemory()
        let statement = try db.makeStatement(sql: "SELECT :int, @text, $flag, :missing")
        try statement.bind(42, named: ":int")
        try statement.bind("x' OR '1'='1", named: "@text")
        try statement.bind(true, named: "$flag")
        let row = try #require(try statement.fetchOne())
        #expect(row.get(0, as: Int.self) == 42)
        #expect(row.get(1, as: String.self) == "x' OR '1'='1")
        #expect(row.get(2, as: Bool.self) == true)
        #expect(row.get(3, as: Int?.self) == .some(nil))
        #expect(row.get(1, as: Int.self) == nil)
        #expect(throws: SQLiteError.self) { try statement.bind(1, named: ":nope") }
    }

    @Test func errorsCarryCodeMessageAndSQL() throws {
        let db = try Connection.inMemory()
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
        try db.execute("INSERT INTO t(name) VALUES (?)", [.text("a")])
        let error = try #require(throws: SQLiteError.self) {
            try db.execute("INSERT INTO t(name) VALUES (?)", [.text("a")])
        }
        #expect(error.code == ResultCode(rawValue: 2067))  // SQLITE_CONSTRAINT_UNIQUE
        #expect(ResultCode.constraint ~= error.code)
        #expect(!(ResultCode.busy ~= error.code))
        #expect(error.message == "UNIQUE constraint failed: t.name")
        #expect(error.sql == "INSERT INTO t(name) VALUES (?)")
        #expect(error.description == "UNIQUE constraint failed: t.name (SQLITE_CONSTRAINT)")
    }

    @Test func syntaxErrorsPointAtTheToken() throws {
        let db = try Connection.inMemory()
        let script = "CREATE TABLE a(x);\n\nSELECT * FROM a WHERE x = = 1;"
        let error = try #require(throws: SQLiteError.self) { try db.execute(script) }
        #expect(error.message == "near \"=\": syntax error")
        let offset = try #require(error.offset)
        let prefix = String(decoding: Array(script.utf8)[..<offset], as: UTF8.self)
        #expect(prefix.hasSuffix("WHERE x = "))
    }

    @Test func scriptSplittingSkipsCommentsAndHandlesTriggers() throws {
        let db = try Connection.inMemory()
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE a(x);
            /* block; comment */ CREATE TABLE log(x);
            CREATE TRIGGER t AFTER INSERT ON a BEGIN
              INSERT INTO log VALUES ('a;b');
            END;
            INSERT INTO a VALUES (1);
            """
        var starts: [String] = []
        try db.forEachStatement(in: script) { statement, offset in
            let rest = String(decoding: Array(script.utf8)[offset...], as: UTF8.self)
            starts.append(String(rest.prefix(14)))
            while try statement.step() {}
        }
        #expect(starts == ["CREATE TABLE a", "CREATE TABLE l", "CREATE TRIGGER", "INSERT INTO a "])
        #expect(try db.fetchValue("SELECT x FROM log", as: String.self) == "a;b")
    }

    @Test func makeStatementRefusesSeveralStatements() throws {
        let db = try Connection.inMemory()
        #expect(throws: SQLiteError.self) { try db.makeStatement(sql: "SELECT 1; SELECT 2") }
        #expect(throws: SQLiteError.self) { try db.makeStatement(sql: "  -- nothing\n") }
        _ = try db.makeStatement(sql: "SELECT 1; -- trailing comment")
    }

    @Test func statementCacheReusesPreparedStatements() throws {
        let db = try Connection.inMemory()
        let first = try db.cachedStatement(sql: "SELECT ?")
        try first.bind(7, at: 1)
        let second = try db.cachedStatement(sql: "SELECT ?")
        #expect(first === second)
        #expect(db.cachedStatementCount == 1)
        // Bindings are cleared when the statement comes back from the cache.
        #expect(try second.fetchOne()?[0] == .null)
        _ = try db.fetchAll("SELECT 1")
        _ = try db.fetchAll("SELECT 1")
        #expect(db.cachedStatementCount == 2)
    }

    @Test func transactionsCommitAndRollBack() throws {
        let db = try Connection.inMemory()
        try db.execute("CREATE TABLE t(x)")
        try db.transaction { try db.execute("INSERT INTO t VALUES (1)") }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction(.deferred) {
                try db.execute("INSERT INTO t VALUES (2)")
                throw Boom()
            }
        }
        #expect(db.isAutocommit)
        #expect(try db.fetchValue("SELECT group_concat(x) FROM t", as: String.self) == "1")
    }

    @Test func nestedSavepointsRollBackOnlyTheirOwnWork() throws {
        let db = try Connection.inMemory()
        try db.execute("CREATE TABLE t(x)")
        struct Boom: Error {}
        try db.transaction {
            try db.execute("INSERT INTO t VALUES (1)")
            try db.savepoint {
                try db.execute("INSERT INTO t VALUES (2)")
                #expect(throws: Boom.self) {
                    try db.savepoint {
                        try db.execute("INSERT INTO t VALUES (3)")
                        throw Boom()
                    }
                }
                try db.execute("INSERT INTO t VALUES (4)")
            }
        }
        #expect(try db.fetchValue("SELECT group_concat(x) FROM t", as: String.self) == "1,2,4")
    }

    @Test func fileDatabasesUseWALAndForeignKeys() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/test.sqlite3"
            let db = try Connection(path: path)
            #expect(try db.fetchValue("PRAGMA journal_mode", as: String.self) == "wal")
            #expect(try db.fetchValue("PRAGMA foreign_keys", as: Int.self) == 1)
            try db.execute("CREATE TABLE t(x)")
            let reader = try Connection(path: path, mode: .readOnly)
            #expect(try reader.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0)
            let error = try #require(throws: SQLiteError.self) { try reader.execute("INSERT INTO t VALUES (1)") }
            #expect(ResultCode.readOnly ~= error.code)
        }
    }

    @Test func memoryDatabasesWork() throws {
        let db = try Connection.inMemory()
        #expect(db.isInMemory)
        #expect(try db.fetchValue("PRAGMA journal_mode", as: String.self) == "memory")
        #expect(try db.fetchValue("PRAGMA foreign_keys", as: Int.self) == 1)
    }

    @Test func openingMissingOrForeignFilesFailsClearly() throws {
        try withTemporaryDirectory { dir in
            let missing = try #require(throws: SQLiteError.self) {
                try Connection(path: dir + "/nope.sqlite3", mode: .readWrite)
            }
            #expect(ResultCode.cantOpen ~= missing.code)
            let notSQLite = dir + "/text.sqlite3"
            try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: notSQLite))
            let foreign = try #require(throws: SQLiteError.self) { try Connection(path: notSQLite) }
            #expect(ResultCode.notADatabase ~= foreign.code)
            #expect(foreign.message == "file is not a database")
            // The file is left as it was.
            #expect(try Data(contentsOf: URL(fileURLWithPath: notSQLite)) == Data(repeating: 0x41, count: 4096))
        }
    }

    @Test func deferredWriteAfterReadFailsWithBusySnapshotButImmediateWaits() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/snapshot.sqlite3"
            let a = try Connection(path: path, busyTimeout: 2_000)
            let b = try Connection(path: path, busyTimeout: 2_000)
            try a.execute("CREATE TABLE t(x)")
            // A deferred transaction reads, another connection commits, the write fails at once.
            var code: ResultCode?
            var lockWait: SQLiteError.LockWait?
            do {
                try a.transaction(.deferred) {
                    _ = try a.fetchAll("SELECT count(*) FROM t")
                    try b.execute("INSERT INTO t VALUES (1)")
                    try a.execute("INSERT INTO t VALUES (2)")
                }
            } catch let error as SQLiteError {
                code = error.code
                lockWait = error.lockWait
            }
            #expect(code == .busySnapshot)
            // SQLite refused without waiting, so the error does not claim a wait.
            #expect(lockWait == nil)
            // BEGIN IMMEDIATE takes the write lock first, so the same sequence cannot interleave.
            try a.transaction(.immediate) {
                _ = try a.fetchAll("SELECT count(*) FROM t")
                try a.execute("INSERT INTO t VALUES (2)")
            }
            #expect(try b.fetchValue("SELECT count(*) FROM t", as: Int.self) == 2)
        }
    }

    @Test func aStatementThatOutlivesItsConnectionStillReportsErrors() throws {
        let statement = try Connection.inMemory().makeStatement(sql: "SELECT abs(-9223372036854775808)")
        // The handle is a zombie after sqlite3_close_v2, so SQLite's message is generic, but the
        // failure is still an error, not a crash on a freed connection.
        let error = try #require(throws: SQLiteError.self) { try statement.step() }
        #expect(ResultCode.error ~= error.code || ResultCode.misuse ~= error.code)
    }

    @Test func immediateTransactionsWaitForAnotherWriterWithinTheBusyTimeout() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/wait.sqlite3"
            let a = try Connection(path: path, busyTimeout: 5_000)
            try a.execute("CREATE TABLE t(x)")
            let holding = DispatchSemaphore(value: 0)
            let done = DispatchSemaphore(value: 0)
            let holder = Thread {
                defer { done.signal() }
                do {
                    let b = try Connection(path: path)
                    try b.execute("BEGIN IMMEDIATE")
                    try b.execute("INSERT INTO t VALUES ('b')")
                    holding.signal()
                    usleep(300_000)
                    try b.execute("COMMIT")
                } catch {
                    Issue.record("holder failed: \(error)")
                    holding.signal()
                }
            }
            holder.start()
            holding.wait()
            let clock = ContinuousClock()
            let start = clock.now
            // B holds the write lock for 300 ms; A's BEGIN IMMEDIATE waits for it instead of failing.
            try a.transaction(.immediate) {
                try a.execute("INSERT INTO t VALUES ('a')")
            }
            #expect(clock.now - start >= .milliseconds(200))
            done.wait()
            #expect(try a.fetchValue("SELECT group_concat(x) FROM t", as: String.self) == "b,a")
        }
    }

    @Test func aBusyTimeoutThatRunsOutSaysHowLongItWaited() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/busy.sqlite3"
            let a = try Connection(path: path)
            let b = try Connection(path: path, busyTimeout: 200)
            try a.execute("CREATE TABLE t(x)")
            try a.execute("BEGIN IMMEDIATE")
            defer { a.rollbackQuietly() }
            let clock = ContinuousClock()
            let start = clock.now
            let error = try #require(throws: SQLiteError.self) { try b.execute("BEGIN IMMEDIATE") }
            #expect(clock.now - start >= .milliseconds(200))
            #expect(ResultCode.busy ~= error.code)
            #expect(error.lockWaitMilliseconds == 200)
            // SQLite's locks belong to the process, so the kernel cannot say which of this
            // process's connections holds it: no holder is named.
            #expect(error.lockWait?.holder == nil)
            #expect(
                error.description
                    == "\(path) is locked by another connection that is writing to it (SQLite does not say which "
                    + "process); gave up after waiting 0.2 s")
        }
    }

    @Test func immutableURIsEscapeWhatAURIGivesMeaningTo() throws {
        #expect(
            Connection.immutableURI("/srv/a b/c?d#e%f.sqlite3") == "file:///srv/a b/c%3Fd%23e%25f.sqlite3?immutable=1")
        #expect(Connection.immutableURI("//x/catalog.sqlite3") == "file:////x/catalog.sqlite3?immutable=1")
        #expect(Connection.immutableURI("rel/catalog.sqlite3") == "file:rel/catalog.sqlite3?immutable=1")
        try withTemporaryDirectory { dir in
            let path = dir + "/a b?c#d%20e.sqlite3"
            try Connection(path: path).execute("CREATE TABLE t(x); INSERT INTO t VALUES (7)")
            let db = try Connection(path: path, mode: .readOnly, busyTimeout: 0, wal: false, immutable: true)
            #expect(db.isImmutable)
            #expect(try db.fetchValue("SELECT x FROM t", as: Int.self) == 7)
        }
    }

    @Test func theWriteLockRecordsItsHolderAndEmptiesTheRecordWhenReleased() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/locked.sqlite3"
            var lock: FileWriteLock? = try FileWriteLock(databasePath: path, timeout: 1)
            let text = try String(contentsOfFile: path + "-lock", encoding: .utf8)
            let holder = try #require(FileWriteLock.parseRecord(text))
            #expect(holder.pid == getpid())
            #expect(holder.since?.count == 20)
            #expect(holder.command == ProcessLocks.shownCommand(CommandLine.arguments))
            withExtendedLifetime(lock) {}
            lock = nil
            #expect(try String(contentsOfFile: path + "-lock", encoding: .utf8) == "")
        }
        #expect(FileWriteLock.parseRecord("pid x\n") == nil)
        #expect(
            FileWriteLock.parseRecord("pid 12\nsince 2026-01-02T03:04:05Z\ncommand catalog migrate --step 1\n")
                == LockHolder(pid: 12, command: "catalog migrate --step 1", since: "2026-01-02T03:04:05Z"))
        #expect(ProcessLocks.shownCommand(["/usr/bin/catalog", "sql", "a\nb"]) == "catalog sql a b")
    }

    @Test func dbConfigShimSetsIntegerOptions() throws {
        let db = try Connection.inMemory()
        #expect(try db.setConfig(.defensive, to: true) == true)
        // Defensive mode refuses writable_schema edits, which could corrupt the file.
        try db.execute("PRAGMA writable_schema = ON")
        #expect(throws: SQLiteError.self) {
            try db.execute("UPDATE sqlite_schema SET sql = 'x' WHERE 0")
        }
        #expect(try db.setConfig(.defensive, to: false) == false)
        #expect(try db.setConfig(.enableForeignKeys, to: false) == false)
        #expect(try db.fetchValue("PRAGMA foreign_keys", as: Int.self) == 0)
    }

    @Test func changesAndLastInsertRowID() throws {
        let db = try Connection.inMemory()
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, x)")
        try db.execute("INSERT INTO t(x) VALUES (1), (2), (3)")
        #expect(db.lastInsertRowID == 3)
        try db.execute("UPDATE t SET x = x + 1 WHERE id > ?", [.integer(1)])
        #expect(db.changes == 2)
    }
}

@Suite struct RecoveryTests {
    /// Leaves a hot rollback journal behind: a sqlite3 process killed in the middle of a write
    /// transaction that had already spilled pages into the database file.
    func crashDuringWrite(_ path: String) throws {
        let setup = Process()
        setup.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        setup.arguments = [
            path,
            "PRAGMA journal_mode = DELETE; CREATE TABLE t(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO t SELECT randomblob(1000) FROM n;",
        ]
        setup.standardOutput = FileHandle.nullDevice
        try setup.run()
        setup.waitUntilExit()
        #expect(setup.terminationStatus == 0, "sqlite3 could not create the test database")
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        writer.arguments = [path]
        let input = Pipe()
        writer.standardInput = input
        try writer.run()
        input.fileHandleForWriting.write(
            Data("PRAGMA cache_size = 2;\nBEGIN;\nUPDATE t SET x = randomblob(1000);\n".utf8))
        // Wait until the journal exists and the update has written into the database file.
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: path + "-journal") { usleep(20_000) }
        usleep(500_000)
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")))
    func aReadOnlyOpenRecoversAHotJournalFirst() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/hot.sqlite3"
            try crashDuringWrite(path)
            #expect(FileManager.default.fileExists(atPath: path + "-journal"))
            // A plain read-only connection cannot read it...
            let plain = try Connection(path: path, mode: .readOnly)
            #expect(throws: SQLiteError.self) { try plain.fetchAll("SELECT count(*) FROM t") }
            // ...openReadOnly recovers it first: the interrupted update is rolled back.
            let db = try Connection.openReadOnly(path: path)
            #expect(try db.fetchValue("SELECT count(*) FROM t", as: Int.self) == 2000)
            #expect(try db.fetchValue("PRAGMA integrity_check", as: String.self) == "ok")
            // Recovering is all it does: the file keeps its rollback journal mode.
            #expect(try db.fetchValue("PRAGMA journal_mode", as: String.self) == "delete")
        }
    }
}
