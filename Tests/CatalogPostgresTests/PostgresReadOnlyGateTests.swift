import Testing

@testable import CatalogPostgres

/// The statement gate of a read-only `catalog sql` on PostgreSQL, without a server: what it
/// refuses and, as much, what it lets through (names in strings, comments and columns).
@Suite struct PostgresReadOnlyGateTests {
    @Test(
        arguments: [
            ("SELECT 1", nil),
            ("  (SELECT 1) UNION (SELECT 2)", nil),
            ("with x as (select 1) select * from x", nil),
            ("VALUES (1)", nil),
            ("TABLE frameworks", nil),
            ("EXPLAIN SELECT 1", nil),
            ("SHOW search_path", nil),
            ("-- a comment\nSELECT 1", nil),
            ("SELECT 'pg_terminate_backend(1)'", nil),
            ("SELECT $tag$ set_config( $tag$", nil),
            ("SELECT 1 /* pg_ls_dir( */", nil),
            ("SELECT lo_size FROM t", nil),
            ("SELECT \"lo_import\" FROM t", nil),
            ("SELECT E'\\'' || 'pg_ls_dir('", nil),
            ("SELECT pg_sleep(1)", nil),
            ("DELETE FROM t", "DELETE FROM"),
            ("COPY t TO STDOUT", "COPY"),
            ("SET ROLE NONE", "SET ROLE"),
            ("DO $$ BEGIN END $$", "DO"),
            ("LISTEN x", "LISTEN"),
            ("SELECT pg_terminate_backend(1)", "pg_terminate_backend"),
            ("SELECT PG_CANCEL_BACKEND (1)", "pg_cancel_backend"),
            ("SELECT pg_catalog.pg_advisory_lock(1)", "pg_advisory_lock"),
            ("SELECT pg_try_advisory_xact_lock(1)", "pg_try_advisory_xact_lock"),
            ("SELECT \"pg_ls_dir\"('.')", "pg_ls_dir"),
            ("SELECT \"Set_Config\"('a', 'b', false)", "set_config"),
            ("SELECT U&\"\\0070g_ls_dir\"('.')", "U&\"...\" identifiers"),
            ("SELECT set_config -- a comment\n ('a', 'b', false)", "set_config"),
            ("SELECT set_config /* a comment */ ('a', 'b', false)", "set_config"),
            ("SELECT x.lo_export FROM t x", "lo_export"),
            ("SELECT query_to_xml('select 1', true, true, '')", "query_to_xml"),
            ("SELECT * FROM dblink('x', 'y') AS t(a int)", "dblink"),
            ("SELECT nextval('s')", "nextval"),
            ("SELECT 1 FROM t WHERE pg_read_file('/etc/passwd') <> ''", "pg_read_file"),
        ] as [(String, String?)])
    func refusal(_ sql: String, _ expected: String?) {
        #expect(PostgresReadOnlyGate.refusal(for: sql) == expected, "\(sql)")
    }
}
