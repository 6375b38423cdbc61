import CSQLite

extension Connection {
    /// Calls `body` with the SQL of every statement this connection starts to run
    /// (`SQLITE_TRACE_STMT`), or stops tracing when `body` is nil.
    ///
    /// Statements run by triggers are not reported: a test that counts statements counts what the
    /// program asked for. See <https://sqlite.org/c3ref/trace_v2.html>.
    public func trace(_ body: ((String) -> Void)?) {
        guard let body else {
            sqlite3_trace_v2(handle, 0, nil, nil)
            traceBox = nil
            return
        }
        let box = TraceBox(body)
        traceBox = box
        sqlite3_trace_v2(
            handle, UInt32(SQLITE_TRACE_STMT),
            { _, context, _, text in
                guard let context, let text else { return 0 }
                let sql = String(cString: text.assumingMemoryBound(to: CChar.self))
                // Trigger sub-programs are reported as "-- TRIGGER name" comments.
                if !sql.hasPrefix("--") {
                    Unmanaged<TraceBox>.fromOpaque(context).takeUnretainedValue().body(sql)
                }
                return 0
            }, Unmanaged.passUnretained(box).toOpaque())
    }
}

/// Keeps the trace closure alive while SQLite holds a pointer to it.
final class TraceBox {
    let body: (String) -> Void
    init(_ body: @escaping (String) -> Void) { self.body = body }
}
