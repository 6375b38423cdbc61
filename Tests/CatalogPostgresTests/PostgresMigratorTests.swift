import CatalogDatabase
import Foundation
import Synchronization
import Testing

@testable import CatalogKit
@testable import CatalogPostgres

/// The migrator on PostgreSQL through `PostgresMigrationDriver` (issue 14, first part): each
/// migration commits with its ledger row or not at all (transactional DDL), a
/// `transaction:false` section runs outside a transaction (`CREATE INDEX CONCURRENTLY`), rollback
/// follows the ledger, drift is found, the advisory lock serializes concurrent migrators, and
/// `fresh` drops only the current schema's objects.
@Suite(.enabled(if: PostgresServer.isConfigured)) struct PostgresMigratorTests {
    /// A sandbox schema, a folder of PostgreSQL migrations and a migrator over both.
    struct Setup {
        let sandbox: PostgresSandbox
        let folder: String
        let driver: PostgresMigrationDriver

        init() throws {
            sandbox = try PostgresSandbox()
            folder = NSTemporaryDirectory() + "pg-migrations-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            driver = sandbox.driver
            try write(
                "20240101000000_create_languages.sql",
                """
                -- migrate:up
                CREATE TABLE languages (id bigserial PRIMARY KEY, name text NOT NULL);
                CREATE UNIQUE INDEX languages_name_unique ON languages (lower(name COLLATE "C"));

                -- migrate:down
                DROP TABLE languages;
                """)
            try write(
                "20240101000100_create_frameworks.sql",
                """
                -- migrate:up
                CREATE TABLE frameworks (
                    id bigserial PRIMARY KEY,
                    name text NOT NULL,
                    language_id bigint NOT NULL REFERENCES languages (id) ON DELETE RESTRICT
                );
                INSERT INTO languages (name) VALUES ('Python');

                -- migrate:down
                DROP TABLE frameworks;
                DELETE FROM languages WHERE name = 'Python';
                """)
            try write(
                "20240101000200_index_frameworks.sql",
                """
                -- migrate:up transaction:false
                CREATE INDEX CONCURRENTLY frameworks_language_id ON frameworks (language_id);

                -- migrate:down transaction:false
                DROP INDEX CONCURRENTLY frameworks_language_id;
                """)
        }

        func write(_ name: String, _ text: String) throws {
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }

        func migrator(lockTimeout: Double = 30) -> Migrator {
            Migrator(driver: driver, migrations: .directory(folder), lockTimeout: lockTimeout)
        }

        func tables() throws -> [String] { try driver.tableNames(sandbox.db) }

        func ledger() throws -> [String] { try driver.ledgerRecords(sandbox.db).map(\.version) }
    }

    @Test func migrationsApplyRollBackAndReportTheirState() throws {
        let setup = try Setup()
        let report = try setup.migrator().migrate()
        #expect(report.migrations.count == 3)
        #expect(try setup.tables() == ["frameworks", "languages", "schema_migrations"])
        #expect(try setup.ledger() == ["20240101000000", "20240101000100", "20240101000200"])
        #expect(try setup.migrator().status().allSatisfy { $0.state == .applied })
        let schema = try setup.driver.schemaSQL(setup.sandbox.db, tables: [], key: { $0 })
        #expect(
            schema.contains("CREATE INDEX frameworks_language_id ON frameworks USING btree (language_id);"), "\(schema)"
        )
        #expect(
            schema.contains("CONSTRAINT frameworks_language_id_fkey FOREIGN KEY (language_id) REFERENCES"), "\(schema)")
        #expect(!schema.contains(setup.sandbox.schema), "the dump names no schema")

        // Rollback follows the ledger: the concurrent index first, outside a transaction.
        try setup.migrator().rollback(.steps(2))
        #expect(try setup.tables() == ["languages", "schema_migrations"])
        #expect(try setup.ledger() == ["20240101000000"])
        #expect(try setup.sandbox.db.fetchValue("SELECT count(*) FROM languages", as: Int64.self) == 0)
        try setup.migrator().migrate()
        #expect(try setup.ledger().count == 3)
    }

    @Test func aFailingMigrationLeavesNeitherItsTablesNorItsLedgerRow() throws {
        let setup = try Setup()
        try setup.migrator().migrate()
        try setup.write(
            "20240101000300_broken.sql",
            """
            -- migrate:up
            CREATE TABLE companies (id bigserial PRIMARY KEY);
            INSERT INTO nowhere VALUES (1);

            -- migrate:down
            DROP TABLE companies;
            """)
        do {
            try setup.migrator().migrate()
            Issue.record("the broken migration applied")
        } catch let error as MigrationError {
            guard case .statementFailed(let file, let line, _, let message, let rolledBack) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(file.hasSuffix("20240101000300_broken.sql"))
            #expect(line == 3)
            #expect(message.contains("relation \"nowhere\" does not exist"), "\(message)")
            #expect(rolledBack)
        }
        #expect(try !setup.tables().contains("companies"), "transactional DDL: the CREATE TABLE was rolled back")
        #expect(try setup.ledger().count == 3)
    }

    @Test func anEditedAppliedMigrationIsDrift() throws {
        let setup = try Setup()
        try setup.migrator().migrate()
        try setup.write(
            "20240101000000_create_languages.sql",
            """
            -- migrate:up
            CREATE TABLE languages (id bigserial PRIMARY KEY, name text NOT NULL, extra text);

            -- migrate:down
            DROP TABLE languages;
            """)
        #expect(try setup.migrator().status().first?.state == .changed)
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() throws {
        let setup = try Setup()
        let failures = Mutex<[String]>([])
        // Each worker gets its own migrator (and so its own connections); only values cross.
        let driver = setup.driver
        let folder = setup.folder
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                try Migrator(driver: driver, migrations: .directory(folder)).migrate()
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(try setup.ledger() == ["20240101000000", "20240101000100", "20240101000200"])
        #expect(try setup.driver.ledgerRecords(setup.sandbox.db).map(\.sequence) == [1, 2, 3])
    }

    @Test func aWriterThatCannotGetTheAdvisoryLockNamesTheHolder() throws {
        let setup = try Setup()
        let held = try setup.driver.writeLock(timeout: 1)
        do {
            _ = try setup.driver.writeLock(timeout: 0.2)
            Issue.record("took the lock twice")
        } catch let error as WriteLockError {
            guard case .timedOut(let seconds, let holder) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(seconds == 0.2)
            #expect((holder?.pid ?? 0) > 0)
        }
        withExtendedLifetime(held) {}
    }

    @Test func freshDropsOnlyTheCurrentSchemasObjects() throws {
        let setup = try Setup()
        try setup.migrator().migrate()
        let other = try PostgresSandbox()
        try other.db.execute("CREATE TABLE keep_me (id bigint)")
        let (dropped, applied) = try setup.migrator().fresh()
        #expect(Set(dropped).isSuperset(of: ["frameworks", "languages", "schema_migrations"]))
        #expect(applied.migrations.count == 3)
        #expect(try setup.driver.tableNames(other.db) == ["keep_me"])
    }
}
