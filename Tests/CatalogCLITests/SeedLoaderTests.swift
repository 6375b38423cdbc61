import Foundation
import Testing

/// `catalog` leaves the seed loader out (Yams, and the Foundation it needs, cost start-up) and
/// runs `catalog-seed` from its own directory for what needs it.
@Suite struct SeedLoaderTests {
    /// Runs `tool` (not the built catalog) with `arguments` in the sandbox.
    static func run(_ tool: String, _ arguments: [String], in sandbox: CLISandbox) throws -> CLIResult {
        try sandbox.start([tool] + arguments, shell: true).wait()
    }

    @Test func theQueryBinaryHoldsNoYAMLParser() throws {
        let sandbox = try CLISandbox(.none)
        let symbols = try Self.run("/usr/bin/nm", [CLISandbox.binary], in: sandbox)
        #expect(symbols.exitCode == 0)
        #expect(!symbols.stdout.isEmpty)
        #expect(!symbols.stdout.contains("4Yams"), "catalog links Yams")
        let loader = URL(fileURLWithPath: CLISandbox.binary).deletingLastPathComponent().appendingPathComponent(
            "catalog-seed-tool"
        ).path
        #expect(try Self.run("/usr/bin/nm", [loader], in: sandbox).stdout.contains("4Yams"))
    }

    @Test func queriesNeedOnlyCatalogAndSeedingSaysWhatIsMissing() throws {
        let sandbox = try CLISandbox(.project)
        #expect(try sandbox.run(["setup"]).exitCode == 0)
        // catalog alone, without catalog-seed beside it.
        let alone = sandbox.root + "/bin"
        try FileManager.default.createDirectory(atPath: alone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CLISandbox.binary, toPath: alone + "/catalog")

        let query = try Self.run(alone + "/catalog", ["query", "--company", "PayPal"], in: sandbox)
        #expect(query.exitCode == 0, "\(query.stderr)")
        #expect(
            query.stdout == """
                name     language    released  kind
                -------  ----------  --------  --------------
                Express  JavaScript  2010      microframework

                """)

        let seed = try Self.run(alone + "/catalog", ["seed"], in: sandbox)
        #expect(seed.exitCode == 1)
        #expect(
            seed.stderr == "error: cannot run \(alone)/catalog-seed, which loads seeds: No such file or directory\n")
        #expect(seed.stdout.isEmpty)

        // A missing catalog needs the seed loader to be created: the same message, nothing created.
        let fresh = try Self.run(
            alone + "/catalog", ["query", "--company", "PayPal", "--database", "other.sqlite3"], in: sandbox)
        #expect(fresh.exitCode == 1)
        #expect(fresh.stderr.hasPrefix("error: cannot run \(alone)/catalog-seed"))
        #expect(!sandbox.exists("other.sqlite3"))
    }
}
