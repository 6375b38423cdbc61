// The backend seam comes with CatalogKit: `DatabaseConnection`, `Row`, `DatabaseValue`, errors.
// A backend (CatalogSQLite) is imported by the few files that open one.
@_exported import CatalogDatabase
