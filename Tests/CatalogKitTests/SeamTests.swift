import Foundation
import Testing

/// The backend seam holds: outside the SQLite backend's module no source spells SQLite-only SQL,
/// and in CatalogKit only `Backends.swift` names the backend. (Migration files are SQL for
/// SQLite on purpose and are not Swift sources.)
@Suite struct SeamTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources").path

    /// Every Swift file under `Sources/`, as (path relative to it, text).
    func swiftSources() throws -> [(String, String)] {
        let enumerator = try #require(FileManager.default.enumerator(atPath: Self.sources))
        var files: [(String, String)] = []
        while let path = enumerator.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            files.append((path, try String(contentsOfFile: Self.sources + "/" + path, encoding: .utf8)))
        }
        #expect(files.count > 50)
        return files
    }

    @Test func sqliteOnlySQLLivesInTheSQLiteBackend() throws {
        let words = ["PRAGMA", "json_each", "NOCASE", "sqlite_schema", "sqlite_master", "strftime", "pragma_"]
        for (path, text) in try swiftSources() where !path.hasPrefix("CatalogSQLite/") {
            for word in words where text.contains(word) {
                Issue.record("\(path) spells the SQLite-only \(word)")
            }
        }
    }

    @Test func onlyThePostgreSQLBackendImportsLibpq() throws {
        for (path, text) in try swiftSources() where text.contains("import CLibPQ") {
            #expect(path.hasPrefix("CatalogPostgres/"), "\(path) imports libpq")
        }
    }

    @Test func onlyTheLineEditorImportsLibedit() throws {
        for (path, text) in try swiftSources() where text.contains("import CLibEdit") {
            #expect(path.hasPrefix("CatalogLineEdit/"), "\(path) imports libedit")
        }
    }

    @Test func onlyBackendsSwiftImportsTheBackend() throws {
        for (path, text) in try swiftSources()
        where text.contains("import CatalogSQLite") || text.contains("import CSQLite") {
            let allowed = path == "CatalogKit/Backends.swift" || path.hasPrefix("CatalogSQLite/")
            #expect(allowed, "\(path) imports the SQLite backend")
        }
        for (path, text) in try swiftSources() where text.contains("import CatalogPostgres") {
            let allowed = path == "CatalogKit/Backends.swift" || path.hasPrefix("CatalogPostgres/")
            #expect(allowed, "\(path) imports the PostgreSQL backend")
        }
    }

    /// libpq is reached only through the function table loaded with dlopen (`pq.PQ...`): a
    /// direct call would need libpq at link time, and the static release binary cannot have it.
    @Test func libpqIsCalledOnlyThroughTheLoadedTable() throws {
        for (path, text) in try swiftSources() where path.hasPrefix("CatalogPostgres/") {
            let direct = text.matches(of: /(^|[^.\w])PQ[a-z]\w*\(/.anchorsMatchLineEndings())
            #expect(direct.isEmpty, "\(path) calls libpq directly: \(direct.map { String($0.output.0) })")
        }
    }
}
