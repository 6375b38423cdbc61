import CLibPQ
import CatalogDatabase

/// libpq, loaded with `dlopen` the first time a PostgreSQL connection is opened (CLibPQ's shim.h
/// says why it is not linked). `PostgresConnection.init` calls `LibPQ.load()`, so every other use
/// of `pq` comes after a successful load.
enum LibPQ {
    /// The function table, or why libpq could not be loaded.
    static let table: Result<catalog_libpq, PostgresError> = {
        let table = UnsafeMutablePointer<catalog_libpq>.allocate(capacity: 1)
        defer { table.deallocate() }
        if let reason = catalog_libpq_load(table) {
            return .failure(
                PostgresError(
                    sqlState: "08006",
                    message: "catalog needs libpq, PostgreSQL's client library, for postgres:// databases and "
                        + "could not load it (\(String(cString: reason))); install it (Debian: apt install libpq5)"))
        }
        return .success(table.pointee)
    }()

    /// Loads libpq, or throws why it cannot be loaded.
    static func load() throws {
        _ = try table.get()
    }

    /// Whether libpq is loaded or can be.
    static var isAvailable: Bool { (try? table.get()) != nil }
}

/// libpq's functions (`pq.PQexec(...)`), for code that runs after `LibPQ.load()` succeeded.
let pq: catalog_libpq = {
    switch LibPQ.table {
    case .success(let table): return table
    case .failure(let error): fatalError("libpq used before it was loaded: \(error.message)")
    }
}()

/// The text libpq returned (a null pointer reads as empty).
@inline(__always)
func cString(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
    pointer.map { String(cString: $0) } ?? ""
}
