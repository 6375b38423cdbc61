import CatalogKit

/// Makes a catalog database match its seed files: one transaction, idempotent, keyed on names.
///
/// Everything is validated before the database is touched, and every problem is reported with
/// its file, line and column. Rows are matched by natural key (name, ignoring ASCII case), so
/// ids never change; attributes that differ are updated in place; nothing is deleted unless
/// `prune` is set. Writes go through the ORM (`insert`, `update`, `delete`, link `attach` and
/// `detach`), inside one `BEGIN IMMEDIATE` transaction under the catalog's write lock. On a
/// backend that prefers bulk copy (PostgreSQL, where each statement is a round trip) new records,
/// aliases and links go in one `copyRows` per table instead, with the new records' ids reserved
/// first (`reserveIDs`); the transaction, and so every guarantee, is the same.
public struct Seeder {
    /// Options of one run.
    public struct Options: Sendable {
        /// Also delete records, aliases and links that are no longer in the files.
        public var prune = false
        /// Report what would change and write nothing.
        public var dryRun = false

        public init(prune: Bool = false, dryRun: Bool = false) {
            self.prune = prune
            self.dryRun = dryRun
        }
    }

    /// How far a run has got, reported as it goes.
    public typealias Progress = (SeedProgress) -> Void

    /// The seed files to load (for built-in files, the names messages give them).
    public var files: [String]
    /// The bytes of built-in files, by their entry in `files`; other files are read from disk.
    private var contents: [String: [UInt8]] = [:]

    public init(files: [String]) {
        self.files = files
    }

    /// The seed files of `directory`: `*.yml`, `*.yaml`, `*.json` and `*.csv`, by name.
    public init(directory: String) throws {
        guard FileSystem.isDirectory(directory) else { throw SeedSetupError.seedsNotFound(directory) }
        self.init(files: try SeedFileReader.files(in: directory))
    }

    /// The seed files of `source`: a folder, or the seeds built into the binary.
    public init(source: FileSource) throws {
        switch source {
        case .directory(let directory):
            try self.init(directory: directory)
        case .builtIn(_, let builtIn):
            let chosen = builtIn.filter { SeedFileReader.isSeedFileName($0.name) }.sorted { $0.name < $1.name }
            self.init(files: chosen.map { source.path(of: $0.name) })
            for file in chosen { contents[source.path(of: file.name)] = file.bytes }
        }
    }

    /// Reads and validates every file; throws `SeedValidationError` listing the problems.
    ///
    /// Problems in the files themselves (syntax, fields, types) are reported alone when there
    /// are any; only files without them are checked for duplicates and dangling references,
    /// which a broken file would otherwise cause by the dozen. Link CSV files are read last and
    /// streamed: each row is resolved to a pair of places as it is read.
    ///
    /// `progress` hears `.reading` with the bytes read so far of the files' total size, measured
    /// before the first file is opened.
    func load(progress: Progress? = nil) throws -> SeedCatalog {
        if files.isEmpty {
            throw SeedSetupError.noSeedFiles
        }
        let sizes = files.map { contents[$0]?.count ?? FileSystem.size(of: $0) ?? 0 }
        let total = sizes.reduce(0, +)
        var finished = 0  // bytes of the files read to the end
        func reading(_ index: Int) -> (Int) -> Void {
            guard let progress else { return { _ in } }
            let base = finished
            return { read in progress(.reading(bytes: base + min(read, sizes[index]), total: total)) }
        }
        func done(_ index: Int) {
            finished += sizes[index]
            progress?(.reading(bytes: finished, total: total))
        }
        progress?(.reading(bytes: 0, total: total))
        var fileIssues = IssueLog()
        var referenceIssues = IssueLog()
        var builder = SeedCatalog.Builder()
        var later: [SeedRecord] = []
        let isLinkCSV = { (file: String) in
            SeedFileReader.fileExtension(file) == "csv" && SeedFileReader.csvKind(file)?.isLink == true
        }
        for (index, file) in files.enumerated() where !isLinkCSV(file) {
            SeedFileReader.read(file, contents: contents[file], into: &fileIssues, bytesRead: reading(index)) {
                record in
                if record.kind.isLink || record.kind == .frameworks {
                    later.append(record)
                } else {
                    builder.declare(record, log: &referenceIssues)
                }
            }
            done(index)
        }
        // Once a file is broken, references are not resolved (suggestions cost an edit distance
        // per known name): only the files' own problems will be reported.
        if fileIssues.isEmpty {
            for record in later where record.kind == .frameworks {
                builder.addFramework(record, log: &referenceIssues)
            }
            for record in later where record.kind.isLink { builder.addLink(record, log: &referenceIssues) }
        }
        later = []
        for (index, file) in files.enumerated() where isLinkCSV(file) {
            let resolves = fileIssues.isEmpty
            SeedFileReader.read(file, contents: contents[file], into: &fileIssues, bytesRead: reading(index)) {
                record in
                if resolves { builder.addLink(record, log: &referenceIssues) }
            }
            done(index)
        }
        try fileIssues.check()
        try referenceIssues.check()
        return builder.catalog
    }

