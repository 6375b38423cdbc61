import CatalogSQLite

/// Which way a migration runs.
public enum MigrationDirection: String, Sendable {
    case up, down

    var marker: String { "-- migrate:\(rawValue)" }
}

/// What a migration run does, step by step. The real runner executes the steps; the dry-run
/// runner prints them. Both are driven by the same code (`MigrationSteps.run`), so `--dry-run`
/// shows exactly the SQL that a real run executes.
protocol StepRunner {
    /// A control statement: `BEGIN IMMEDIATE`, `COMMIT`, a pragma.
    func execute(_ sql: String) throws
    /// The body of a migration section.
    func runSection(_ section: Migration.Section, of migration: Migration, direction: MigrationDirection) throws
    /// The rows of `PRAGMA foreign_key_check` (run before a section, so that violations already
    /// in the database are not blamed on it).
    func foreignKeyViolations() throws -> Set<ForeignKeyViolation>
    /// `PRAGMA foreign_key_check` after a section, failing on any violation not in `existing`.
    func checkForeignKeys(
        of migration: Migration, direction: MigrationDirection, existing: Set<ForeignKeyViolation>) throws
    /// A ledger statement with bound values; `note` describes the values for a reader.
    func ledger(_ sql: String, _ values: [DatabaseValue], note: String) throws
    /// Rolls back after a failure (never throws).
    func rollback()
    /// Milliseconds since `start` (0 in a dry run).
    func elapsed(since start: ContinuousClock.Instant) -> Int
}

enum MigrationSteps {
    /// Runs one migration in `direction`, with its ledger change.
    ///
    /// A transactional section runs in one `BEGIN IMMEDIATE` transaction together with its ledger
    /// row, with `foreign_keys` off (a pragma that is a no-op inside a transaction, so it is set
    /// before) and `PRAGMA foreign_key_check` before `COMMIT`: a table rebuild cannot cascade
    /// deletes into child tables, and a dangling reference fails the migration.
    /// Returns the duration in milliseconds.
    static func run(
        _ migration: Migration, direction: MigrationDirection, batch: Int, runner: some StepRunner
    ) throws -> Int {
        let start = ContinuousClock.now
        let section = direction == .up ? migration.up : migration.down
        if section.isTransactional {
            try runner.execute("PRAGMA foreign_keys = OFF")
            do {
                try runner.execute("BEGIN IMMEDIATE")
                let existing = try runner.foreignKeyViolations()
                try runner.runSection(section, of: migration, direction: direction)
                try runner.checkForeignKeys(of: migration, direction: direction, existing: existing)
                try ledgerStep(migration, direction: direction, batch: batch, start: start, runner: runner)
                try runner.execute("COMMIT")
            } catch {
                runner.rollback()
                try? runner.execute("PRAGMA foreign_keys = ON")
                throw error
            }
            try runner.execute("PRAGMA foreign_keys = ON")
        } else {
            do {
                try runner.runSection(section, of: migration, direction: direction)
            } catch {
                runner.rollback()  // a transaction the section itself opened
                throw error
            }
            try runner.execute("BEGIN IMMEDIATE")
            do {
                try ledgerStep(migration, direction: direction, batch: batch, start: start, runner: runner)
                try runner.execute("COMMIT")
            } catch {
                runner.rollback()
                throw error
            }
        }
        return runner.elapsed(since: start)
    }

    private static func ledgerStep(
        _ migration: Migration, direction: MigrationDirection, batch: Int, start: ContinuousClock.Instant,
        runner: some StepRunner
    ) throws {
        switch direction {
        case .up:
            let duration = runner.elapsed(since: start)
            try runner.ledger(
                Ledger.insertSQL,
                [
                    .text(migration.version), .text(migration.name), .text(migration.checksum),
                    .integer(Int64(batch)), .integer(Int64(duration)),
                ],
                note:
                    "version=\(migration.version) name=\(migration.name) checksum=\(migration.checksum) batch=\(batch) duration_ms=<measured>"
            )
        case .down:
            try runner.ledger(Ledger.deleteSQL, [.text(migration.version)], note: "version=\(migration.version)")
        }
    }
}

/// Runs the steps on a real connection.
struct DatabaseStepRunner: StepRunner {
    let db: Connection

    func execute(_ sql: String) throws {
        try db.execute(sql)
    }

    func runSection(_ section: Migration.Section, of migration: Migration, direction: MigrationDirection) throws {
        let startedInTransaction = !db.isAutocommit
        var statementLine = section.firstLine
        func failure(_ message: String) -> MigrationError {
            .statementFailed(
                file: migration.path, line: statementLine, direction: "migrate:\(direction.rawValue)",
                message: message, rolledBack: section.isTransactional)
        }
        do {
            try db.forEachStatement(in: section.sql) { statement, offset in
                statementLine = section.firstLine + SQLScript.lineIndex(ofByte: offset, in: section.sql)
                if startedInTransaction, Self.endsTransaction(statement.sql) {
                    throw failure(
                        "the statement would end catalog's transaction (BEGIN/COMMIT/END/ROLLBACK are not allowed "
                            + "here; mark the section 'transaction:false' to manage transactions yourself)")
                }
                while try statement.step() {}
                // Defence in depth: whatever the statement was, catalog's transaction must still be open.
                if startedInTransaction && db.isAutocommit {
                    throw MigrationError.transactionEnded(file: migration.path, line: statementLine)
                }
            }
            if !startedInTransaction && !db.isAutocommit {
                throw failure("the section leaves a transaction open; end it with COMMIT")
            }
        } catch let error as SQLiteError {
            // A syntax error points at its token; a run-time error at its statement's first line.
            let line =
                error.offset.map { section.firstLine + SQLScript.lineIndex(ofByte: $0, in: section.sql) }
                ?? statementLine
            throw MigrationError.statementFailed(
                file: migration.path, line: line, direction: "migrate:\(direction.rawValue)",
                message: error.description, rolledBack: section.isTransactional)
        }
    }

