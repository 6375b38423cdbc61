import Foundation
import Testing

/// A catalog on a read-only file, folder or medium answers every reading command as a writable
/// one does, and every writing command refuses in one line naming the path, leaving the files as
/// they were (issue 13, item 5).
///
/// CI runs the tests as root, whom mode 555 does not stop, so the built binary runs as `nobody`
/// (`setpriv`) on files in the sandbox that `nobody` may read.
@Suite(.serialized) struct ReadOnlyTests {
    /// The reading commands.
    static let reads: [[String]] = [
        ["query", "--company", "Google"], ["sql", "SELECT name, first_release_year FROM frameworks ORDER BY name"],
        ["tables"], ["migrate", "status"],
    ]

    /// The writing commands.
    static let writes: [[String]] = [["migrate"], ["seed"], ["sql", "--write", "DELETE FROM companies"]]

    @Test func aRollbackJournalCatalogInAReadOnlyFolderAnswers() throws {
        let fixture = try Fixture()
        #expect(
            try fixture.sandbox.sqlite("PRAGMA journal_mode = DELETE", database: "src/catalog.sqlite3") == "delete\n")
        try fixture.copy(["catalog.sqlite3"], to: "ro")
        try fixture.expectReadOnly("ro") {
            try fixture.expectReadsAnswer(in: "ro")
            try fixture.expectWritesRefused(in: "ro", reason: fixture.folderReason("ro"))
        }
    }

    @Test func aCheckpointedWALCatalogInAReadOnlyFolderAnswersWithoutItsLockFile() throws {
        let fixture = try Fixture()
        #expect(try fixture.sandbox.sqlite("PRAGMA journal_mode", database: "src/catalog.sqlite3") == "wal\n")
        // Only the database file: no -wal, no -shm, and no -lock (migrate status must not need it).
        try fixture.copy(["catalog.sqlite3"], to: "ro")
        try fixture.expectReadOnly("ro") {
            try fixture.expectReadsAnswer(in: "ro")
            try fixture.expectWritesRefused(in: "ro", reason: fixture.folderReason("ro"))
        }
    }

    /// A folder its owner may write (root-owned, mode 755) but this user may not: SQLite cannot
    /// make its `-shm`, and reading the file unlocked (`immutable=1`) could see a write the owner
    /// is making, so it is refused with what to do. Only when the tests run as root, where the
    /// folder's owner and the reader differ.
    @Test(.enabled(if: geteuid() == 0)) func aWALCatalogInAFolderOthersMayWriteIsRefusedNotReadUnlocked() throws {
        let fixture = try Fixture()
        try fixture.copy(["catalog.sqlite3"], to: "owned")
        let result = try fixture.runUnprivileged([
            "query", "--company", "Google", "--database", "owned/catalog.sqlite3",
        ])
        #expect(result.exitCode == 1)
        #expect(
            result.stderr
                == "error: cannot read owned/catalog.sqlite3: SQLite reads this WAL database only by creating "
                + "owned/catalog.sqlite3-shm, and its folder owned is not writable for this user (while others may "
                + "write there, reading without it could see a half-written change); ask the folder's owner to "
                + "switch it to a rollback journal, which any user can read (sqlite3 owned/catalog.sqlite3 "
                + "'PRAGMA journal_mode=DELETE'), or to make the folder read-only for everyone (chmod 555), or copy "
                + "the database to a folder you can write to\n")
        // As the message says: in a rollback journal the same folder answers.
        #expect(
            try fixture.sandbox.sqlite("PRAGMA journal_mode = DELETE", database: "owned/catalog.sqlite3") == "delete\n")
        let answered = try fixture.runUnprivileged([
            "query", "--company", "Google", "--database", "owned/catalog.sqlite3",
        ])
        #expect(answered.exitCode == 0 && answered.stdout.contains("Spring Boot"), "\(answered)")
    }

    @Test func aWALCatalogWithALeftoverLogIsReadWithItsChangesOrRefusedNeverStale() throws {
        let fixture = try Fixture()
        let sandbox = fixture.sandbox
        // A change that is only in the -wal: copied while the sqlite3 shell has it open, with
        // checkpoints off, into log/ (database and -wal) and shm/ (with the -shm too).
        for folder in ["log", "shm"] {
            try FileManager.default.createDirectory(
                atPath: sandbox.root + "/" + folder, withIntermediateDirectories: true)
        }
        let copy = try sandbox.runTool(
            "/usr/bin/sqlite3",
            [
                "src/catalog.sqlite3", "PRAGMA wal_autocheckpoint = 0;",
                "UPDATE frameworks SET first_release_year = 1999 WHERE name = 'Express';",
                ".shell cp src/catalog.sqlite3 src/catalog.sqlite3-wal log/ && cp src/catalog.sqlite3 src/catalog.sqlite3-wal src/catalog.sqlite3-shm shm/",
            ])
        #expect(copy.exitCode == 0 && copy.stderr == "" && copy.stdout == "0\n", "\(copy)")
        let walSize = try FileManager.default.attributesOfItem(atPath: sandbox.root + "/log/catalog.sqlite3-wal")[.size]
        #expect((walSize as? Int ?? 0) > 0)
        let year = ["sql", "SELECT first_release_year FROM frameworks WHERE name = 'Express'", "--format", "csv"]

        // With the -shm beside it, SQLite reads the log through it without writing: the new year.
        try fixture.expectReadOnly("shm") {
            let result = try fixture.runUnprivileged(year + ["--database", "shm/catalog.sqlite3"])
            #expect(result.exitCode == 0 && result.stderr == "", "\(result)")
            #expect(result.stdout == "first_release_year\r\n1999\r\n")
        }
        // Without it, reading the file alone would give the old year: every reader refuses instead.
        try fixture.expectReadOnly("log") {
            let refusal =
                "error: cannot read log/catalog.sqlite3: its write-ahead log log/catalog.sqlite3-wal holds changes "
                + "that SQLite can read only by creating log/catalog.sqlite3-shm, and its folder log is not writable "
                + "for this user; checkpoint it where the folder is writable (sqlite3 log/catalog.sqlite3 'PRAGMA "
                + "wal_checkpoint(TRUNCATE)'), or copy the database with its -wal file to a writable folder\n"
            for arguments in Self.reads + [year] {
                let result = try fixture.runUnprivileged(arguments + ["--database", "log/catalog.sqlite3"])
                #expect(result.exitCode == 1, "\(arguments): \(result)")
                #expect(result.stdout == "", "\(arguments)")
                #expect(result.stderr == refusal, "\(arguments)")
            }
        }
    }

    @Test func aReadOnlyFileInAWritableFolderAnswers() throws {
        let fixture = try Fixture()
        try fixture.copy(["catalog.sqlite3"], to: "rw")
        let folder = fixture.sandbox.root + "/rw"
        let file = folder + "/catalog.sqlite3"
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: file)
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        try fixture.expectReadsAnswer(in: "rw")
        try fixture.expectWritesRefused(in: "rw", reason: "the file is not writable for this user")
        // The folder is writable, so SQLite made its -shm (and an empty -wal) to read; the
        // database itself is unchanged.
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
        let wal = try? FileManager.default.attributesOfItem(atPath: file + "-wal")[.size] as? Int
        #expect((wal ?? 0) == 0)
    }

    // MARK: - Support

    /// A sandbox with a seeded catalog in `src/`, and what the reading commands print for it.
    struct Fixture {
        let sandbox: CLISandbox

        init() throws {
            sandbox = try CLISandbox(.project)
            try FileManager.default.createDirectory(atPath: sandbox.root + "/src", withIntermediateDirectories: true)
            try sandbox.succeed(["setup", "--database", "src/catalog.sqlite3"])
        }

        /// Copies files of `src/` into a new folder.
        func copy(_ names: [String], to folder: String) throws {
            try FileManager.default.createDirectory(
                atPath: sandbox.root + "/" + folder, withIntermediateDirectories: true)
            for name in names {
                try FileManager.default.copyItem(
                    atPath: sandbox.root + "/src/" + name, toPath: sandbox.root + "/" + folder + "/" + name)
            }
        }

        /// Runs `body` with `folder` at mode 555, then checks that its files and their bytes are
        /// exactly as before.
        func expectReadOnly(_ folder: String, _ body: () throws -> Void) throws {
            let path = sandbox.root + "/" + folder
            let before = try snapshot(path)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path) }
            try body()
            #expect(try snapshot(path) == before, "the files in \(folder) changed")
        }

        private func snapshot(_ path: String) throws -> [String: Data] {
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: path) {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
            }
            return files
        }

        /// Every reading command, run unprivileged on `folder/catalog.sqlite3`, prints what it
        /// prints for the writable original.
        func expectReadsAnswer(in folder: String) throws {
            for arguments in ReadOnlyTests.reads {
                let expected = try sandbox.runBinary(arguments + ["--database", "src/catalog.sqlite3"])
                #expect(expected.exitCode == 0 && expected.stderr == "", "\(arguments): \(expected)")
                let result = try runUnprivileged(arguments + ["--database", folder + "/catalog.sqlite3"])
                #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
                #expect(result.stderr == "", "\(arguments)")
                #expect(
                    result.stdout
                        == expected.stdout.replacingOccurrences(
                            of: "src/catalog.sqlite3", with: folder + "/catalog.sqlite3"),
                    "\(arguments)")
            }
        }

        /// Every writing command, run unprivileged on `folder/catalog.sqlite3`, exits 1 with one
        /// line naming the path and `reason`.
        func expectWritesRefused(in folder: String, reason: String) throws {
            let database = folder + "/catalog.sqlite3"
            let before = try Data(contentsOf: URL(fileURLWithPath: sandbox.root + "/" + database))
            for arguments in ReadOnlyTests.writes {
                let result = try runUnprivileged(arguments + ["--database", database])
                #expect(result.exitCode == 1, "\(arguments): \(result)")
                #expect(
                    result.stderr
                        == "error: cannot change \(database): \(reason); nothing was changed (to change the catalog, "
                        + "copy it to a folder you can write to, or run as a user who can write there)\n",
                    "\(arguments)")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.root + "/" + database)) == before)
        }

        /// Why a catalog in the read-only `folder` cannot be changed: as `nobody` (the tests run
        /// as root) the file, which root owns, is not writable either.
        func folderReason(_ folder: String) -> String {
            geteuid() == 0
                ? "the file and its folder \(folder) are not writable for this user"
                : "its folder \(folder) is not writable for this user (SQLite writes its -wal and -shm files there)"
        }

        /// Runs the built `catalog` as `nobody` when the tests run as root (as itself otherwise).
        func runUnprivileged(_ arguments: [String]) throws -> CLIResult {
            guard geteuid() == 0 else { return try sandbox.runBinary(arguments) }
            let setpriv = "/usr/bin/setpriv"
            try #require(FileManager.default.isExecutableFile(atPath: setpriv), "setpriv (util-linux) is needed")
            return try sandbox.runTool(
                setpriv, ["--reuid=nobody", "--regid=nogroup", "--clear-groups", CLISandbox.binary] + arguments)
        }
    }
}
