import CatalogDatabase
import CatalogPostgres
import CatalogSQLite

/// The one place in CatalogKit that knows which backends exist: it picks the driver and opens
/// connections for a database address. Everything else talks to `DatabaseConnection`,
/// `MigrationDriver` and `ScriptSession`.
///
/// An address is a SQLite file's path or a PostgreSQL `postgres://` / `postgresql://` URL (what
/// `DatabaseAddress` reads from `--database`); a URL may hold a password, so messages use
/// `displayName(of:)`.
public enum DatabaseBackend {
    /// The migration driver for `address`.
    public static func driver(for address: String) -> any MigrationDriver {
        if isPostgres(address) { return PostgresMigrationDriver(url: address) }
        return SQLiteMigrationDriver(path: address)
    }

    /// The migration driver for the database `db` is connected to.
    public static func driver(for db: any DatabaseConnection) -> any MigrationDriver {
        driver(for: address(of: db))
    }

    /// The address that opens the database `db` is connected to (a PostgreSQL connection's
    /// `location` has no password, so it is not enough to connect again).
    public static func address(of db: any DatabaseConnection) -> String {
        (db as? PostgresConnection)?.connectionString ?? db.location
    }

    /// Opens `address` for reading, or returns nil when the database does not exist.
    ///
    /// On PostgreSQL this is one connection: the server's refusal to connect with SQLSTATE 3D000
    /// (`invalid_catalog_name`) says that the database is missing, where asking
    /// `driver(for:).databaseExists()` first would connect once more (about a millisecond over a
    /// Unix socket). Any other failure to connect is thrown.
    public static func openExisting(forReading address: String, busyTimeoutMilliseconds: Int) throws
        -> (any DatabaseConnection)?
    {
        let driver = driver(for: address)
        guard isPostgres(address) else {
            guard driver.databaseExists() else { return nil }
            return try driver.openForReading(busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        }
        do {
            return try driver.openForReading(busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        } catch let error as PostgresError where error.sqlState == "3D000" {
            return nil
        }
    }

    /// The versions of `migrations` that `db` has not applied, for a command that only reads:
    /// what `Migrator.pendingVersions` answers, in one statement when the ledger is whole.
    ///
    /// `Migrator.pendingVersions` first proves that the ledger is catalog's (in the current schema
    /// with every column; without one, that the database holds no other tables), then reads it:
    /// four statements, ten round trips on PostgreSQL, and on a new PostgreSQL session the lookup
    /// through `information_schema.columns` alone costs milliseconds of catalog reads. Reading
    /// every ledger column by name proves the usual case in one statement; when that fails (no
    /// ledger, a column missing), the full check runs and gives its own answer or message. On
    /// PostgreSQL the statement finds `schema_migrations` through the search path, where the
    /// migrator looks in the current schema only; the catalog's tables are found the same way.
    public static func pendingVersions(of migrations: FileSource, in db: any DatabaseConnection) throws -> [String] {
        let driver = driver(for: db)
        let records: [LedgerRecord]
        do {
            records = try driver.ledgerRecords(db)
        } catch is any DatabaseError {
            return try Migrator(driver: driver, migrations: migrations).pendingVersions(in: db)
        }
        let applied = Set(records.map(\.version))
        return try MigrationParser.fileNames(in: migrations).compactMap { MigrationParser.splitFileName($0)?.0 }
            .filter { !applied.contains($0) }.sorted()
    }

    /// Opens `address` for a person's SQL: read-only unless `write`.
    public static func openScriptSession(
        _ address: String, write: Bool, busyTimeout: Int, limits: ScriptLimits = .default
    ) throws -> any ScriptSession {
        if isPostgres(address) { return try PostgresScriptSession(url: address, write: write, limits: limits) }
        return try SQLiteScriptSession(path: address, write: write, busyTimeout: busyTimeout, limits: limits)
    }

    /// `address` as messages show it: a PostgreSQL URL without its password.
    public static func displayName(of address: String) -> String {
        isPostgres(address) ? driver(for: address).location : address
    }

    /// Whether `address` names a PostgreSQL database.
    public static func isPostgres(_ address: String) -> Bool {
        address.hasPrefix("postgres://") || address.hasPrefix("postgresql://")
    }
}

/// What `--database` (or `CATALOG_DATABASE`, or dbmate's `DATABASE_URL`) names: a SQLite file,
/// given as a path or as dbmate's `sqlite:PATH`, or a PostgreSQL database, as a `postgres://` or
/// `postgresql://` URL.
public enum DatabaseAddress: Equatable, Sendable {
    case sqlite(path: String)
    case postgres(url: String)

    /// Reads `text`; a `scheme://` catalog does not know is an error naming it.
    public static func parse(_ text: String) throws -> DatabaseAddress {
        for prefix in ["sqlite3:", "sqlite:"] where text.hasPrefix(prefix) {
            var path = Substring(text.dropFirst(prefix.count))
            // sqlite:///abs/path and sqlite://rel are URLs with an empty authority.
            if path.hasPrefix("//") { path = path.dropFirst(2) }
            return .sqlite(path: String(path))
        }
        if DatabaseBackend.isPostgres(text) { return .postgres(url: text) }
        if let scheme = text.firstRange(of: "://").map({ text[..<$0.lowerBound] }),
            !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        {
            throw DatabaseAddressError.unsupportedScheme(String(scheme))
        }
        return .sqlite(path: text)
    }
}

/// A database address catalog cannot use.
public enum DatabaseAddressError: Error, Equatable, CustomStringConvertible {
    case unsupportedScheme(String)

    public var description: String {
        switch self {
        case .unsupportedScheme(let scheme):
            return "catalog cannot open \(scheme):// databases; give a SQLite file (a path or sqlite:PATH) "
                + "or a postgres:// URL"
        }
    }
}

/// A role that can read the catalog and nothing else (`catalog setup --reader NAME`).
public struct ReaderRole: Equatable, Sendable {
    /// The role's name.
    public var name: String
    /// True when it was created now, false when it existed and was only granted reading.
    public var created: Bool
    /// The schema whose tables it reads, and how many there are.
    public var schema: String
    public var tables: Int
    /// How to connect as it: the database's URL with the role as the user, no password.
    public var url: String

    /// Creates (or reuses) the role `name` on the PostgreSQL server at `address` and grants it
    /// reading the catalog's tables, now and after later migrations. SQLite has no roles.
    public static func grant(_ name: String, at address: String) throws -> ReaderRole {
        guard DatabaseBackend.isPostgres(address) else {
            throw DatabaseUsageError(
                "a reader role is a PostgreSQL role; on SQLite, catalog sql is read-only for everyone without it")
        }
        let grant = try PostgresReader.grant(name: name, url: address)
        return ReaderRole(
            name: grant.name, created: grant.created, schema: grant.schema, tables: grant.tables, url: grant.url)
    }
}
