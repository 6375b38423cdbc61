import CatalogDatabase

/// Which way a migration runs.
public enum MigrationDirection: String, Sendable {
    case up, down

    var marker: String { "-- migrate:\(rawValue)" }
}

/// What a migration run does, step by step. The real runner executes the steps; the dry-run
/// runner prints them. Both are driven by the same code (`MigrationSteps.run`), so `--dry-run`
/// shows exactly the SQL that a real run executes.
protocol StepRunner {
    /// The backend's migration policy: transaction statements, foreign-key checks, the ledger.
    var driver: any MigrationDriver { get }
    /// A control statement: `BEGIN IMMEDIATE`, `COMMIT`, a pragma.
    func execute(_ sql: String) throws
    /// The body of a migration section.
    func runSection(_ section: Migration.Section, of migration: Migration, direction: MigrationDirection) throws
    /// The foreign-key violations already in the database (read before a section, so that they
    /// are not blamed on it).
    func foreignKeyViolations() throws -> Set<ForeignKeyViolation>
    /// The foreign-key check after a section, failing on any violation not in `existing`.
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
    /// A transactional section runs in one transaction together with its ledger row, between the
    /// driver's `beforeTransaction` and `afterTransaction` statements (SQLite: `foreign_keys` off,
    /// a pragma that is a no-op inside a transaction), with the foreign-key check before the
    /// commit: a table rebuild cannot cascade deletes into child tables, and a dangling reference
    /// fails the migration.
    /// `willCommit` runs just before the COMMIT that makes the migration count (a Ctrl-C after
    /// it can no longer say the migration was rolled back). Returns the duration in milliseconds.
    static func run(
        _ migration: Migration, direction: MigrationDirection, batch: Int, runner: some StepRunner,
        willCommit: () -> Void = {}
    ) throws -> Int {
        let start = ContinuousClock.now
        let section = direction == .up ? migration.up : migration.down
        let driver = runner.driver
        if section.isTransactional {
            for statement in driver.beforeTransaction { try runner.execute(statement) }
            do {
                try runner.execute(driver.beginTransaction)
                let existing = try runner.foreignKeyViolations()
                try runner.runSection(section, of: migration, direction: direction)
                try runner.checkForeignKeys(of: migration, direction: direction, existing: existing)
                try ledgerStep(migration, direction: direction, batch: batch, start: start, runner: runner)
                willCommit()
                try runner.execute(driver.commitTransaction)
            } catch {
                runner.rollback()
                for statement in driver.afterTransaction { try? runner.execute(statement) }
                throw error
            }
            for statement in driver.afterTransaction { try runner.execute(statement) }
        } else {
            do {
                try runner.runSection(section, of: migration, direction: direction)
            } catch {
                runner.rollback()  // a transaction the section itself opened
                throw error
            }
            try runner.execute(driver.beginTransaction)
            do {
                try ledgerStep(migration, direction: direction, batch: batch, start: start, runner: runner)
                willCommit()
                try runner.execute(driver.commitTransaction)
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
                runner.driver.ledgerInsertSQL,
                [
                    .text(migration.version), .text(migration.name), .text(migration.checksum),
                    .integer(Int64(batch)), .integer(Int64(duration)),
                ],
                note:
                    "version=\(migration.version) name=\(migration.name) checksum=\(migration.checksum) batch=\(batch) duration_ms=<measured>"
            )
        case .down:
            try runner.ledger(
                runner.driver.ledgerDeleteSQL, [.text(migration.version)], note: "version=\(migration.version)")
        }
    }
}

/// Runs the steps on a real connection.
struct DatabaseStepRunner: StepRunner {
    let db: any DatabaseConnection
    let driver: any MigrationDriver

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
                if startedInTransaction, driver.endsTransaction(statement) {
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
        } catch let error as any DatabaseError {
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
        Set(try driver.foreignKeyViolations(db, firstOnly: false))
    }

    func checkForeignKeys(
        of migration: Migration, direction: MigrationDirection, existing: Set<ForeignKeyViolation>
    ) throws {
        // Only violations this section added count.
        let found = try driver.foreignKeyViolations(db, firstOnly: existing.isEmpty)
        if let violation = found.first(where: { !existing.contains($0) }) {
            throw violation.error(migration, direction)
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
}

extension ForeignKeyViolation {
    func error(_ migration: Migration, _ direction: MigrationDirection) -> MigrationError {
        .foreignKeyViolation(
            file: migration.path, direction: "migrate:\(direction.rawValue)", table: table, rowid: rowid,
            parent: parent)
    }
}

/// Prints the steps instead of running them.
final class DryRunStepRunner: StepRunner {
    let driver: any MigrationDriver
    private(set) var lines: [String] = []

    init(driver: any MigrationDriver) {
        self.driver = driver
    }

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
        if !driver.foreignKeyCheckSQL.isEmpty {
            lines.append(driver.foreignKeyCheckSQL + ";  -- violations already present are remembered, not blamed")
        }
        return []
    }

    func checkForeignKeys(
        of migration: Migration, direction: MigrationDirection, existing: Set<ForeignKeyViolation>
    ) throws {
        if !driver.foreignKeyCheckSQL.isEmpty {
            lines.append(driver.foreignKeyCheckSQL + ";  -- any new row fails the migration")
        }
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
