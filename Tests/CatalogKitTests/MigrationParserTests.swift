import Testing

@testable import CatalogKit

@Suite struct MigrationParserTests {
    func parse(_ text: String, name: String = "20240101000000_create_things.sql") throws -> Migration {
        try MigrationParser.parse(path: "Migrations/" + name, bytes: Array(text.utf8))
    }

    @Test func readsBothSectionsWithTheirLines() throws {
        let migration = try parse(
            "-- a header comment\n-- migrate:up\nCREATE TABLE t(x);\n\n--   migrate:down transaction:false\nDROP TABLE t;\n"
        )
        #expect(migration.version == "20240101000000")
        #expect(migration.name == "create_things")
        #expect(migration.up.sql == "CREATE TABLE t(x);\n")
        #expect(migration.up.firstLine == 3)
        #expect(migration.up.isTransactional)
        #expect(migration.down.sql == "DROP TABLE t;\n")
        #expect(migration.down.firstLine == 6)
        #expect(!migration.down.isTransactional)
    }

    @Test func rejectsFilesWithoutBothMarkers() {
        #expect(
            throws: MigrationError.missingMarker(
                file: "Migrations/20240101000000_create_things.sql", marker: "-- migrate:down")
        ) {
            try parse("-- migrate:up\nCREATE TABLE t(x);\n")
        }
        #expect(
            throws: MigrationError.missingMarker(
                file: "Migrations/20240101000000_create_things.sql", marker: "-- migrate:up")
        ) {
            try parse("CREATE TABLE t(x);\n")
        }
    }

    @Test func rejectsMisplacedRepeatedOrUnknownMarkers() throws {
        let file = "Migrations/20240101000000_create_things.sql"
        #expect(
            throws: MigrationError.invalidFile(file: file, line: 1, reason: "has SQL before the '-- migrate:up' marker")
        ) {
            try parse("SELECT 1;\n-- migrate:up\n-- migrate:down\n")
        }
        #expect(
            throws: MigrationError.invalidFile(
                file: file, line: 1, reason: "has '-- migrate:down' before '-- migrate:up'")
        ) {
            try parse("-- migrate:down\n-- migrate:up\n")
        }
        #expect(
            throws: MigrationError.invalidFile(
                file: file, line: 3, reason: "has a second '-- migrate:up' marker (the first is on line 1)")
        ) {
            try parse("-- migrate:up\nSELECT 1;\n-- migrate:up\n-- migrate:down\n")
        }
        #expect(
            throws: MigrationError.invalidFile(
                file: file, line: 1,
                reason: "has an unknown marker option 'transaction:maybe' (only transaction:false is known)")
        ) {
            try parse("-- migrate:up transaction:maybe\n-- migrate:down\n")
        }
        // A misspelt marker is an error, not a comment: the section would silently vanish.
        #expect(
            throws: MigrationError.invalidFile(
                file: file, line: 2,
                reason: "has an unknown marker '-- migrate:upgrade' (expected '-- migrate:up' or '-- migrate:down')")
        ) {
            try parse("-- migrate:up\n-- migrate:upgrade note\n-- migrate:down\n")
        }
        // Other comments are SQL text.
        #expect(try parse("-- migrate:up\n-- migrate up later\n-- migrate:down\n").up.sql == "-- migrate up later")
    }

    @Test(arguments: [
        "create_things.sql", "2024010100000_short.sql", "20240101000000-create.sql", "20240101000000_Create.sql",
        "20240101000000_.sql", "20240101000000_two__underscores.sql", "20240101000000_1starts_with_digit.sql",
        "20240101000000_trailing_.sql", "20240101000000_has-dash.sql",
    ])
    func rejectsBadFileNames(name: String) {
        #expect(throws: MigrationError.badFileName(file: "Migrations/" + name)) {
            try parse("-- migrate:up\n-- migrate:down\n", name: name)
        }
    }

    @Test func checksumIgnoresBOMAndLineEndings() throws {
        let lf = try parse("-- migrate:up\nCREATE TABLE t(x);\n-- migrate:down\nDROP TABLE t;\n")
        let crlf = try parse("\u{FEFF}-- migrate:up\r\nCREATE TABLE t(x);\r\n-- migrate:down\r\nDROP TABLE t;\r\n")
        let cr = try parse("-- migrate:up\rCREATE TABLE t(x);\r-- migrate:down\rDROP TABLE t;\r")
        #expect(lf.checksum == crlf.checksum)
        #expect(lf.checksum == cr.checksum)
        #expect(crlf.up.sql == lf.up.sql)
        let edited = try parse("-- migrate:up\nCREATE TABLE t(x, y);\n-- migrate:down\nDROP TABLE t;\n")
        #expect(edited.checksum != lf.checksum)
    }

    @Test func rejectsInvalidUTF8NamingTheLine() {
        var bytes = Array("-- migrate:up\nSELECT 1;\nSELECT '".utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array("';\n-- migrate:down\n".utf8)
        #expect(
            throws: MigrationError.invalidFile(
                file: "Migrations/20240101000000_x.sql", line: 3, reason: "is not valid UTF-8")
        ) {
            try MigrationParser.parse(path: "Migrations/20240101000000_x.sql", bytes: bytes)
        }
    }

    @Test func loadsADirectorySortedIgnoringOtherFiles() throws {
        let sandbox = try Sandbox()
        try sandbox.write("20240102000000", "second", up: "SELECT 1;", down: "SELECT 1;")
        try sandbox.write("20240101000000", "first", up: "SELECT 1;", down: "SELECT 1;")
        try sandbox.writeRaw("README.md", "not a migration")
        try sandbox.writeRaw(".20240103000000_hidden.sql", "junk")
        #expect(try MigrationParser.load(directory: sandbox.migrations).map(\.name) == ["first", "second"])
    }

    @Test func rejectsDuplicateVersionsAndMissingDirectories() throws {
        let sandbox = try Sandbox()
        let first = try sandbox.write("20240101000000", "one", up: "", down: "")
        let second = try sandbox.write("20240101000000", "two", up: "", down: "")
        #expect(throws: MigrationError.duplicateVersion(version: "20240101000000", files: [first, second])) {
            try MigrationParser.load(directory: sandbox.migrations)
        }
        #expect(throws: MigrationError.directoryNotFound(sandbox.root + "/nope")) {
            try MigrationParser.load(directory: sandbox.root + "/nope")
        }
    }

    @Test func blankSectionsAreDetected() throws {
        let migration = try parse(
            "-- migrate:up\nCREATE TABLE t(x);\n-- migrate:down\n-- nothing to undo\n/* really */\n\n")
        #expect(migration.down.isEmpty)
        #expect(!migration.up.isEmpty)
    }
}