    /// Seeds `db`, a connection the caller owns (no lock taken), and returns what changed.
    public func seed(_ db: any DatabaseConnection, options: Options = Options(), progress: Progress? = nil) throws
        -> SeedSummary
    {
        let start = ContinuousClock.now
        let catalog = try load(progress: progress)
        var summary: SeedSummary
        progress?(.comparing)
        if options.dryRun {
            // One snapshot: the counts must not mix states of a concurrent seed.
            summary = try db.transaction(.deferred) {
                try SeedPlan(catalog: catalog, db: db, prune: options.prune).summary
            }
        } else {
            summary = try db.transaction {
                let plan = try SeedPlan(catalog: catalog, db: db, prune: options.prune)
                try plan.apply(db, progress: progress)
                progress?(.committing)
                return plan.summary
            }
        }
        summary.files = files.count
        summary.isDryRun = options.dryRun
        summary.milliseconds = start.millisecondsElapsed
        return summary
    }
}

/// How far a seed has got: the phases in the order they come.
public enum SeedProgress: Sendable, Equatable {
    /// Another process holds the write lock (`holder`, when the backend can tell); the seed waits.
    case waitingForLock(LockHolder?)
    /// Reading and validating the files: `bytes` read of their `total` size.
    case reading(bytes: Int, total: Int)
    /// Comparing the files with the database.
    case comparing
    /// Writing: `rows` of `total` records and links done.
    case writing(rows: Int, total: Int)
    /// Everything is written; the transaction's COMMIT is about to run (from here on, an
    /// interruption can no longer say that nothing was written).
    case committing
}

/// What a seed run changed (or would change), per table.
public struct SeedSummary: Sendable, Equatable {
    public struct Counts: Sendable, Equatable {
        public var table: String
        public var inserted = 0
        public var updated = 0
        public var unchanged = 0
        public var pruned = 0

        /// True when nothing was inserted, updated or pruned.
        public var isUnchanged: Bool { inserted == 0 && updated == 0 && pruned == 0 }
    }

    public var tables: [Counts]
    public var files = 0
    public var milliseconds = 0
    public var isDryRun = false

    /// True when the run changed nothing.
    public var isUnchanged: Bool { tables.allSatisfy(\.isUnchanged) }

    /// The counts as rows for the shared output formats.
    public var table: ResultTable {
        ResultTable(
            columns: ["table", "inserted", "updated", "unchanged", isDryRun ? "would_prune" : "pruned"],
            rows: tables.map { counts in
                [
                    .text(counts.table), .integer(Int64(counts.inserted)), .integer(Int64(counts.updated)),
                    .integer(Int64(counts.unchanged)), .integer(Int64(counts.pruned)),
                ]
            })
    }
}

/// Why seeding could not start.
public enum SeedSetupError: Error, Equatable, CustomStringConvertible {
    case seedsNotFound(String)
    case noSeedFiles
    case databaseMissing(String)
    case pendingMigrations(database: String, count: Int)
    /// The database failed while writing (disk full, I/O error, ...); the transaction was rolled back.
    case writeFailed(database: String, message: String)
    /// The database's lock was held by another connection for longer than the wait allowed; the
    /// message says how long it waited and who held it when that is known. Nothing was written.
    case busy(message: String)
    /// The database could not be opened.
    case database(path: String, message: String)
    /// A record the plan needs has no id after writing: a bug, reported rather than guessed around.
    case inconsistent(String)

    public var description: String {
        switch self {
        case .seedsNotFound(let path):
            return "seeds directory \(path) does not exist"
        case .noSeedFiles:
            return "no seed files to load (*.yml, *.yaml, *.json or *.csv)"
        case .databaseMissing(let path):
            return "\(path) does not exist; run `catalog setup` (or `catalog migrate`) first"
        case .pendingMigrations(let database, let count):
            return
                "\(database) has \(count) pending \(count == 1 ? "migration" : "migrations"); run `catalog migrate` first"
        case .writeFailed(let database, let message):
            return "\(database): \(message); the seed was rolled back and nothing was written"
        case .busy(let message):
            return "\(message); the seed was rolled back and nothing was written"
        case .database(let path, let message):
            return "\(path): \(message)"
        case .inconsistent(let name):
            return "internal error: \"\(name)\" has no id after writing; the seed was rolled back"
        }
    }
}
