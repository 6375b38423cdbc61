// CatalogKit is the library's one import: `Connection`, `Row` and `DatabaseValue` come with it.
@_exported import CatalogSQLite