    func foreignKeyViolations() throws -> Set<ForeignKeyViolation> {
        Set(try db.fetchAll("PRAGMA foreign_key_check").map(ForeignKeyViolation.init(row:)))
    }

    func checkForeignKeys(
        of migration: Migration, direction: MigrationDirection, existing: Set<ForeignKeyViolation>
    ) throws {
        guard existing.isEmpty else {
            // Only violations this section added count; the scan stops at the first new one.
            for row in try db.fetchAll("PRAGMA foreign_key_check") {
                let violation = ForeignKeyViolation(row: row)
                if !existing.contains(violation) { throw violation.error(migration, direction) }
            }
            return
        }
        if let row = try db.fetchOne("PRAGMA foreign_key_check") {
            throw ForeignKeyViolation(row: row).error(migration, direction)
        }
    }

    func ledger(_ sql: String, _ values: [DatabaseValue], note: String) throws {
        try db.execute(sql, values)
    }

    func rollback() {
        db.rollbackQuietly()
    }

    func elapsed(since start: ContinuousClock.Instant) -> Int {
        start.millisecondsElapsed
    }

    /// True for a statement whose first keyword is BEGIN, COMMIT, END or ROLLBACK (but not
    /// `ROLLBACK TO`, which only rewinds a savepoint). A statement's first keyword decides its kind.
    static func endsTransaction(_ sql: String) -> Bool {
        let words = leadingWords(sql, count: 3)
        guard let first = words.first else { return false }
        switch first {
        case "BEGIN", "COMMIT", "END": return true
        case "ROLLBACK":
            let rest = words.dropFirst().filter { $0 != "TRANSACTION" }
            return rest.first != "TO"
        default: return false
        }
    }

    /// The first `count` words of `sql`, uppercased, skipping white space, punctuation and comments.
    static func leadingWords(_ sql: String, count: Int) -> [String] {
        // A word is ASCII letters, `_` and non-ASCII text, starting with a letter or non-ASCII text.
        func isWordByte(_ byte: UInt8) -> Bool { byte >= 0x80 || byte == 0x5F || isLetter(byte) }
        func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        var words: [String] = []
        var sql = sql
        sql.withUTF8 { bytes in
            var index = 0
            while words.count < count {
                index = SQLText.skipSpaceAndComments(bytes, from: index)
                guard index < bytes.count else { break }
                guard bytes[index] >= 0x80 || isLetter(bytes[index]) else {
                    index += 1
                    continue
                }
                let start = index
                while index < bytes.count && isWordByte(bytes[index]) { index += 1 }
                words.append(String(decoding: bytes[start..<index], as: UTF8.self).uppercased())
            }
        }
        return words
    }
}

/// One row of `PRAGMA foreign_key_check`: a row whose foreign key points at no parent row.
struct ForeignKeyViolation: Hashable {
    var table: String
    var rowid: Int64?
    var parent: String
    var constraint: Int

    init(row: Row) {
        table = row.get(0) ?? "?"
        rowid = row.get(1)
        parent = row.get(2) ?? "?"
        constraint = row.get(3) ?? 0
    }

    func error(_ migration: Migration, _ direction: MigrationDirection) -> MigrationError {
        .foreignKeyViolation(
            file: migration.path, direction: "migrate:\(direction.rawValue)", table: table, rowid: rowid,
            parent: parent)
    }
}

/// Prints the steps instead of running them.
final class DryRunStepRunner: StepRunner {
    private(set) var lines: [String] = []

    func emit(_ line: String) { lines.append(line) }

    func execute(_ sql: String) throws {
        lines.append(sql + ";")
    }

    func runSection(_ section: Migration.Section, of migration: Migration, direction: MigrationDirection) throws {
        let body = section.sql.trimmingBlankLines()
        if body.isEmpty || section.isEmpty {
            lines.append("-- (the \(direction.marker) section is empty)")
        } else {
            lines.append(body)
        }
    }

    func foreignKeyViolations() throws -> Set<ForeignKeyViolation> {
        lines.append("PRAGMA foreign_key_check;  -- violations already present are remembered, not blamed")
        return []
    }

    func checkForeignKeys(
        of migration: Migration, direction: MigrationDirection, existing: Set<ForeignKeyViolation>
    ) throws {
        lines.append("PRAGMA foreign_key_check;  -- any new row fails the migration")
    }

    func ledger(_ sql: String, _ values: [DatabaseValue], note: String) throws {
        lines.append("\(sql);  -- \(note)")
    }

    func rollback() {}

    func elapsed(since start: ContinuousClock.Instant) -> Int { 0 }
}

extension String {
    /// The string without leading and trailing blank lines and trailing white space.
    func trimmingBlankLines() -> String {
        var lines = split(separator: "\n", omittingEmptySubsequences: false)
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        return lines.map { line in
            var line = line
            while let last = line.last, last.isWhitespace { line.removeLast() }
            return String(line)
        }.joined(separator: "\n")
    }
}
