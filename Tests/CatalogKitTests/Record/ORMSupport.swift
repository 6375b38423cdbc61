import CatalogSQLite
import Testing

@testable import CatalogKit

/// An in-memory database with the project's real schema.
func migratedDatabase() throws -> Connection {
    let db = try Connection.inMemory()
    try Migrator.migrate(db, with: try MigrationParser.load(directory: Sandbox.projectMigrations))
    return db
}

/// Counts the statements `body` runs on `db` (SQLite's trace hook), and returns them.
func statements(on db: Connection, during body: () throws -> Void) rethrows -> [String] {
    final class Log { var sql: [String] = [] }
    let log = Log()
    db.trace { log.sql.append($0) }
    defer { db.trace(nil) }
    try body()
    return log.sql
}

/// A small catalog: languages, frameworks, features, companies and their links.
struct Fixture {
    var python = Language(name: "Python")
    var javaScript = Language(name: "JavaScript")
    var django: Framework
    var flask: Framework
    var express: Framework
    var simpleAPI = Feature(name: "Simple API")
    var middleware = Feature(name: "Middleware")
    var routing = Feature(name: "Routing")
    var google = Company(name: "Google")
    var pinterest = Company(name: "Pinterest")
    var paypal = Company(name: "PayPal")

    init(_ db: Connection) throws {
        try python.insert(db)
        try javaScript.insert(db)
        django = Framework(name: "Django", languageID: python.id!, firstReleaseYear: 2005, architecturePattern: "MVC")
        flask = Framework(name: "Flask", languageID: python.id!, firstReleaseYear: 2010, kind: .microframework)
        express = Framework(name: "Express", languageID: javaScript.id!, firstReleaseYear: 2010)
        try django.insert(db)
        try flask.insert(db)
        try express.insert(db)
        try simpleAPI.insert(db)
        try middleware.insert(db)
        try routing.insert(db)
        try google.insert(db)
        try pinterest.insert(db)
        try paypal.insert(db)
        try Framework.features.attach([simpleAPI.id!, middleware.id!], to: django, db)
        try Framework.features.attach([simpleAPI.id!], to: flask, db)
        try Framework.features.attach([middleware.id!, routing.id!], to: express, db)
        try Framework.companies.attach([google.id!, pinterest.id!], to: django, db)
        try Framework.companies.attach([pinterest.id!], to: flask, db)
        try Framework.companies.attach([paypal.id!], to: express, db)
    }
}
