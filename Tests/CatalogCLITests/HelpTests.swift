import Testing

@Suite struct HelpTests {
    @Test func rootHelpIsExact() throws {
        let result = try CLISandbox(.none).run(["--help"])
        #expect(result.exitCode == 0)
        #expect(
            result.stdout == """
                OVERVIEW: Keep a catalog of backend web frameworks in SQLite or PostgreSQL:
                migrate its schema and answer questions.

                The catalog's own migrations and seeds are built in. In a project folder (one
                holding a Migrations/ folder, found from the working directory upwards) its
                Migrations/ and Seeds/ are used instead, with the database catalog.sqlite3
                beside them. Elsewhere the database is $XDG_DATA_HOME/catalog/catalog.sqlite3
                (~/.local/share/catalog/catalog.sqlite3). On a PostgreSQL server, pass its
                postgres:// URL as --database (or CATALOG_DATABASE).

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
                  migrate                 Apply pending migrations (the default), or inspect
                                          and roll them back.
                  seed                    Load the seeds into the database: idempotent,
                                          all-or-nothing, keyed on names.
                  setup                   Create or update the catalog: apply pending
                                          migrations, then load the seeds.

                  See 'catalog help <subcommand>' for detailed help.

                """)
    }

    @Test(arguments: [
        "migrate up", "migrate status", "migrate rollback", "migrate redo", "migrate reset", "migrate fresh",
        "migrate new", "migrate repair", "seed", "setup", "query", "list", "sql", "schema", "tables",
    ])
    func everySubcommandHasHelp(name: String) throws {
        let result = try CLISandbox(.none).run(name.split(separator: " ").map(String.init) + ["--help"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("OVERVIEW: "))
        #expect(result.stdout.contains("USAGE: catalog \(name)"))
        #expect(result.stdout.contains("--database <path|url>"))
        #expect(result.stderr == "")
    }

    @Test(arguments: [["migrate", "--help"], ["migrate", "-h"], ["help", "migrate"]])
    func migrateHelpListsEverySubcommandAndTheOptionsOfUp(arguments: [String]) throws {
        let result = try CLISandbox(.none).run(arguments)
        #expect(result.exitCode == 0)
        #expect(result.stderr == "")
        for name in ["up (default)", "status", "rollback", "redo", "reset", "fresh", "new", "repair"] {
            #expect(result.stdout.contains("\n  \(name) "), "\(name)")
        }
        for option in ["--step <n>", "--to <version>", "--dry-run", "--allow-out-of-order", "--ignore-missing"] {
            #expect(result.stdout.contains("\n  \(option) "), "\(option)")
        }
        #expect(result.stdout.hasSuffix("for detailed help.\n"))
    }

    /// Options on `migrate` itself are for help only: `rollback --to` still reaches rollback.
    @Test func theOptionsOfUpDoNotCaptureThoseOfOtherSubcommands() throws {
        let sandbox = try CLISandbox()
        #expect(try sandbox.run(["migrate"]).exitCode == 0)
        let back = try sandbox.run(["migrate", "rollback", "--to", "20241124120300"])
        #expect(
            normalized(back.stdout)
                == "Rolled back 20241124120400_create_framework_links (N ms)\nRolled back 1 migration (N ms).\n")
        let step = try sandbox.run(["migrate", "--step", "1"])
        #expect(
            normalized(step.stdout)
                == "Applied 20241124120400_create_framework_links (N ms)\nMigrated 1 migration in batch 2 (N ms).\n")
    }

    @Test(arguments: [["query", "--help"], ["query", "companies", "--help"], ["help", "query"]])
    func queryHelpListsEveryFilter(arguments: [String]) throws {
        let result = try CLISandbox(.none).run(arguments)
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("USAGE: catalog query [<kind>] [--company <name> ...]"))
        for option in [
            "--company <name>", "--framework <name>", "--feature <name>", "--language <name>", "--format <format>",
        ] {
            #expect(result.stdout.contains("\n  \(option) "), "\(option)")
        }
    }
}
