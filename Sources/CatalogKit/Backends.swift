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
