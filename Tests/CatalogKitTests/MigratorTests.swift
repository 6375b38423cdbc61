import CatalogSQLite
import Foundation
import Testing

@testable import CatalogKit

@Suite struct MigratorTests {
    // MARK: - Applying the real schema

    @Test func appliesTheRealCatalogSchemaAsOneBatch() throws {
        let sandbox = try Sandbox.withRealMigrations()
        var events: [String] = []
        let report = try sandbox.migrator().migrate { event in
            if case .applied(let migration, _) = event { events.append(migration.name) }
        }
        #expect(report.batch == 1)
        let names = try Sandbox.projectMigrationNames()
        #expect(events == names)
        #expect(
            Array(names.prefix(5)) == [
                "create_languages", "create_frameworks", "create_features", "create_companies",
                "create_framework_links",
            ])
        let tables = Set(try sandbox.tables())
        #expect(
            tables.isSuperset(of: [
                "companies", "features", "framework_companies", "framework_features", "frameworks", "languages",
                "schema_migrations",
            ]))
        #expect(try sandbox.ledger().map { $0.get(3, as: Int.self) } == Array(repeating: 1, count: names.count))
        #expect(try sandbox.migrator().status().allSatisfy { $0.state == .applied })
        // Running again finds nothing to do.
        #expect(try sandbox.migrator().migrate().migrations.isEmpty)
        // Both directions of every link are indexed.
        let db = try sandbox.open()
        for (table, index) in [
            ("framework_companies", "framework_companies_company_id"),
            ("framework_features", "framework_features_feature_id"),
        ] {
            let plan = try db.fetchAll(
                "EXPLAIN QUERY PLAN SELECT framework_id FROM \(table) WHERE \(table == "framework_companies" ? "company_id" : "feature_id") = 1"
            ).compactMap { $0.get(3, as: String.self) }
            #expect(plan.contains { $0.contains(index) }, "\(plan)")
        }
    }

    @Test func realSchemaRollsBackToNothingAndReapplies() throws {
        let sandbox = try Sandbox.withRealMigrations()
        try sandbox.migrator().migrate()
        let schemaAfterFirstRun = try sandbox.schema()
        let report = try sandbox.migrator().reset()
        #expect(report.migrations.count == (try Sandbox.projectMigrationNames().count))
        #expect(try sandbox.tables() == ["schema_migrations"])
        try sandbox.migrator().migrate()
        #expect(try sandbox.schema() == schemaAfterFirstRun)
    }

    // MARK: - Status

    @Test func statusShowsAllFourStates() throws {
        let sandbox = try Sandbox()
        try sandbox.write("20240101000000", "kept", up: "CREATE TABLE a(x);", down: "DROP TABLE a;")
        try sandbox.write("20240102000000", "edited", up: "CREATE TABLE b(x);", down: "DROP TABLE b;")
        try sandbox.write("20240103000000", "deleted", up: "CREATE TABLE c(x);", down: "DROP TABLE c;")
        try sandbox.migrator().migrate()
        try sandbox.write("20240102000000", "edited", up: "CREATE TABLE b(x, y);", down: "DROP TABLE b;")
        try sandbox.remove("20240103000000_deleted.sql")
        try sandbox.write("20240104000000", "new", up: "CREATE TABLE d(x);", down: "DROP TABLE d;")
        let statuses = try sandbox.migrator().status()
        #expect(statuses.map(\.state) == [.applied, .changed, .missing, .pending])
        #expect(statuses.map(\.name) == ["kept", "edited", "deleted", "new"])
        #expect(statuses[2].migration == nil)
        #expect(statuses[3].record == nil)
    }

    @Test func statusNeverCreatesTheDatabase() throws {
        let sandbox = try Sandbox.withRealMigrations()
        #expect(try sandbox.migrator().status().allSatisfy { $0.state == .pending })
        #expect(!FileManager.default.fileExists(atPath: sandbox.database))
        #expect(!FileManager.default.fileExists(atPath: sandbox.database + "-lock"))
    }

    // MARK: - Selection

    @Test func stepAndTargetLimitWhatIsApplied() throws {
        let sandbox = try Sandbox.withRealMigrations()
        #expect(
            try sandbox.migrator().migrate(.init(step: 2)).migrations.map(\.name) == [
                "create_languages", "create_frameworks",
            ])
        #expect(
            try sandbox.migrator().migrate(.init(target: "20241124120300")).migrations.map(\.name) == [
                "create_features", "create_companies",
            ])
        #expect(try sandbox.ledger().map { $0.get(3, as: Int.self) } == [1, 1, 2, 2])
        #expect(throws: MigrationError.unknownVersion("20991231000000")) {
            try sandbox.migrator().migrate(.init(target: "20991231000000"))
        }
    }

    @Test func outOfOrderIsRefusedThenAllowedWithTheFlag() throws {
        let sandbox = try Sandbox()
        try sandbox.write("20240101000000", "first", up: "CREATE TABLE a(x);", down: "DROP TABLE a;")
        try sandbox.write("20240103000000", "third", up: "CREATE TABLE c(x);", down: "DROP TABLE c;")
        try sandbox.migrator().migrate()
        let late = try sandbox.write("20240102000000", "second", up: "CREATE TABLE b(x);", down: "DROP TABLE b;")
        #expect(throws: MigrationError.outOfOrder(files: [late], newestApplied: "20240103000000")) {
            try sandbox.migrator().migrate()
        }
        #expect(!(try sandbox.tables().contains("b")))
        try sandbox.migrator().migrate(.init(allowOutOfOrder: true))
        #expect(try sandbox.tables().contains("b"))
        // Rollback follows the order of application, not of version numbers.
        #expect(try sandbox.migrator().rollback(.steps(1)).migrations.map(\.name) == ["second"])
    }

    // MARK: - Checksums

    @Test func lineEndingCopiesAreNotChangedButEditsAreAndRepairAcceptsThem() throws {
        let sandbox = try Sandbox()
        let text = "-- migrate:up\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n"
        let file = "20240101000000_create_a.sql"
        try sandbox.writeRaw(file, text)
        try sandbox.migrator().migrate()
        try sandbox.writeRaw(
            file, "\u{FEFF}" + text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n"))
        #expect(try sandbox.states() == ["20240101000000:applied"])

        let path = try sandbox.writeRaw(file, text.replacingOccurrences(of: "a(x)", with: "a(x, y)"))
        #expect(try sandbox.states() == ["20240101000000:changed"])
        try sandbox.write("20240102000000", "next", up: "CREATE TABLE b(x);", down: "DROP TABLE b;")
        #expect(throws: MigrationError.changed(version: "20240101000000", file: path)) {
            try sandbox.migrator().migrate()
        }
        #expect(throws: MigrationError.changed(version: "20240101000000", file: path)) {
            try sandbox.migrator().rollback()
        }
        #expect(!(try sandbox.tables().contains("b")))

        try sandbox.migrator().repair(version: "20240101000000")
        #expect(try sandbox.states() == ["20240101000000:applied", "20240102000000:pending"])
        #expect(throws: MigrationError.nothingToRepair(version: "20240101000000")) {
            try sandbox.migrator().repair(version: "20240101000000")
        }
        #expect(throws: MigrationError.notApplied("20240102000000")) {
            try sandbox.migrator().repair(version: "20240102000000")
        }
    }

    @Test func missingFilesStopMigrateUnlessIgnored() throws {
        let sandbox = try Sandbox()
        try sandbox.write("20240101000000", "gone", up: "CREATE TABLE a(x);", down: "DROP TABLE a;")
        try sandbox.migrator().migrate()
        try sandbox.remove("20240101000000_gone.sql")
        try sandbox.write("20240102000000", "next", up: "CREATE TABLE b(x);", down: "DROP TABLE b;")
        #expect(throws: MigrationError.missing(version: "20240101000000", name: "gone", more: 0)) {
            try sandbox.migrator().migrate()
        }
        try sandbox.migrator().migrate(.init(ignoreMissing: true))
        #expect(try sandbox.states() == ["20240101000000:missing", "20240102000000:applied"])
        // Rolling back past the missing file is refused before anything is undone.
        #expect(throws: MigrationError.fileMissingForRollback(version: "20240101000000", name: "gone")) {
            try sandbox.migrator().rollback(.all)
        }
        #expect(try sandbox.tables().contains("b"))
    }

    // MARK: - Atomicity

    @Test func failureMidMigrationLeavesSchemaAndLedgerExactlyAsBefore() throws {
        let sandbox = try Sandbox()
        try sandbox.write(
            "20240101000000", "base", up: "CREATE TABLE a(x);\nINSERT INTO a VALUES (1);", down: "DROP TABLE a;")
        try sandbox.migrator().migrate()
        let schemaBefore = try sandbox.schema()
        let ledgerBefore = try sandbox.ledger()
        let path = try sandbox.write(
            "20240102000000", "broken",
            up: """
                CREATE TABLE b(x);
                INSERT INTO a VALUES (2);
                CREATE INDEX b_x ON b(x);

                INSERT INTO missing_table
                VALUES (3);
                CREATE TABLE c(x);
                """,
            down: "DROP TABLE c; DROP TABLE b;")
        try sandbox.write("20240103000000", "after", up: "CREATE TABLE d(x);", down: "DROP TABLE d;")
        let error = captureError(MigrationError.self) { try sandbox.migrator().migrate() }
        #expect(
            error
                == .statementFailed(
                    file: path, line: 6, direction: "migrate:up",
                    message: "no such table: missing_table (SQLITE_ERROR)",
                    rolledBack: true))
        #expect(
            error?.description
                == "\(path):6: migrate:up failed: no such table: missing_table (SQLITE_ERROR); the migration was rolled back and nothing of it applied"
        )
        #expect(try sandbox.schema() == schemaBefore)
        #expect(try sandbox.ledger() == ledgerBefore)
        #expect(try sandbox.open().fetchValue("SELECT group_concat(x) FROM a", as: String.self) == "1")
        #expect(try sandbox.states() == ["20240101000000:applied", "20240102000000:pending", "20240103000000:pending"])
    }

    @Test func aMigrationAndItsLedgerRowCommitTogether() throws {
        let sandbox = try Sandbox()
        // A trigger makes the ledger insert of the second migration fail, after its SQL ran.
        try sandbox.write(
            "20240101000000", "guard",
            up: """
                CREATE TRIGGER refuse_second BEFORE INSERT ON schema_migrations
                WHEN NEW.version = '20240102000000' BEGIN SELECT RAISE(ABORT, 'ledger refused'); END;
                """,
            down: "DROP TRIGGER refuse_second;")
        try sandbox.write("20240102000000", "create_b", up: "CREATE TABLE b(x);", down: "DROP TABLE b;")
        let error = captureError(MigrationError.self) { try sandbox.migrator().migrate() }
        #expect(error?.description.contains("ledger refused") == true)
        // The migration's table went with its ledger row: never one without the other.
        #expect(!(try sandbox.tables().contains("b")))
        #expect(try sandbox.states() == ["20240101000000:applied", "20240102000000:pending"])
    }

    @Test func foreignKeysAreBackOnForTheSameConnectionAfterAFailure() throws {
        let sandbox = try Sandbox()
        let path = try sandbox.write("20240101000000", "bad", up: "CREATE TABLE a(x);\nSELECT nope;", down: "")
        let migration = try MigrationParser.parse(
            path: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        let db = try sandbox.open()
        let driver = SQLiteMigrationDriver(path: sandbox.database)
        try db.execute(driver.ledgerCreateSQL)
        #expect(throws: MigrationError.self) {
            try MigrationSteps.run(
                migration, direction: .up, batch: 1, runner: DatabaseStepRunner(db: db, driver: driver))
        }
        #expect(db.isAutocommit)
        #expect(try db.fetchValue("PRAGMA foreign_keys", as: Int.self) == 1)
    }

    @Test func earlierMigrationsOfAFailedRunAreKept() throws {
        let sandbox = try Sandbox()
        try sandbox.write("20240101000000", "good", up: "CREATE TABLE a(x);", down: "DROP TABLE a;")
        try sandbox.write("20240102000000", "bad", up: "CREATE TABLE b(x);\nSELEC 1;", down: "DROP TABLE b;")
        let error = captureError(MigrationError.self) { try sandbox.migrator().migrate() }
        guard case .statementFailed(_, let line, _, let message, _) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(line == 3)
        #expect(message == "near \"SELEC\": syntax error (SQLITE_ERROR)")
        #expect(try sandbox.states() == ["20240101000000:applied", "20240102000000:pending"])
        #expect(try sandbox.tables() == ["a", "schema_migrations"])
    }

    @Test func aStatementThatWouldEndTheTransactionIsRefused() throws {
        let sandbox = try Sandbox()
        try sandbox.write("20240101000000", "sneaky", up: "CREATE TABLE a(x);\nCOMMIT;\nCREATE TABLE b(x);", down: "")
        let error = captureError(MigrationError.self) { try sandbox.migrator().migrate() }
        guard case .statementFailed(_, let line, _, _, true) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(line == 3)
        #expect(try sandbox.tables() == ["schema_migrations"])
        #expect(SQLText.endsTransaction("rollback transaction to savepoint x") == false)
        #expect(SQLText.endsTransaction("ROLLBACK/**/TO x") == false)
        #expect(SQLText.endsTransaction("END TRANSACTION") == true)
        #expect(SQLText.endsTransaction("COMMIT/**/") == true)
        #expect(SQLText.endsTransaction("/* c */ commit--x") == true)
        #expect(SQLText.endsTransaction("SAVEPOINT s") == false)
        // Comment tricks are caught too.
        try sandbox.write(
            "20240101000000", "sneaky", up: "CREATE TABLE a(x);\nCOMMIT/**/;\nCREATE TABLE b(x);", down: "")
        #expect(captureError(MigrationError.self) { try sandbox.migrator().migrate() } != nil)
        #expect(try sandbox.tables() == ["schema_migrations"])
    }

    @Test func aNonTransactionalSectionMustNotLeaveATransactionOpen() throws {
        let sandbox = try Sandbox()
        try sandbox.write(
            "20240101000000", "dangling", up: "BEGIN;\nCREATE TABLE a(x);", down: "", upOptions: "transaction:false")
        let error = captureError(MigrationError.self) { try sandbox.migrator().migrate() }
        #expect(error?.description.contains("the section leaves a transaction open") == true)
        #expect(try sandbox.tables() == ["schema_migrations"])
        #expect(try sandbox.states() == ["20240101000000:pending"])
    }

    @Test func nonTransactionalSectionsRunOutsideATransaction() throws {
        let sandbox = try Sandbox()
        try sandbox.write("20240101000000", "table", up: "CREATE TABLE a(x);", down: "DROP TABLE a;")
        try sandbox.write("20240102000000", "vacuum", up: "VACUUM;", down: "VACUUM;", upOptions: "transaction:false")
        try sandbox.migrator().migrate()
        #expect(try sandbox.states() == ["20240101000000:applied", "20240102000000:applied"])
        // The same statement in a transactional section fails and is rolled back.
        try sandbox.write("20240103000000", "vacuum_again", up: "VACUUM;", down: "")
        let error = captureError(MigrationError.self) { try sandbox.migrator().migrate() }
        #expect(error?.description.contains("cannot VACUUM from within a transaction") == true)
    }

    // MARK: - Foreign keys

    @Test func rebuildingAParentTableKeepsCascadingChildRows() throws {
        let sandbox = try Sandbox()
        try sandbox.write(
            "20240101000000", "parent_child",
            up: """
                CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT);
                CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id) ON DELETE CASCADE);
                INSERT INTO parent VALUES (1, 'a'), (2, 'b');
                INSERT INTO child VALUES (10, 1), (11, 1), (12, 2);
                """,
            down: "DROP TABLE child; DROP TABLE parent;")
        // SQLite's 12-step ALTER: new table, copy, drop old, rename.
        try sandbox.write(
            "20240102000000", "rebuild_parent",
            up: """
                CREATE TABLE parent_new(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');
                INSERT INTO parent_new SELECT id, name FROM parent;
                DROP TABLE parent;
                ALTER TABLE parent_new RENAME TO parent;
                """,
            down: "SELECT 1;")
        try sandbox.migrator().migrate()
        #expect(try sandbox.open().fetchValue("SELECT count(*) FROM child", as: Int.self) == 3)
        #expect(try sandbox.open().fetchAll("PRAGMA foreign_key_check").isEmpty)
    }

    @Test func danglingReferencesFailTheMigrationNamingTableAndRow() throws {
        let sandbox = try Sandbox()
        try sandbox.write(
            "20240101000000", "tables",
            up: """
                CREATE TABLE parent(id INTEGER PRIMARY KEY);
                CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));
                INSERT INTO parent VALUES (1);
                INSERT INTO child VALUES (5, 1);
                """,
            down: "DROP TABLE child; DROP TABLE parent;")
        try sandbox.migrator().migrate()
        let path = try sandbox.write("20240102000000", "orphan", up: "INSERT INTO child VALUES (7, 99);", down: "")
        let error = captureError(MigrationError.self) { try sandbox.migrator().migrate() }
        #expect(
            error
                == .foreignKeyViolation(file: path, direction: "migrate:up", table: "child", rowid: 7, parent: "parent")
        )
        #expect(
            error?.description
                == "\(path): migrate:up left a broken foreign key: row 7 of child references a missing row in parent; the migration was rolled back"
        )
        #expect(try sandbox.open().fetchValue("SELECT count(*) FROM child", as: Int.self) == 1)
    }

    @Test func violationsAlreadyInTheDatabaseAreNotBlamedOnANewMigration() throws {
        let sandbox = try Sandbox()
        try sandbox.write(
            "20240101000000", "tables",
            up: """
                CREATE TABLE parent(id INTEGER PRIMARY KEY);
                CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));
                """,
            down: "DROP TABLE child; DROP TABLE parent;")
        try sandbox.migrator().migrate()
        // Someone wrote an orphan with foreign keys off (the sqlite3 shell's default).
        let other = try sandbox.open()
        try other.execute("PRAGMA foreign_keys = OFF; INSERT INTO child VALUES (1, 42);")
        try sandbox.write("20240102000000", "unrelated", up: "CREATE TABLE c(x);", down: "DROP TABLE c;")
        try sandbox.migrator().migrate()
        try sandbox.migrator().rollback()
        // A violation the migration adds still fails it.
        let path = try sandbox.write("20240103000000", "orphan", up: "INSERT INTO child VALUES (2, 43);", down: "")
        #expect(
            captureError(MigrationError.self) { try sandbox.migrator().migrate() }
                == .foreignKeyViolation(file: path, direction: "migrate:up", table: "child", rowid: 2, parent: "parent")
        )
    }

    // MARK: - Rollback, redo, reset, fresh

    @Test func rollbackUndoesTheLastBatchThenByStepThenToAVersion() throws {
        let sandbox = try Sandbox()
        for (index, name) in ["a", "b", "c", "d", "e"].enumerated() {
            try sandbox.write(
                "2024010100000\(index)", "create_\(name)", up: "CREATE TABLE \(name)(x);", down: "DROP TABLE \(name);")
        }
        try sandbox.migrator().migrate(.init(step: 2))  // batch 1: a, b
        try sandbox.migrator().migrate()  // batch 2: c, d, e
        #expect(try sandbox.migrator().rollback().migrations.map(\.name) == ["create_e", "create_d", "create_c"])
        #expect(try sandbox.tables() == ["a", "b", "schema_migrations"])
        try sandbox.migrator().migrate()  // batch 2 again
        #expect(try sandbox.migrator().rollback(.steps(2)).migrations.map(\.name) == ["create_e", "create_d"])
        #expect(
            try sandbox.migrator().rollback(.after(version: "20240101000000")).migrations.map(\.name) == [
                "create_c", "create_b",
            ])
        #expect(try sandbox.tables() == ["a", "schema_migrations"])
        #expect(throws: MigrationError.notApplied("20240101000004")) {
            try sandbox.migrator().rollback(.after(version: "20240101000004"))
        }
        #expect(try sandbox.migrator().rollback(.lastBatch).migrations.map(\.name) == ["create_a"])
        #expect(try sandbox.migrator().rollback().migrations.isEmpty)
    }

    @Test func irreversibleMigrationsStopRollbackBeforeAnythingIsUndone() throws {
        let sandbox = try Sandbox()
        let path = try sandbox.write("20240101000000", "one_way", up: "CREATE TABLE a(x);", down: "-- cannot be undone")
        try sandbox.write("20240102000000", "two_way", up: "CREATE TABLE b(x);", down: "DROP TABLE b;")
        try sandbox.migrator().migrate()
        #expect(throws: MigrationError.irreversible(file: path)) { try sandbox.migrator().rollback() }
        #expect(try sandbox.tables() == ["a", "b", "schema_migrations"])
    }

    @Test func redoRollsBackAndReappliesAsANewBatch() throws {
        let sandbox = try Sandbox()
        try sandbox.write("20240101000000", "a", up: "CREATE TABLE a(x);", down: "DROP TABLE a;")
        try sandbox.write("20240102000000", "b", up: "CREATE TABLE b(x);", down: "DROP TABLE b;")
        try sandbox.migrator().migrate()
        let (undone, applied) = try sandbox.migrator().redo(steps: 1)
        #expect(undone.migrations.map(\.name) == ["b"])
        #expect(applied.migrations.map(\.name) == ["b"])
        #expect(applied.batch == 2)
        #expect(try sandbox.ledger().map { $0.get(3, as: Int.self) } == [1, 2])
    }

    @Test func freshDropsEverythingIncludingObjectsNoMigrationMade() throws {
        let sandbox = try Sandbox.withRealMigrations()
        try sandbox.migrator().migrate()
        let schema = try sandbox.schema()
        let db = try sandbox.open()
        try db.execute(
            """
            CREATE TABLE stray(id INTEGER PRIMARY KEY AUTOINCREMENT, x);
            INSERT INTO stray(x) VALUES (1);
            CREATE VIEW stray_view AS SELECT * FROM stray;
            CREATE TRIGGER stray_trigger AFTER INSERT ON languages BEGIN SELECT 1; END;
            INSERT INTO languages(name) VALUES ('Python');
            """)
        let (dropped, applied) = try sandbox.migrator().fresh()
        #expect(dropped.contains("stray") && dropped.contains("stray_view") && dropped.contains("stray_trigger"))
        #expect(applied.migrations.count == (try Sandbox.projectMigrationNames().count))
        // SQLite keeps its own sqlite_sequence table (emptied); everything else is as migrated.
        #expect(try sandbox.schema().filter { $0.get(1, as: String.self) != "sqlite_sequence" } == schema)
        #expect(try sandbox.open().fetchValue("SELECT count(*) FROM sqlite_sequence", as: Int.self) == 0)
        #expect(try sandbox.open().fetchValue("SELECT count(*) FROM languages", as: Int.self) == 0)
    }

    // MARK: - Dry run

    @Test func dryRunPrintsTheSQLInOrderAndCreatesNoFile() throws {
        let sandbox = try Sandbox.withRealMigrations()
        let report = try sandbox.migrator().migrate(.init(dryRun: true))
        #expect(!FileManager.default.fileExists(atPath: sandbox.database))
        #expect(!FileManager.default.fileExists(atPath: sandbox.database + "-lock"))
        let sql = try #require(report.dryRunSQL).joined(separator: "\n")
        let order = [
            "CREATE TABLE languages", "CREATE TABLE frameworks", "CREATE TABLE features", "CREATE TABLE companies",
            "CREATE TABLE framework_features",
        ]
        let positions = order.compactMap { sql.range(of: $0)?.lowerBound }
        #expect(positions.count == order.count && positions == positions.sorted())
        #expect(sql.contains("BEGIN IMMEDIATE;"))
        #expect(sql.contains("PRAGMA foreign_key_check;"))
        #expect(sql.contains("INSERT INTO schema_migrations"))
        #expect(sql.contains("CREATE TABLE IF NOT EXISTS schema_migrations"))

        // On an existing database, a dry run changes nothing either.
        try sandbox.migrator().migrate(.init(step: 1))
        let schema = try sandbox.schema()
        let ledger = try sandbox.ledger()
        let rest = try sandbox.migrator().migrate(.init(dryRun: true))
        #expect(rest.migrations.count == (try Sandbox.projectMigrationNames().count) - 1)
        #expect(rest.batch == 2)
        #expect(try sandbox.schema() == schema)
        #expect(try sandbox.ledger() == ledger)
        let rollback = try sandbox.migrator().rollback(dryRun: true)
        #expect(rollback.dryRunSQL?.contains("DROP TABLE languages;") == true)
        #expect(try sandbox.ledger() == ledger)
    }

    // MARK: - Safety

    @Test func refusesADatabaseThatCatalogDidNotMake() throws {
        let sandbox = try Sandbox.withRealMigrations()
        let other = try Connection(path: sandbox.database)
        try other.execute("CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL)")
        let before = try sandbox.schema()
        #expect(throws: MigrationError.notACatalogDatabase(path: sandbox.database, tables: ["invoices"])) {
            try sandbox.migrator().migrate()
        }
        #expect(throws: MigrationError.notACatalogDatabase(path: sandbox.database, tables: ["invoices"])) {
            try sandbox.migrator().fresh()
        }
        #expect(try sandbox.schema() == before)
        // Reading commands refuse it too, so a dry run never promises what a run would refuse.
        #expect(throws: MigrationError.notACatalogDatabase(path: sandbox.database, tables: ["invoices"])) {
            try sandbox.migrator().status()
        }
        #expect(throws: MigrationError.notACatalogDatabase(path: sandbox.database, tables: ["invoices"])) {
            try sandbox.migrator().migrate(.init(dryRun: true))
        }
        // A dbmate-style ledger is recognised as someone else's too.
        try other.execute("CREATE TABLE schema_migrations(version TEXT PRIMARY KEY)")
        let error = captureError(MigrationError.self) { try sandbox.migrator().migrate() }
        guard case .unexpectedLedger = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }

    @Test func aHeldLockMakesOtherWritersWaitThenGiveUp() throws {
        let sandbox = try Sandbox.withRealMigrations()
        let lock = try FileWriteLock(databasePath: sandbox.database, timeout: 1)
        let clock = ContinuousClock()
        let start = clock.now
        let error = captureError(MigrationError.self) { try sandbox.migrator(lockTimeout: 0.3).migrate() }
        #expect(clock.now - start >= .milliseconds(300))
        // The holder is this process: its record in the lock file, which the kernel confirms.
        guard case .lockTimeout(sandbox.database, 0.3, let holder?) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(holder.pid == getpid())
        #expect(holder.since?.hasSuffix("Z") == true)
        withExtendedLifetime(lock) {}
        _ = consume lock
        try sandbox.migrator(lockTimeout: 0.3).migrate()
        #expect(try sandbox.states().allSatisfy { $0.hasSuffix(":applied") })
    }

    @Test func aSymbolicLinkToTheDatabaseSharesItsLock() throws {
        let sandbox = try Sandbox.withRealMigrations()
        let link = sandbox.root + "/link.sqlite3"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: sandbox.database)
        let lock = try FileWriteLock(databasePath: sandbox.database, timeout: 1)
        let viaLink = Migrator(databasePath: link, migrationsDirectory: sandbox.migrations, lockTimeout: 0.2)
        let error = captureError(MigrationError.self) { try viaLink.migrate() }
        guard case .lockTimeout(link, 0.2, _) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        withExtendedLifetime(lock) {}
    }

    @Test func aLockTimeoutSaysWhoHeldTheLockOrThatItIsUnknown() {
        let holder = LockHolder(pid: 4242, command: "catalog seed --prune", since: "2026-11-29T21:30:05Z")
        #expect(
            MigrationError.lockTimeout(path: "c.sqlite3", seconds: 0.5, holder: holder).description
                == "another process, pid 4242 (catalog seed --prune, since 2026-11-29T21:30:05Z), holds catalog's write "
                + "lock on c.sqlite3; gave up after waiting 0.5 s")
        #expect(
            MigrationError.lockTimeout(path: "c.sqlite3", seconds: 30, holder: nil).description
                == "another process holds catalog's write lock on c.sqlite3 and left no record of which; gave up after "
                + "waiting 30 s")
        #expect(LockHolder(pid: 7).description == "pid 7")
        #expect(Timeout.describe(milliseconds: 500) == "0.5 s")
        #expect(Timeout.describe(milliseconds: 30_000) == "30 s")
        #expect(Timeout.describe(milliseconds: 1_250) == "1.25 s")
        #expect(Timeout.describe(milliseconds: 5) == "0.005 s")
    }

    @Test func lockTimeoutsAreClamped() {
        #expect(Timeout.milliseconds(1.5) == 1_500)
        #expect(Timeout.milliseconds(-1) == 0)
        #expect(Timeout.milliseconds(1e300) == 86_400_000)
        #expect(Timeout.milliseconds(.infinity) == 86_400_000)
    }

    // MARK: - New files

    @Test func createMigrationWritesAParsableFileAndNeverOverwrites() throws {
        let sandbox = try Sandbox()
        let path = try Migrator.createMigration(named: "add_aliases", in: sandbox.migrations, version: "20250101000000")
        #expect(path == sandbox.migrations + "/20250101000000_add_aliases.sql")
        let migration = try MigrationParser.parse(
            path: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(migration.up.isEmpty && migration.down.isEmpty)
        #expect(throws: MigrationError.fileExists(path)) {
            try Migrator.createMigration(named: "add_aliases", in: sandbox.migrations, version: "20250101000000")
        }
        #expect(throws: MigrationError.versionTaken(version: "20250101000000", file: path)) {
            try Migrator.createMigration(named: "other", in: sandbox.migrations, version: "20250101000000")
        }
        #expect(throws: MigrationError.invalidName("AddAliases")) {
            try Migrator.createMigration(named: "AddAliases", in: sandbox.migrations, version: "20250101000001")
        }
        #expect(Migrator.versionForNow().count == 14)
    }
}
