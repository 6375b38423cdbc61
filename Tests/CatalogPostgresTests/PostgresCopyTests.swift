import CatalogDatabase
import CatalogSQLite
import Foundation
import Testing

@testable import CatalogPostgres

/// Text that could break COPY's text format or a lazy encoder: its delimiters, escapes, its NULL
/// marker and end-of-data marker written as text, control characters, and characters whose
/// bytes must survive unnormalised.
let hostileTexts: [String] = [
    "tab\there", "line\nbreak", "carriage\rreturn", "crlf\r\n", "back\\slash", "\\", "ends with \\",
    "\\N", "\\n", "\\t", "\\.", ".", "\\\\N", "\\x41", "\\101", "N", "", " ", "  spaces  ",
    "\u{1}\u{2}\u{7}\u{8}\u{B}\u{C}\u{1B}\u{1F}\u{7F}", "\u{85}\u{2028}\u{2029}\u{FEFF}", "quotes 'single' \"double\"",
    "comma, semicolon; pipe|", "emoji 🎉 👩‍👩‍👧 🇨🇭", "\u{E9}cole (NFC)", "e\u{301}cole (NFD)", "中文 日本語 한국어",
    "mixed\t\\N\n\\.\r\\",
]

/// `COPY ... FROM STDIN` through `copyRows`: exact round trips, chunking, errors that leave the
/// connection usable and the transaction with nothing.
@Suite(.enabled(if: PostgresServer.isConfigured)) struct PostgresCopyTests {
    /// `values` as their bytes (Swift's `==` on strings would call NFC and NFD equal).
    static func bytes(_ values: [DatabaseValue]) -> [[UInt8]] {
        values.map { value in
            if case .text(let text) = value { return Array(text.utf8) }
            return Array("\(value)".utf8)
        }
    }

    static func createTable(_ db: PostgresConnection) throws {
        try db.execute("CREATE TABLE hostile (id bigint PRIMARY KEY, body text, n bigint, r float8, b bytea)")
    }

    @Test func hostileTextAndEveryTypeRoundTripExactly() throws {
        let sandbox = try PostgresSandbox()
        try Self.createTable(sandbox.db)
        let extremes: [Int64] = [0, -1, 1, Int64.min, Int64.max, 42]
        var rows: [[DatabaseValue]] = hostileTexts.enumerated().map { index, text in
            [
                .integer(Int64(index)), .text(text), .integer(extremes[index % extremes.count]),
                .real([0.1, -2.5e-300, 1e300, 3.0][index % 4]), .blob(Array(text.utf8) + [0, 0xFF]),
            ]
        }
        rows.append([.integer(1_000), .null, .null, .null, .null])
        rows.append([.integer(1_001), .text(String(repeating: "\\\t\n", count: 100_000)), .null, .null, .blob([])])
        try sandbox.db.copyRows(into: "hostile", columns: ["id", "body", "n", "r", "b"], count: rows.count) {
            index, values in
            values = rows[index]
        }
        #expect(sandbox.db.changes == rows.count)
        let stored = try sandbox.db.fetchAll("SELECT id, body, n, r, b FROM hostile ORDER BY id").map(\.values)
        #expect(stored.map(Self.bytes) == rows.map(Self.bytes))
        #expect(stored == rows)
        // The server sees the same characters, not escapes: `\N` is two characters, not NULL.
        #expect(try sandbox.db.fetchValue("SELECT body FROM hostile WHERE body = '\\N'", as: String.self) == "\\N")
        #expect(
            try sandbox.db.fetchValue("SELECT octet_length(body) FROM hostile WHERE id = 1001", as: Int64.self)
                == 300_000)
    }

    @Test func manyRowsGoInChunksAndKeepTheirOrder() throws {
        let sandbox = try PostgresSandbox()
        try Self.createTable(sandbox.db)
        // About 1.5 MB of rows: several 256 KiB chunks, rows cut across chunk boundaries.
        let count = 12_000
        func body(_ index: Int) -> String { "\(hostileTexts[index % hostileTexts.count]) #\(index) \(index * 7919)" }
        try sandbox.db.transaction {
            try sandbox.db.copyRows(into: "hostile", columns: ["id", "body"], count: count) { index, values in
                values[0] = .integer(Int64(index))
                values[1] = .text(body(index) + String(repeating: "x", count: index % 200))
            }
        }
        var seen = 0
        try sandbox.db.cachedStatement(sql: "SELECT id, body FROM hostile ORDER BY id").forEachRow { row in
            let expected = body(seen) + String(repeating: "x", count: seen % 200)
            #expect(row.int64(at: 0) == Int64(seen))
            if case .text(let text) = row.value(at: 1) {
                #expect(Array(text.utf8) == Array(expected.utf8), "row \(seen)")
            } else {
                Issue.record("row \(seen) is not text")
            }
            seen += 1
        }
        #expect(seen == count)
    }

    @Test func aConstraintViolationIsAConstraintErrorAndTheTransactionKeepsNothing() throws {
        let sandbox = try PostgresSandbox()
        try sandbox.db.execute(
            """
            CREATE TABLE named (id bigint PRIMARY KEY, name text NOT NULL);
            CREATE UNIQUE INDEX named_name_unique ON named (lower(name COLLATE "C"));
            INSERT INTO named VALUES (1, 'Kept');
            """)
        let error = #expect(throws: PostgresError.self) {
            try sandbox.db.transaction {
                try sandbox.db.execute("INSERT INTO named VALUES (2, 'Inserted before the copy')", [])
                // Row 9,000 of 10,000 is `KEPT`, the same name ignoring ASCII case: found late,
                // after several chunks went to the server.
                try sandbox.db.copyRows(into: "named", columns: ["id", "name"], count: 10_000) { index, values in
                    values[0] = .integer(Int64(index + 10))
                    values[1] = .text(index == 9_000 ? "KEPT" : "name \(index) \(String(repeating: "-", count: 40))")
                }
            }
        }
        #expect(error?.sqlState == "23505")
        #expect(error?.kind == .constraint)
        #expect(error?.message.contains("named_name_unique") == true)
        #expect(sandbox.db.isAutocommit)
        #expect(
            try sandbox.db.fetchAll("SELECT id, name FROM named ORDER BY id").map(\.values) == [
                [.integer(1), .text("Kept")]
            ])
        // The connection is out of the COPY and takes the next one.
        try sandbox.db.copyRows(into: "named", columns: ["id", "name"], count: 2) { index, values in
            values = [.integer(Int64(index + 2)), .text("after \(index)")]
        }
        #expect(try sandbox.db.fetchValue("SELECT count(*) FROM named", as: Int64.self) == 3)
    }

    @Test func anErrorThrownForARowStopsTheCopyAndIsRethrown() throws {
        struct BadRow: Error, Equatable { let index: Int }
        let sandbox = try PostgresSandbox()
        try Self.createTable(sandbox.db)
        #expect(throws: BadRow(index: 5_000)) {
            try sandbox.db.copyRows(into: "hostile", columns: ["id", "body"], count: 10_000) { index, values in
                if index == 5_000 { throw BadRow(index: index) }
                values = [.integer(Int64(index)), .text("row \(index) \(String(repeating: "y", count: 100))")]
            }
        }
        // Outside a transaction the COPY was its own: none of the 5,000 rows sent is kept.
        #expect(sandbox.db.isAutocommit)
        #expect(try sandbox.db.fetchValue("SELECT count(*) FROM hostile", as: Int64.self) == 0)
        // A row with the wrong number of values is refused the same way.
        #expect(throws: DatabaseUsageError.self) {
            try sandbox.db.copyRows(into: "hostile", columns: ["id", "body"], count: 3) { index, values in
                values = [.integer(Int64(index))]
            }
        }
        #expect(try sandbox.db.fetchValue("SELECT count(*) FROM hostile", as: Int64.self) == 0)
        #expect(try sandbox.db.fetchValue("SELECT 1", as: Int64.self) == 1)
    }

    @Test func aCopyTheServerRefusesAtOnceCarriesItsSQLState() throws {
        let sandbox = try PostgresSandbox()
        let error = #expect(throws: PostgresError.self) {
            try sandbox.db.copyRows(into: "missing", columns: ["id"], count: 1) { _, values in values[0] = .integer(1) }
        }
        #expect(error?.sqlState == "42P01")
        // A value of the wrong type is the server's data error, with the connection usable.
        try Self.createTable(sandbox.db)
        let typeError = #expect(throws: PostgresError.self) {
            try sandbox.db.copyRows(into: "hostile", columns: ["id", "n"], count: 1) { _, values in
                values = [.integer(1), .text("not a number")]
            }
        }
        #expect(typeError?.sqlState == "22P02")
        #expect(try sandbox.db.fetchValue("SELECT count(*) FROM hostile", as: Int64.self) == 0)
    }

    @Test func reservedIDsAreNeverHandedOutAgain() throws {
        let sandbox = try PostgresSandbox()
        try sandbox.db.execute(
            "CREATE TABLE things (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text)")
        try sandbox.db.execute("INSERT INTO things (name) VALUES ('first')")
        let ids = try sandbox.db.reserveIDs(1_000, in: "things")
        #expect(ids == Array(2...1_001))
        try sandbox.db.copyRows(into: "things", columns: ["id", "name"], count: ids.count) { index, values in
            values = [.integer(ids[index]), .text("copied \(index)")]
        }
        // An insert without an id gets the next one after the reserved ids.
        #expect(
            try sandbox.db.fetchValue("INSERT INTO things (name) VALUES ('last') RETURNING id", as: Int64.self) == 1_002
        )
        #expect(try sandbox.db.reserveIDs(0, in: "things") == [])
        #expect(throws: DatabaseUsageError.self) {
            try sandbox.db.execute("CREATE TABLE plain (id bigint PRIMARY KEY)")
            _ = try sandbox.db.reserveIDs(1, in: "plain")
        }
    }
}

