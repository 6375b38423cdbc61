import CatalogPostgres
import Foundation
import Testing

/// `catalog sql` without `--write` on PostgreSQL against a hostile corpus (issue 15): every
/// vector is run as the superuser the tests connect as, which catalog refuses before any
/// statement, and as the reader role `catalog setup --reader` creates, where the read-only
/// transaction, the server's privileges and the statement gate stop it. After each: the
/// catalog's data, schema and ACLs are as they were, no server-wide state changed (role
/// settings, large objects, prepared transactions, replication slots, ALTER SYSTEM), no file
/// was written or program run, no advisory lock is held, and another session of the same role
/// is alive.
@Suite(.enabled(if: PostgresTestDatabase.isConfigured)) struct PostgresHostileSQLTests {
    /// The vectors. `VICTIM` is another session's pid, `SENTINEL` a path no vector may create.
    static let corpus: [String] = [
        // Plain changes.
        "DELETE FROM framework_companies",
        "UPDATE frameworks SET name = 'owned'",
        "INSERT INTO companies (name) VALUES ('Evil Corp')",
        "DROP TABLE framework_companies",
        "TRUNCATE framework_companies",
        "ALTER TABLE frameworks ADD COLUMN evil int",
        "CREATE TABLE evil (x int)",
        "CREATE TEMP TABLE evil AS SELECT 1",
        "SELECT 1 INTO evil_copy",
        "GRANT ALL ON frameworks TO PUBLIC",
        "CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS 'DELETE FROM framework_companies RETURNING 1'",
        "WITH gone AS (DELETE FROM framework_companies RETURNING 1) SELECT count(*) FROM gone",
        "EXPLAIN ANALYZE DELETE FROM framework_companies",
        "SELECT * FROM frameworks FOR UPDATE",
        "LOCK TABLE frameworks IN ACCESS EXCLUSIVE MODE",
        "VACUUM frameworks",
        "CHECKPOINT",
        // Leaving the read-only transaction.
        "SET TRANSACTION READ WRITE; DELETE FROM framework_companies",
        "SELECT 1; SET TRANSACTION READ WRITE; DELETE FROM framework_companies",
        "SET transaction_read_only = off; DELETE FROM framework_companies",
        "SELECT set_config('transaction_read_only', 'off', false); DELETE FROM framework_companies",
        "COMMIT; DELETE FROM framework_companies",
        "ROLLBACK; DELETE FROM framework_companies",
        "END; SET default_transaction_read_only = off; DELETE FROM framework_companies",
        "BEGIN; DELETE FROM framework_companies; COMMIT",
        "START TRANSACTION READ WRITE; DELETE FROM framework_companies",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
        "PREPARE TRANSACTION 'evil'",
        "SAVEPOINT s; RELEASE s; DELETE FROM framework_companies",
        // Settings and identity that would outlive the statement.
        "SET default_transaction_read_only = off",
        "SELECT set_config('default_transaction_read_only', 'off', false)",
        "SELECT pg_catalog.set_config('role', 'catalog', false)",
        "RESET ROLE; DELETE FROM framework_companies",
        "SET ROLE NONE",
        "SET SESSION AUTHORIZATION DEFAULT",
        "ALTER ROLE CURRENT_USER SET search_path = evil",
        "ALTER SYSTEM SET work_mem = '1GB'",
        "SELECT pg_reload_conf()",
        // Code and prepared statements.
        "DO $$ BEGIN DELETE FROM framework_companies; END $$",
        "DO LANGUAGE plpgsql 'BEGIN PERFORM pg_terminate_backend(VICTIM); END'",
        "CALL evil()",
        "PREPARE p AS DELETE FROM framework_companies; EXECUTE p",
        "EXECUTE p",
        "DECLARE c CURSOR WITH HOLD FOR SELECT * FROM frameworks",
        // SQL given as text, where a gate reading the statement could not see it.
        "SELECT * FROM query_to_xml('DELETE FROM framework_companies RETURNING 1', true, true, '')",
        "SELECT query_to_xml('SELECT pg_terminate_backend(VICTIM)', true, true, '')",
        "SELECT * FROM ts_stat('SELECT to_tsvector(name) FROM frameworks')",
        // Multi-statement smuggling past the splitter.
        "SELECT 1; DELETE FROM framework_companies",
        "SELECT 1 /* ; */ ; DELETE FROM framework_companies",
        "SELECT $$;$$; DELETE FROM framework_companies",
        "SELECT E'\\''; DELETE FROM framework_companies",
        "SELECT \"a;\" FROM (SELECT 1 AS \"a;\") t; DELETE FROM framework_companies",
        // Server files and programs.
        "COPY (SELECT 1) TO PROGRAM 'touch SENTINEL'",
        "COPY frameworks TO 'SENTINEL'",
        "COPY frameworks FROM '/etc/passwd'",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_read_binary_file('/etc/hostname')",
        "SELECT pg_ls_dir('.')",
        "SELECT * FROM pg_stat_file('/etc/passwd')",
        "SELECT lo_import('/etc/passwd')",
        "SELECT lo_export(lo_from_bytea(0, 'x'), 'SENTINEL')",
        "SELECT lo_create(0)",
        // Other sessions.
        "SELECT pg_terminate_backend(VICTIM)",
        "SELECT pg_cancel_backend(VICTIM)",
        "SELECT \"pg_terminate_backend\"(VICTIM)",
        "SELECT PG_TERMINATE_BACKEND(VICTIM)",
        "SELECT pg_catalog.pg_terminate_backend /* hidden */ (VICTIM)",
        "SELECT U&\"\\0070g_terminate_backend\"(VICTIM)",
        "SELECT pg_sleep(0); SELECT pg_terminate_backend(VICTIM)",
        "SELECT pg_advisory_lock(42)",
        "SELECT pg_try_advisory_lock(1), pg_advisory_xact_lock(2)",
        "SELECT pg_advisory_lock_shared(hashtextextended('catalog:' || current_database() || ':public', 0))",
        "LISTEN evil",
        "NOTIFY evil, 'x'",
        "SELECT pg_notify('evil', 'x')",
        // Sequences and server state.
        "SELECT nextval('frameworks_id_seq')",
        "SELECT setval('frameworks_id_seq', 1)",
        "SELECT pg_create_restore_point('evil')",
        "SELECT pg_create_physical_replication_slot('evil')",
        "SELECT pg_switch_wal()",
    ]

    /// What may not change: the catalog's rows, schema and grants, and server-wide state.
    func fingerprint(_ pg: PostgresTestDatabase) throws -> [String] {
        var lines = try pg.values(
            """
            SELECT format('%s %s', c.relname, c.relacl) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
            ORDER BY c.relname
            """)
        for table in try pg.values("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1") {
            lines += try pg.values(
                "SELECT '\(table) ' || count(*) || ' ' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM \"\(table)\" t"
            )
        }
        lines += try pg.values(
            """
            SELECT concat_ws(' ', (SELECT count(*) FROM pg_db_role_setting), (SELECT count(*) FROM pg_largeobject_metadata),
              (SELECT count(*) FROM pg_prepared_xacts), (SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'evil'),
              (SELECT count(*) FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'),
              (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())),
              (SELECT last_value FROM frameworks_id_seq), (SELECT count(*) FROM pg_proc WHERE proname = 'f'))
            """)
        return lines
    }

    @Test func noVectorChangesAnythingAsASuperuserOrAsTheReader() throws {
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase()
        try sandbox.succeed(["setup", "--database", pg.url, "--reader", pg.readerName])
        // Another session of the reader's role: the one a reader could signal.
        let victim = try PostgresConnection(url: pg.readerURL)
        let victimPID = try #require(try victim.fetchValue("SELECT pg_backend_pid()", as: Int64.self))
        // In /tmp, where the server (running as another user) could write it.
        let sentinel = "/tmp/catalog-sentinel-\(UUID().uuidString)"
        let before = try fingerprint(pg)
        #expect(before.count > 10)
        #expect(Self.corpus.count >= 40)
        for vector in Self.corpus {
            let sql = vector.replacing("VICTIM", with: String(victimPID)).replacing("SENTINEL", with: sentinel)
            // As the superuser: refused before any statement.
            let superuser = try sandbox.run(["sql", "--database", pg.url, sql])
            #expect(superuser.exitCode == 1, "\(vector) as the superuser: \(superuser.stdout)")
            #expect(
                superuser.stderr.hasPrefix("error: catalog sql without --write cannot stay read-only as \"catalog\""),
                "\(vector): \(superuser.stderr)")
            #expect(superuser.stderr.split(separator: "\n").count == 1, "\(vector): \(superuser.stderr)")
            // As the reader: an error, whoever stops it.
            let reader = try sandbox.run(["sql", "--database", pg.readerURL, sql])
            #expect(reader.exitCode == 1, "\(vector) as the reader ran: \(reader.stdout)")
            #expect(reader.stderr.hasPrefix("error: statement "), "\(vector): \(reader.stderr)")
            #expect(try fingerprint(pg) == before, "\(vector) changed something")
            #expect(!FileManager.default.fileExists(atPath: sentinel), "\(vector) wrote a file")
            #expect(
                try victim.fetchValue("SELECT 1", as: Int64.self) == 1, "\(vector) touched another session")
        }
        // The reader still reads.
        let read = try sandbox.run(["sql", "--database", pg.readerURL, "SELECT count(*) AS n FROM framework_companies"])
        #expect(read.exitCode == 0, "\(read.stderr)")
        #expect(read.stdout.contains("34"), "\(read.stdout)")
    }

    /// The gate's refusals name what they refused, in one line with what to do.
    @Test func refusalsNameTheStatementOrFunction() throws {
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase()
        try sandbox.succeed(["setup", "--database", pg.url, "--reader", pg.readerName])
        for (sql, action) in [
            (
                "SELECT 1; COPY frameworks TO STDOUT",
                "statement 2 would modify the catalog or reach outside it (COPY)"
            ),
            (
                "SELECT pg_terminate_backend(1)",
                "statement 1 would modify the catalog or reach outside it (pg_terminate_backend)"
            ),
            (
                "select Pg_Advisory_Lock(1)",
                "statement 1 would modify the catalog or reach outside it (pg_advisory_lock)"
            ),
            ("SET ROLE NONE", "statement 1 would modify the catalog or reach outside it (SET ROLE)"),
        ] {
            let result = try sandbox.run(["sql", "--database", pg.readerURL, sql])
            #expect(result.exitCode == 1)
            #expect(result.stderr == "error: \(action); run with --write to allow changes\n", "\(sql)")
        }
        // Names in strings, comments and columns are only text.
        let harmless = try sandbox.run([
            "sql", "--database", pg.readerURL,
            "SELECT 'pg_terminate_backend(1)' AS lo_import, $$set_config($$ -- pg_ls_dir(\n FROM frameworks LIMIT 1",
        ])
        #expect(harmless.exitCode == 0, "\(harmless.stderr)")
        #expect(harmless.stdout.contains("pg_terminate_backend(1)"), "\(harmless.stdout)")
    }

    /// `catalog setup --reader`: idempotent, refuses a role that would be no reader, and SQLite.
    @Test func setupReaderCreatesOnceAndRefusesWhatWouldBeNoReader() throws {
        let sandbox = try CLISandbox(.project)
        let pg = try PostgresTestDatabase()
        let first = try sandbox.succeed(["setup", "--database", pg.url, "--reader", pg.readerName])
        #expect(
            first.stdout.hasSuffix(
                "Reader \(pg.readerName) created: it may read the 11 tables of schema public and nothing else. "
                    + "Connect catalog sql as it: --database \(pg.readerURL)\n"), "\(first.stdout)")
        let again = try sandbox.succeed(["setup", "--database", pg.url, "--reader", pg.readerName])
        #expect(again.stdout.contains("Reader \(pg.readerName) already existed"), "\(again.stdout)")
        // The reader may not write even with --write.
        let write = try sandbox.run(["sql", "--write", "--database", pg.readerURL, "DELETE FROM companies"])
        #expect(write.exitCode == 1)
        #expect(write.stderr.contains("permission denied for table companies"), "\(write.stderr)")
        // The superuser is no reader; pg_ names are the server's.
        let superuser = try sandbox.run(["setup", "--database", pg.url, "--reader", "catalog"])
        #expect(superuser.exitCode == 1)
        #expect(
            superuser.stderr
                == "error: role \"catalog\" exists and is a superuser or replication role, so it would be no reader; "
                + "choose another name\n"
        )
        let reserved = try sandbox.run(["setup", "--database", pg.url, "--reader", "pg_evil"])
        #expect(reserved.exitCode == 1)
        #expect(reserved.stderr.contains("reserved by PostgreSQL"), "\(reserved.stderr)")
        let lite = try sandbox.run(["setup", "--reader", "someone"])
        #expect(lite.exitCode == 2)
        #expect(lite.stderr.hasPrefix("error: --reader creates a PostgreSQL role"), "\(lite.stderr)")
    }
}
