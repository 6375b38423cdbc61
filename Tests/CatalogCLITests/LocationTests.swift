import CatalogKit
import Foundation
import Testing

@testable import CatalogBuiltIns
@testable import CatalogCLI

/// Where the database, migrations and seeds are: a project folder, the built-in catalog with a
/// per-user database, or what options and the environment name; and that only the default
/// places are ever created by a reading command.
@Suite struct LocationTests {
    func makeFolder(_ sandbox: CLISandbox, _ path: String) throws {
        try FileManager.default.createDirectory(atPath: sandbox.root + "/" + path, withIntermediateDirectories: true)
    }

    @Test func theBuiltInFilesAreTheProjectsOwnByteForByte() throws {
        for (files, folder) in [
            (BuiltInCatalog.migrations, "Migrations"), (BuiltInCatalog.postgresMigrations, "Migrations/postgresql"),
            (BuiltInCatalog.seeds, "Seeds"),
        ] {
            let directory = CLISandbox.projectRoot + "/" + folder
            var isDirectory: ObjCBool = false
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
                !$0.hasPrefix(".")
                    && FileManager.default.fileExists(atPath: directory + "/" + $0, isDirectory: &isDirectory)
                    && !isDirectory.boolValue
            }
            #expect(files.map(\.name) == names.sorted(), "\(folder)")
            for file in files {
                let disk = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file.name))
                #expect(file.bytes == [UInt8](disk), "\(file.name)")
            }
        }
    }

    @Test func aProjectFolderIsFoundFromItsSubfolders() throws {
        let sandbox = try CLISandbox(.project)
        try makeFolder(sandbox, "docs/deeper")
        let query = try sandbox.run(["query", "--company", "PayPal"], in: "docs/deeper")
        #expect(query.exitCode == 0, "\(query.stderr)")
        #expect(query.stderr.hasPrefix("catalog: created catalog.sqlite3 from Migrations/ (7 migrations) and Seeds/"))
        #expect(sandbox.exists("catalog.sqlite3"))
        #expect(!sandbox.exists("docs/deeper/catalog.sqlite3"))
        let status = try sandbox.run(["migrate", "status"], in: "docs/deeper")
        #expect(status.stdout.hasPrefix("database:   catalog.sqlite3\nmigrations: Migrations/\n\n"))
    }

    @Test func outsideAProjectTheBuiltInCatalogAndThePerUserDatabaseAreUsed() throws {
        let sandbox = try CLISandbox(.none)
        try FileManager.default.removeItem(atPath: sandbox.root + "/Migrations")
        // Another tool's Migrations/ folder (C# files, as Entity Framework makes) is not a project.
        try makeFolder(sandbox, "Migrations")
        try sandbox.write("Migrations/20240101_Initial.cs", "// not ours\n")
        let query = try sandbox.run(["query", "--company", "PayPal"])
        #expect(query.exitCode == 0, "\(query.stderr)")
        #expect(query.stdout.contains("Express"))
        #expect(
            query.stderr
                == "catalog: created home/.local/share/catalog/catalog.sqlite3 from the built-in Migrations (7 migrations) and the built-in Seeds (218 rows)\n"
        )
        let status = try sandbox.run(["migrate", "status"])
        #expect(
            status.stdout.hasPrefix(
                "database:   home/.local/share/catalog/catalog.sqlite3\nmigrations: built-in migrations (7 files)\n\n"))
        #expect(status.stdout.contains("20241125090100  create_framework_capabilities  applied"))
        // XDG_DATA_HOME (absolute) moves it; a relative one is ignored, as the spec says.
        let moved = try sandbox.run(["migrate", "status"], environment: ["XDG_DATA_HOME": sandbox.root + "/data"])
        #expect(moved.stdout.hasPrefix("database:   data/catalog/catalog.sqlite3 (does not exist yet)\n"))
        let relative = try sandbox.run(["migrate", "status"], environment: ["XDG_DATA_HOME": "data"])
        #expect(relative.stdout.hasPrefix("database:   home/.local/share/catalog/catalog.sqlite3\n"))
        // Without HOME (and XDG_DATA_HOME) there is no per-user place: say what to do.
        let homeless = try sandbox.run(["query", "--company", "PayPal"], environment: ["HOME": ""])
        #expect(homeless.exitCode == 1)
        #expect(
            homeless.stderr
                == "error: cannot tell where the catalog lives: HOME is not set; pass --database PATH or set CATALOG_DATABASE\n"
        )
        // The built-in migrations take no new file.
        let new = try sandbox.run(["migrate", "new", "add_x"])
        #expect(new.exitCode == 1)
        #expect(
            new.stderr.hasPrefix("error: the built-in migrations cannot take a new file: run this in a project folder"))
    }

    @Test func aNewMigrationInAProjectIsAppliedByTheNextMigrate() throws {
        let sandbox = try CLISandbox(.project)
        #expect(try sandbox.run(["setup"]).exitCode == 0)
        let new = try sandbox.run(["migrate", "new", "add_x"])
        #expect(new.exitCode == 0)
        let path = new.stdout.trimmingCharacters(in: .newlines)
        #expect(path.hasPrefix("Migrations/") && path.hasSuffix("_add_x.sql"))
        try sandbox.write(path, "-- migrate:up\nCREATE TABLE x (id INTEGER);\n-- migrate:down\nDROP TABLE x;\n")
        let stale = try sandbox.run(["query", "--company", "PayPal"])
        #expect(stale.exitCode == 1)
        #expect(stale.stderr == "error: catalog.sqlite3 has 1 pending migration; run `catalog migrate` first\n")
        let migrate = try sandbox.run(["migrate"])
        #expect(migrate.exitCode == 0)
        #expect(normalized(migrate.stdout).hasSuffix("Migrated 1 migration in batch 2 (N ms).\n"))
        #expect(try sandbox.run(["query", "--company", "PayPal"]).exitCode == 0)
    }

    @Test func optionsAndTheEnvironmentWinOverTheProject() throws {
        let sandbox = try CLISandbox(.project)
        try FileManager.default.moveItem(atPath: sandbox.root + "/Seeds", toPath: sandbox.root + "/data")
        let setup = try sandbox.run(
            ["setup", "--database", "mine.sqlite3"], environment: ["CATALOG_SEEDS": "data"])
        #expect(setup.exitCode == 0, "\(setup.stderr)")
        #expect(sandbox.exists("mine.sqlite3"))
        let viaEnvironment = try sandbox.run(
            ["query", "--company", "PayPal", "--format", "csv"], environment: ["CATALOG_DATABASE": "mine.sqlite3"])
        #expect(viaEnvironment.stdout.hasPrefix("name,language"))
        #expect(!sandbox.exists("catalog.sqlite3"))
    }

    /// dbmate's `sqlite:PATH` names a file; a PostgreSQL URL names a server (never a file named
    /// `postgres:`), and messages show it without its password; another scheme is named.
    @Test func databaseAddressesAreFilesURLsOrRefused() throws {
        #expect(try DatabaseAddress.parse("sqlite:db/catalog.sqlite3") == .sqlite(path: "db/catalog.sqlite3"))
        #expect(try DatabaseAddress.parse("sqlite3:///tmp/x.db") == .sqlite(path: "/tmp/x.db"))
        #expect(try DatabaseAddress.parse("plain.db") == .sqlite(path: "plain.db"))
        #expect(try DatabaseAddress.parse("odd:name.db") == .sqlite(path: "odd:name.db"))
        #expect(try DatabaseAddress.parse("postgres://u:p@h/db") == .postgres(url: "postgres://u:p@h/db"))
        #expect(throws: DatabaseAddressError.unsupportedScheme("mysql")) { try DatabaseAddress.parse("mysql://h/db") }
        #expect(DatabaseBackend.displayName(of: "postgresql://me:s3cret@h:5432/db") == "postgresql://me:***@h:5432/db")
        #expect(DatabaseBackend.displayName(of: "postgresql://me@h/db") == "postgresql://me@h/db")

        let sandbox = try CLISandbox(.project)
        let setup = try sandbox.run(["setup", "--database", "sqlite:via-url.sqlite3"])
        #expect(setup.exitCode == 0, "\(setup.stderr)")
        #expect(sandbox.exists("via-url.sqlite3"))
        let query = try sandbox.run([
            "query", "--company", "PayPal", "--format", "csv", "--database", "sqlite:via-url.sqlite3",
        ])
        #expect(query.stdout.hasPrefix("name,language"), "\(query.stderr)")
        // A server that cannot be reached: one line, naming the URL without its password.
        for arguments in [["query", "--company", "PayPal"], ["setup"], ["migrate"]] {
            let refused = try sandbox.run(arguments + ["--database", "postgresql://me:s3cret@db.invalid/catalog"])
            #expect(refused.exitCode == 1, "\(arguments)")
            #expect(refused.stderr.hasPrefix("error: postgresql://me:***@db.invalid/catalog: "), "\(refused.stderr)")
            #expect(refused.stderr.contains("check the URL's host and port"), "\(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
            #expect(!refused.stderr.contains("s3cret"))
        }
        let scheme = try sandbox.run(["tables"], environment: ["CATALOG_DATABASE": "mysql://h/db"])
        #expect(scheme.exitCode == 1)
        #expect(scheme.stderr.hasPrefix("error: catalog cannot open mysql:// databases"), "\(scheme.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: sandbox.root)
        #expect(!files.contains { $0.hasPrefix("postgres") || $0.hasPrefix("mysql") }, "\(files)")
    }

    @Test func readersNeverCreateADatabaseTheUserNamed() throws {
        let sandbox = try CLISandbox(.project)
        for arguments in [
            ["query", "--company", "PayPal"], ["list", "languages"], ["sql", "SELECT 1"], ["schema"], ["tables"],
        ] {
            let result = try sandbox.run(arguments + ["--database", "typo.db"])
            #expect(result.exitCode == 1, "\(arguments)")
            #expect(
                result.stderr
                    == "error: no catalog database at typo.db; to create one there, run: catalog setup --database typo.db\n",
                "\(arguments)")
            #expect(!sandbox.exists("typo.db"), "\(arguments)")
        }
        let spaced = try sandbox.run(["tables", "--database", "my catalog.db"])
        #expect(spaced.stderr.hasSuffix("run: catalog setup --database 'my catalog.db'\n"))
        let environment = try sandbox.run(["tables"], environment: ["CATALOG_DATABASE": "typo.db"])
        #expect(environment.exitCode == 1)
        #expect(
            environment.stderr
                == "error: no catalog database at typo.db (from CATALOG_DATABASE); to create one there, run: catalog setup\n"
        )
        #expect(!sandbox.exists("typo.db"))
    }

    @Test func migrateCommandsThatOnlyReadOrUndoNeverCreateAFile() throws {
        let sandbox = try CLISandbox(.project)
        #expect(try sandbox.run(["migrate", "status"]).exitCode == 0)
        for arguments in [
            ["migrate", "rollback"], ["migrate", "redo"], ["migrate", "repair", "20241124120000"],
            ["migrate", "reset", "--force"],
        ] {
            let result = try sandbox.run(arguments)
            #expect(result.exitCode == 1, "\(arguments)")
            #expect(
                result.stderr
                    == "error: no catalog database at catalog.sqlite3; nothing was created (run `catalog migrate` or `catalog setup` to create it)\n",
                "\(arguments)")
        }
        for dryRun in [
            ["migrate", "--dry-run"], ["migrate", "rollback", "--dry-run"], ["migrate", "reset", "--dry-run"],
        ] {
            #expect(try sandbox.run(dryRun).exitCode == 0, "\(dryRun)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: sandbox.root).sorted()
        #expect(left == ["Migrations", "Seeds"], "\(left)")
    }

    @Test func anEmptyCatalogSaysToSeed() throws {
        let sandbox = try CLISandbox(.project)
        #expect(try sandbox.run(["migrate"]).exitCode == 0)
        for arguments in [["query", "--company", "PayPal"], ["query", "companies"], ["list", "frameworks"]] {
            let result = try sandbox.run(arguments)
            #expect(result.exitCode == 1, "\(arguments)")
            #expect(
                result.stderr
                    == "error: the catalog has no data yet (its schema is migrated but nothing is seeded); run: catalog seed\n",
                "\(arguments)")
            #expect(result.stdout == "")
        }
        #expect(try sandbox.run(["seed"]).exitCode == 0)
        #expect(try sandbox.run(["query", "--company", "PayPal"]).exitCode == 0)
    }
}
