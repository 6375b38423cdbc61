import Foundation
import Testing

@testable import CatalogKit

/// The hostile migration files in `Tests/Fixtures/hostile/migrations`, one folder per case.
@Suite struct HostileMigrationTests {
    static let corpus = Sandbox.projectRoot.appendingPathComponent("Tests/Fixtures/hostile/migrations").path

    func migrate(_ name: String) throws -> Result<Int, MigrationError> {
        let sandbox = try Sandbox()
        let migrator = Migrator(
            databasePath: sandbox.database, migrationsDirectory: Self.corpus + "/" + name, lockTimeout: 5)
        do {
            return .success(try migrator.migrate().migrations.count)
        } catch let error as MigrationError {
            return .failure(error)
        }
    }

    @Test func filesThatAreFineApply() throws {
        #expect(try migrate("bom_crlf") == .success(1))
        #expect(try migrate("no_trailing_newline") == .success(1))
        #expect(try migrate("empty_sections") == .success(1))
    }

    @Test func badFilesAreRefusedNamingTheFile() throws {
        let dir = Self.corpus
        #expect(
            try migrate("repeated_marker")
                == .failure(
                    .invalidFile(
                        file: dir + "/repeated_marker/20240101000000_create_a.sql", line: 3,
                        reason: "has a second '-- migrate:up' marker (the first is on line 1)")))
        #expect(
            try migrate("misspelled_marker")
                == .failure(
                    .invalidFile(
                        file: dir + "/misspelled_marker/20240101000000_create_a.sql", line: 1,
                        reason: "has an unknown marker '-- migrate:upp' (expected '-- migrate:up' or '-- migrate:down')"
                    )))
        #expect(
            try migrate("name_with_space")
                == .failure(.badFileName(file: dir + "/name_with_space/20240101000000_create a.sql")))
        #expect(
            try migrate("name_non_ascii")
                == .failure(.badFileName(file: dir + "/name_non_ascii/20240101000000_créer.sql")))
        #expect(
            try migrate("duplicate_version")
                == .failure(
                    .duplicateVersion(
                        version: "20240101000000",
                        files: [
                            dir + "/duplicate_version/20240101000000_one.sql",
                            dir + "/duplicate_version/20240101000000_two.sql",
                        ])))
        guard
            case .failure(.statementFailed(let file, let line, _, let message, true)) = try migrate(
                "unterminated_string")
        else {
            Issue.record("unterminated string was not refused")
            return
        }
        #expect(file.hasSuffix("unterminated_string/20240101000000_broken.sql"))
        #expect(line == 3)
        #expect(message.contains("unrecognized token"))
    }
}