/// The encoder alone (no server needed).
@Suite struct PostgresCopyTextTests {
    @Test func escapesOnlyWhatEndsAValueOrARow() {
        var buffer: [UInt8] = []
        PostgresCopyText.appendRow(
            [.text("a\tb\nc\rd\\e\u{1}é"), .null, .integer(Int64.min), .integer(0), .blob([0x00, 0xAB]), .real(-0.5)],
            to: &buffer)
        #expect(
            String(decoding: buffer, as: UTF8.self)
                == "a\\tb\\nc\\rd\\\\e\u{1}é\t\\N\t-9223372036854775808\t0\t\\\\x00ab\t-0.5\n")
    }
}

/// The seam's defaults (a prepared insert per row, ids after the largest) on SQLite, which does
/// not prefer bulk copy.
@Suite struct CopyDefaultsTests {
    @Test func theDefaultCopyInsertsEachRowAndReservesIDsAfterTheLargest() throws {
        let path = NSTemporaryDirectory() + "copy-defaults-" + UUID().uuidString + ".sqlite3"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let db = try Connection(path: path)
        #expect(db.prefersBulkCopy == false)
        try db.execute("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
        try db.execute("INSERT INTO things (id, name) VALUES (7, 'seven')")
        try db.transaction {
            let ids = try db.reserveIDs(hostileTexts.count, in: "things")
            #expect(ids == Array(8..<Int64(8 + hostileTexts.count)))
            try db.copyRows(into: "things", columns: ["id", "name"], count: ids.count) { index, values in
                values = [.integer(ids[index]), .text(hostileTexts[index])]
            }
        }
        let names = try db.fetchAll("SELECT name FROM things WHERE id > 7 ORDER BY id").map(\.values)
        #expect(PostgresCopyTests.bytes(names.flatMap { $0 }) == hostileTexts.map { Array($0.utf8) })
        #expect(throws: SQLiteError.self) {
            try db.copyRows(into: "things", columns: ["id", "name"], count: 1) { _, values in
                values = [.integer(100), .text("seven")]
            }
        }
    }
}
