import Foundation
import Testing

@Suite struct QueryCommandTests {
    @Test func theHeadlineQueryWorksOnAFreshCloneAndCreatesTheDatabase() throws {
        let sandbox = try CLISandbox(.project)
        let result = try sandbox.run(["query", "--company", "PayPal"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(
            result.stdout == """
                name     language    released  kind
                -------  ----------  --------  --------------
                Express  JavaScript  2010      microframework

                """)
        let migrations = try FileManager.default.contentsOfDirectory(atPath: sandbox.root + "/Migrations")
            .filter { $0.hasSuffix(".sql") }.count
        #expect(
            result.stderr
                == "catalog: created catalog.sqlite3 from Migrations/ (\(migrations) migrations) and Seeds/ (218 rows)\n"
        )
        // The second time the database exists: no note.
        let again = try sandbox.run(["query", "--company", "paypal"])
        #expect(again.stderr == "")
        #expect(again.stdout == result.stdout)
    }

    @Test func everyFormatForOneQuestion() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let expected: [String: String] = [
            "table": "name       frameworks\n---------  -------------\nLinkedIn   Flask\nPinterest  Django, Flask\n",
            "json":
                "[\n  {\"name\": \"LinkedIn\", \"frameworks\": [\"Flask\"]},\n  {\"name\": \"Pinterest\", \"frameworks\": [\"Django\", \"Flask\"]}\n]\n",
            "jsonl":
                "{\"name\": \"LinkedIn\", \"frameworks\": [\"Flask\"]}\n{\"name\": \"Pinterest\", \"frameworks\": [\"Django\", \"Flask\"]}\n",
            "csv": "name,frameworks\r\nLinkedIn,Flask\r\nPinterest,Django; Flask\r\n",
            "markdown": "| name | frameworks |\n| --- | --- |\n| LinkedIn | Flask |\n| Pinterest | Django, Flask |\n",
        ]
        for (format, output) in expected {
            let result = try sandbox.run(["query", "companies", "--framework", "Flask", "--format", format])
            #expect(result.exitCode == 0)
            #expect(result.stdout == output, "\(format)")
        }
    }

    @Test func frameworkJSONHasTypedValuesAndSortedLists() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let result = try sandbox.run(["query", "--company", "PayPal", "--format", "json"])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let express = try #require(objects.first)
        #expect(objects.count == 1)
        #expect(express["name"] as? String == "Express")
        #expect(express["language"] as? String == "JavaScript")
        #expect(express["released"] as? Int == 2010)
        #expect(express["architecture"] is NSNull)
        #expect(express["open_source"] as? Bool == true)
        #expect(express["companies"] as? [String] == ["Accenture", "IBM", "Myntra", "PayPal", "Twitter", "Uber"])
        #expect((express["features"] as? [String])?.first == "Debugging")
    }

    @Test func aFrameworkAloneShowsItsCard() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let result = try sandbox.run(["query", "--framework", "rails"])
        #expect(
            result.stdout == """
                Ruby on Rails (Ruby, 2004)
                  aliases       Rails, RoR
                  kind          full-stack
                  architecture  MVC
                  open source   yes
                  description   A server-side Ruby framework that gives every application a
                                default structure and favours convention over configuration and
                                not repeating yourself.
                  features      Good community support, Localization, Reliable and high-quality,
                                Scaffolding, Simple testing
                  capabilities  Convention over Configuration, DRY (Don't Repeat Yourself), MVC
                                architecture
                  used by       Airbnb, Crunchbase, GitHub, Netflix, Shopify

                """)
    }

    @Test func unknownNamesExitOneWithASuggestionAndEmptyAnswersExitZero() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let unknown = try sandbox.run(["query", "--company", "Paypall"])
        #expect(unknown.exitCode == 1)
        #expect(unknown.stdout == "")
        #expect(unknown.stderr == "error: no company named \"Paypall\" (did you mean \"PayPal\"?)\n")
        let empty = try sandbox.run(["query", "--company", "Slack", "--company", "PayPal"])
        #expect(empty.exitCode == 0)
        #expect(empty.stdout == "name  language  released  kind\n----  --------  --------  ----\n")
        let emptyJSON = try sandbox.run(["query", "--company", "Slack", "--company", "PayPal", "--format", "json"])
        #expect(emptyJSON.stdout == "[]\n")
        let badFormat = try sandbox.run(["query", "--format", "xml"])
        #expect(badFormat.exitCode == 2)
    }

    @Test func combinedFiltersAndReverseQuestions() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let combined = try sandbox.run([
            "query", "--language", "Python", "--feature", "Secure Authentication", "--format", "csv",
        ])
        #expect(
            combined.stdout.split(separator: "\r\n").dropFirst().map { $0.prefix(while: { $0 != "," }) } == ["Django"])
        let shared = try sandbox.run(["query", "features", "--framework", "Laravel", "--framework", "SpringBoot"])
        #expect(
            shared.stdout == """
                name              frameworks
                ----------------  -------------------------------------------
                MVC architecture  Django, Laravel, Ruby on Rails, Spring Boot
                Simple API        Laravel, Spring Boot

                """)
        let languages = try sandbox.run(["query", "languages", "--company", "Google", "--format", "jsonl"])
        #expect(
            languages.stdout
                == "{\"name\": \"Java\", \"frameworks\": [\"Spring Boot\"]}\n{\"name\": \"Python\", \"frameworks\": [\"Django\", \"Flask\"]}\n"
        )
    }

    @Test func listPrintsWholeTables() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let languages = try sandbox.run(["list", "languages"])
        #expect(
            languages.stdout == """
                name        frameworks
                ----------  -------------
                C#          ASP.NET
                Java        Spring Boot
                JavaScript  Express
                PHP         Laravel
                Python      Django, Flask
                Ruby        Ruby on Rails

                """)
        let frameworks = try sandbox.run(["list", "frameworks", "--format", "csv"])
        #expect(frameworks.stdout.split(separator: "\r\n").count == 8)
        #expect(try sandbox.run(["list", "widgets"]).exitCode == 2)
    }

    @Test func pendingMigrationsStopReaders() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["migrate", "--step", "1"])
        let result = try sandbox.run(["query", "--company", "PayPal"])
        #expect(result.exitCode == 1)
        #expect(result.stderr.hasSuffix("pending migrations; run `catalog migrate` first\n"))
    }
}

