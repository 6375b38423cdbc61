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
                  query                   Answer relationship questions: which frameworks a
                                          company uses, and the reverse.
                  list                    List every framework, company, feature or language.
                  sql                     Run ad-hoc SQL on the catalog: read-only unless
                                          --write, stopped after --timeout.
                  schema                  Print the catalog's CREATE statements (tables,
                                          indexes, views, triggers) in a stable order.
                  tables                  List the catalog's tables with row counts and columns.
                  migrate                 Apply, inspect and roll back the schema migrations in
                                          Migrations/.
                  seed                    Load Seeds/ into the database: idempotent,
                                          all-or-nothing, keyed on names.
                  setup                   Create or update the catalog: apply pending
                                          migrations, then load the seeds.

                  See 'catalog help <subcommand>' for detailed help.

                """)
    }

    @Test(arguments: [
        "migrate up", "migrate status", "migrate rollback", "migrate redo", "migrate reset", "migrate fresh",
        "migrate new", "migrate repair", "seed", "setup",
    ])
    func everySubcommandHasHelp(name: String) throws {
        let result = try CLISandbox(.none).run(name.split(separator: " ").map(String.init) + ["--help"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("OVERVIEW: "))
        #expect(result.stdout.contains("USAGE: catalog \(name)"))
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
