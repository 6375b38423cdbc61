import CatalogDatabase

/// What `catalog sql` without `--write` sends to a PostgreSQL server, checked before a statement
/// is sent. PostgreSQL has no authorizer hook, so the guarantee comes in layers
/// (docs/postgresql.md, "catalog sql on a server"):
///
/// 1. The role: a superuser, or a role that can act as one of the server's file, program,
///    signal or replication roles, is refused before any statement (`PostgresScriptSession`).
/// 2. The transaction: every script runs inside `BEGIN READ ONLY` with its snapshot already
///    taken, so the server refuses any write and any switch to read-write, and it is rolled back
///    at the end (even `SET` is undone).
/// 3. This gate: only queries (`SELECT`, `WITH`, `VALUES`, `TABLE`, `EXPLAIN`, `SHOW`), and no
///    call of a function that reaches past the transaction: other sessions (advisory locks,
///    `pg_terminate_backend`), settings (`set_config`), server files, large objects, sequences,
///    or SQL given as text (`query_to_xml`, `ts_stat`), where the gate could not see it.
enum PostgresReadOnlyGate {
    /// The statements a read-only session runs: those that only read.
    static let queries: Set<String> = ["SELECT", "WITH", "VALUES", "TABLE", "EXPLAIN", "SHOW"]

    /// Functions that reach past a read-only transaction, by name.
    static let functions: Set<String> = [
        // Other sessions and the server itself.
        "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_promote",
        "pg_switch_wal", "pg_create_restore_point", "pg_backup_start", "pg_backup_stop", "pg_start_backup",
        "pg_stop_backup", "pg_log_backend_memory_contexts", "pg_notify", "pg_logical_emit_message",
        "pg_import_system_collations", "pg_replication_slot_advance",
        // Settings, which would outlive the statement.
        "set_config",
        // Sequences: not transactional.
        "nextval", "setval",
        // Large objects (server files through lo_import and lo_export).
        "loread", "lowrite",
        // SQL given as text, run where the gate cannot see it.
        "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
        "ts_stat", "ts_rewrite",
    ]

    /// Families of functions, by the start of their names.
    static let functionPrefixes: [String] = [
        "pg_advisory", "pg_try_advisory",  // locks that outlive the statement and block other sessions
        "pg_read_file", "pg_read_binary_file", "pg_stat_file", "pg_ls_", "pg_file_",  // server files
        "lo_",  // large objects
        "pg_stat_reset", "pg_replication_origin", "pg_create_", "pg_drop_replication", "pg_copy_",
        "pg_logical_slot_", "pg_wal_replay_",
        "dblink", "pg_background",  // extensions that run SQL elsewhere
    ]

    /// Why `sql` may not run read-only, in a few words naming it, or nil when it may.
    static func refusal(for sql: String) -> String? {
        let words = SQLText.leadingWords(sql, count: 1)
        guard let first = words.first else { return nil }
        guard queries.contains(first) else {
            // `SET ROLE`, `CREATE TABLE`: the second word says what; after `COPY t` or `DO $$`
            // it would be a name or a word of a body.
            let twoWords: Set = ["SET", "RESET", "CREATE", "ALTER", "DROP", "DELETE", "INSERT", "START", "PREPARE"]
            return SQLText.leadingWords(sql, count: twoWords.contains(first) ? 2 : 1).joined(separator: " ")
        }
        return functionRefusal(in: sql)
    }

    /// The first forbidden function `sql` calls (a name followed by `(`, or after a `.`), or a
    /// `U&"..."` identifier, whose escapes could spell any name.
    static func functionRefusal(in sql: String) -> String? {
        let bytes = Array(sql.utf8)
        var index = 0
        var previous: UInt8 = 0  // the last byte outside space and comments
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"):
                let escapes =
                    index > 0 && (bytes[index - 1] | 0x20) == UInt8(ascii: "e") && !isWordByte(bytes, index - 2)
                index = PostgresScript.skipQuoted(bytes, from: index, quote: byte, backslashEscapes: escapes)
                previous = byte
            case UInt8(ascii: "\""):
                if index >= 2 && bytes[index - 1] == UInt8(ascii: "&") && (bytes[index - 2] | 0x20) == UInt8(ascii: "u")
                {
                    return "U&\"...\" identifiers"
                }
                let end = PostgresScript.skipQuoted(bytes, from: index, quote: byte, backslashEscapes: false)
                let inner = bytes[(index + 1)..<max(index + 1, end - 1)]
                let name = String(decoding: inner, as: UTF8.self).replacingDoubledQuotes()
                if let refused = check(name, bytes, after: end, previous: previous) { return refused }
                index = end
                previous = byte
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                index = PostgresScript.skipBlockComment(bytes, from: index)
            case UInt8(ascii: "$") where !isWordByte(bytes, index - 1):
                index = PostgresScript.skipDollarQuote(bytes, from: index) ?? index + 1
                previous = byte
            case _ where isIdentifierStart(byte):
                var end = index
                while end < bytes.count && isWordByte(bytes, end) { end += 1 }
                let name = String(decoding: bytes[index..<end], as: UTF8.self).lowercasedASCII()
                if let refused = check(name, bytes, after: end, previous: previous) { return refused }
                index = end
                previous = UInt8(ascii: "a")
            default:
                if !isSpace(byte) { previous = byte }
                index += 1
            }
        }
        return nil
    }

    /// `name` when it is a forbidden function called at `after` (or reached through a `.`).
    private static func check(_ name: String, _ bytes: [UInt8], after end: Int, previous: UInt8) -> String? {
        let name = name.lowercasedASCII()
        guard functions.contains(name) || functionPrefixes.contains(where: { name.hasPrefix($0) }) else { return nil }
        if previous == UInt8(ascii: ".") { return name }
        var index = end
        while index < bytes.count {
            if isSpace(bytes[index]) {
                index += 1
            } else if bytes[index] == UInt8(ascii: "-"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "-")
            {
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            } else if bytes[index] == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*")
            {
                index = PostgresScript.skipBlockComment(bytes, from: index)
            } else {
                break
            }
        }
        return index < bytes.count && bytes[index] == UInt8(ascii: "(") ? name : nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || byte >= 0x80
    }

    /// A byte of an unquoted identifier: letters, digits, `_`, `$` and non-ASCII text.
    private static func isWordByte(_ bytes: [UInt8], _ index: Int) -> Bool {
        guard index >= 0 && index < bytes.count else { return false }
        let byte = bytes[index]
        return isIdentifierStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "$")
    }
}

extension String {
    fileprivate func lowercasedASCII() -> String {
        String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    fileprivate func replacingDoubledQuotes() -> String {
        var result = ""
        var lastWasQuote = false
        for character in self {
            if character == "\"" && lastWasQuote {
                lastWasQuote = false
                continue
            }
            lastWasQuote = character == "\""
            result.append(character)
        }
        return result
    }
}
