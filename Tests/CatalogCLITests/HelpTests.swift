import Testing

@Suite struct HelpTests {
    @Test func rootHelpIsExact() throws {
        let result = try CLISandbox(.none).run(["--help"])
        #expect(result.exitCode == 0)
        #expect(
            result.stdout == """
                OVERVIEW: Keep a catalog of backend web frameworks in SQLite: migrate its
                schema and answer questions.

                USAGE: catalog <subcommand>

                OPTIONS:
                  --version               Show the version.
                  -h, --help              Show help information.

                SUBCOMMANDS:
                  migrate                 Apply, inspect and roll back the schema migrations in
                                          Migrations/.

                  See 'catalog help <subcommand>' for detailed help.

                """)
    }

    @Test(arguments: ["up", "status", "rollback", "redo", "reset", "fresh", "new", "repair"])
    func everyMigrateSubcommandHasHelp(name: String) throws {
        let result = try CLISandbox(.none).run(["migrate", name, "--help"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("OVERVIEW: "))
        #expect(result.stdout.contains("USAGE: catalog migrate \(name)"))
        #expect(result.stdout.contains("--database <path>"))
        #expect(result.stderr == "")
    }

    @Test func migrateHelpListsEverySubcommand() throws {
        let result = try CLISandbox(.none).run(["migrate", "--help"])
        #expect(result.exitCode == 0)
        for name in ["up (default)", "status", "rollback", "redo", "reset", "fresh", "new", "repair"] {
            #expect(result.stdout.contains("\n  \(name) "), "\(name)")
        }
    }
}
