import Testing

@testable import CatalogCLI

/// Command lines with thousands of filters or parameters (issue 13, part 3): answered, and read
/// in one linear pass (`RepeatedOptions`) since argument-parser's own handling is quadratic.
@Suite struct ManyArgumentsTests {
    @Test func tenThousandFiltersAnswerInEveryQuestionForm() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        for subject in ["frameworks", "companies", "features", "languages"] {
            let one = try sandbox.succeed([
                "query", subject, "--company", "PayPal", "--framework", "Express", "--feature", "Debugging",
                "--language", "JavaScript",
            ])
            #expect(one.stdout.contains("Express"))
            for count in [80, 10_000] {
                var arguments = ["query", subject]
                for index in 0..<(count / 4) {
                    arguments += [
                        "--company", index % 2 == 0 ? "PayPal" : "paypal", "--framework=Express", "--feature",
                        "debugging", "--language", "JavaScript",
                    ]
                }
                let many = try sandbox.run(arguments)
                #expect(many.exitCode == 0, "\(subject), \(count): \(many.stderr)")
                #expect(many.stdout == one.stdout, "\(subject), \(count)")
            }
        }
    }

    @Test func tenThousandParametersBindInOrder() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        var arguments = ["sql", "SELECT ?1 || '-' || ?2 || '-' || ?10000 AS v", "--format", "csv"]
        for index in 1...10_000 { arguments += index % 2 == 0 ? ["--param=\(index)"] : ["--param", "\(index)"] }
        let result = try sandbox.run(arguments)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout == "v\r\n1-2-10000\r\n")
    }

    @Test func plainOccurrencesAreTakenOutInOrder() {
        let (remaining, taken) = RepeatedOptions.take(from: [
            "query", "companies", "--company", "A", "--database", "x.db", "--company=B", "--feature", "F",
        ])
        #expect(remaining == ["query", "companies", "--database", "x.db"])
        #expect(taken == ["company": ["A", "B"], "feature": ["F"]])
    }

    @Test func anOptionWithAnyUnusualOccurrenceIsLeftToArgumentParser() {
        // A value that looks like an option: every --param stays, so the order of values holds
        // and argument-parser reports the problem as before.
        let sql = ["sql", "SELECT ?", "--param", "1", "--param", "-2"]
        #expect(RepeatedOptions.take(from: sql) == (sql, [:]))
        // A missing value at the end.
        let query = ["query", "--company", "A", "--language", "Go", "--company"]
        let (remaining, taken) = RepeatedOptions.take(from: query)
        #expect(remaining == ["query", "--company", "A", "--company"])
        #expect(taken == ["language": ["Go"]])
        // After `--` nothing is an option; other commands are not touched.
        let after = ["sql", "--", "--param", "1"]
        #expect(RepeatedOptions.take(from: after) == (after, [:]))
        let other = ["tables", "--company", "A"]
        #expect(RepeatedOptions.take(from: other) == (other, [:]))
    }

    @Test func errorsAboutTheseOptionsAreArgumentParsersAsBefore() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.succeed(["setup"])
        let missing = try sandbox.run(["query", "--company", "PayPal", "--company"])
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.hasPrefix("error: missing value for '--company <name>'"), "\(missing.stderr)")
        let unknown = try sandbox.run(["tables", "--company", "PayPal"])
        #expect(unknown.exitCode == 2)
        #expect(unknown.stderr.hasPrefix("error: unknown option '--company'"), "\(unknown.stderr)")
    }
}
