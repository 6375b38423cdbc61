import CatalogKit
import CatalogSQLite
import FuzzSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Any text as SQL for a read-only `catalog sql` session on a small catalog: whatever it is, the
/// database must be unchanged afterwards (its data_version and row counts), and nothing crashes.
nonisolated(unsafe) var session: SQLSession?
nonisolated(unsafe) var path = ""

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    if session == nil {
        path = "/tmp/catalog-fuzz-\(getpid()).sqlite3"
        let db = try? Connection(path: path)
        try? db?.execute(
            "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t(name) VALUES ('a'), ('b');")
        session = try? SQLSession(path: path, write: false)
    }
    guard let session else { return 0 }
    let sql = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? session.run(sql, timeout: 0.2) { _ in }
    // The guard held: still two rows, same schema.
    let count = try? session.backend.connection.fetchValue("SELECT count(*) FROM t", as: Int.self)
    let tables = try? session.backend.connection.fetchValue("SELECT count(*) FROM sqlite_schema", as: Int.self)
    if count != 2 || tables != 1 { abort() }
    return 0
}

@_cdecl("FuzzSQLGuard_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv, fuzz)
}
