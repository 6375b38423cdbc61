import CatalogDatabase
import CatalogSQLite

/// The one place in CatalogKit that knows which backends exist: it picks the driver and opens
/// connections for a database location. Everything else talks to `DatabaseConnection`,
/// `MigrationDriver` and `ScriptSession`.
public enum DatabaseBackend {
    /// The migration driver for `location`: today every location is a SQLite file.
    public static func driver(for location: String) -> any MigrationDriver {
        SQLiteMigrationDriver(path: location)
    }

    /// The migration driver for the database `db` is connected to.
    public static func driver(for db: any DatabaseConnection) -> any MigrationDriver {
        driver(for: db.location)
    }

    /// Opens `location` for a person's SQL: read-only unless `write`.
    public static func openScriptSession(
        _ location: String, write: Bool, busyTimeout: Int, limits: ScriptLimits = .default
    ) throws -> any ScriptSession {
        try SQLiteScriptSession(path: location, write: write, busyTimeout: busyTimeout, limits: limits)
    }
}

/// What `--database` (or `CATALOG_DATABASE`) names: a SQLite file, given as a path or as dbmate's
/// `sqlite:PATH`, or a PostgreSQL server, as a `postgres://` or `postgresql://` URL.
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
        for prefix in ["postgres://", "postgresql://"] where text.hasPrefix(prefix) { return .postgres(url: text) }
        if let scheme = text.firstRange(of: "://").map({ text[..<$0.lowerBound] }),
            !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        {
            throw DatabaseAddressError.unsupportedScheme(String(scheme))
        }
        return .sqlite(path: text)
    }

    /// A URL with its password replaced by `***`, for messages.
    public static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://"),
            let at = url[schemeEnd.upperBound...].firstIndex(of: "@")
        else { return url }
        let userInfo = url[schemeEnd.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}

/// A database address catalog cannot use.
public enum DatabaseAddressError: Error, Equatable, CustomStringConvertible {
    case unsupportedScheme(String)
    /// PostgreSQL's backend exists (CatalogPostgres) but no command can use it yet.
    case postgresNotYetSupported(String)

    public var description: String {
        switch self {
        case .unsupportedScheme(let scheme):
            return "catalog cannot open \(scheme):// databases; give a SQLite file (a path or sqlite:PATH)"
        case .postgresNotYetSupported(let url):
            return "\(DatabaseAddress.redacted(url)): catalog's commands cannot use PostgreSQL yet (its backend is "
                + "being built); give a SQLite file (a path or sqlite:PATH)"
        }
    }
}