/// Usage errors in catalog's own style with a hint naming the right command (issue 16).
@Suite struct UsageHintTests {
    @Test func aNameWhereTheKindGoesNamesTheOptionForIt() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        for (argument, hint) in [
            ("PayPal", "PayPal is a company: run catalog query --company PayPal"),
            ("python", "Python is a language: run catalog query --language Python"),
            ("ruby on rails", "Ruby on Rails is a framework: run catalog query --framework 'Ruby on Rails'"),
            ("Nobody", "to filter by a name, give its kind: --company, --framework, --feature or --language Nobody"),
        ] {
            let result = try sandbox.run(["query", argument])
            #expect(result.exitCode == 2)
            let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(
                first
                    == "error: \"\(argument)\" is not a kind of answer (frameworks, companies, features or languages); "
                    + hint, "\(result.stderr)")
            #expect(result.stderr.contains("\nUsage: catalog query "), "\(result.stderr)")
        }
    }

    @Test func migrateDownNamesRollbackAndArgumentErrorsAreLowerCase() throws {
        let sandbox = try CLISandbox(.project)
        let down = try sandbox.run(["migrate", "down"])
        #expect(down.exitCode == 2)
        #expect(
            down.stderr.hasPrefix(
                "error: unexpected argument 'down'; to undo the last batch, run catalog migrate rollback\n"),
            "\(down.stderr)")
        let missing = try sandbox.run(["query", "--company"])
        #expect(missing.exitCode == 2)
        #expect(
            missing.stderr.hasPrefix("error: missing value for '--company <name>'\nhelp: --company <name>"),
            "\(missing.stderr)")
        for result in [down, missing, try sandbox.run(["query", "--bogus"]), try sandbox.run(["frobnicate"])] {
            #expect(!result.stderr.contains("Error:") && !result.stderr.contains("Help:"), "\(result.stderr)")
            #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
        }
    }

    @Test func anEmptyAnswerOnATerminalSaysSoAndInAPipeKeepsItsShape() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let question = ["query", "companies", "--language", "Java", "--feature", "Admin interface"]
        let terminal = try sandbox.run(question, stdoutIsTerminal: true)
        #expect(terminal.exitCode == 0)
        #expect(terminal.stdout == "name  frameworks\n----  ----------\n(0 rows)\n", "\(terminal.stdout)")
        let pipe = try sandbox.run(question)
        #expect(pipe.stdout == "name  frameworks\n----  ----------\n")
        #expect(try sandbox.run(question + ["--format", "json"], stdoutIsTerminal: true).stdout == "[]\n")
    }
}
