import Foundation
import Testing

/// `--dry-run` prints exactly what a run executes, and its text is a contract: the expected
/// output was recorded from the code before the backend seam (SQL spelled by the migrator), and
/// the SQLite driver must reproduce it byte for byte. The migrations are the frozen fixture
/// (`Tests/Fixtures/Migrations`) plus the two in `Tests/Fixtures/dry-run/Migrations`: one
/// `transaction:false` section and one plain table.
@Suite struct DryRunGoldenTests {
    @Test func dryRunOutputIsByteIdenticalToTheRecordedOne() throws {
        let sandbox = try CLISandbox(.fixture)
        let fixtures = CLISandbox.projectRoot + "/Tests/Fixtures/dry-run"
        for name in try FileManager.default.contentsOfDirectory(atPath: fixtures + "/Migrations") {
            try FileManager.default.copyItem(
                atPath: fixtures + "/Migrations/" + name, toPath: sandbox.root + "/Migrations/" + name)
        }
        var output = ""
        func dryRun(_ arguments: [String]) throws {
            let result = try sandbox.run(arguments)
            output += result.stdout + result.stderr + "rc=\(result.exitCode)\n"
        }
        try dryRun(["migrate", "--dry-run"])
        try sandbox.succeed(["migrate", "--step", "5"])
        try dryRun(["migrate", "--dry-run"])
        try dryRun(["migrate", "rollback", "--dry-run", "--step", "3"])
        try sandbox.succeed(["migrate"])
        try dryRun(["migrate", "rollback", "--dry-run"])
        try dryRun(["migrate", "reset", "--dry-run"])
        let expected = try String(contentsOfFile: fixtures + "/expected.txt", encoding: .utf8)
        #expect(output == expected)
    }
}
