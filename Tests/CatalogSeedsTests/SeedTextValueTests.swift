import CatalogKit
import Testing

@testable import CatalogSeeds

/// What happens to the spaces around a text value, and where a CSV value's problem is reported.
@Suite struct SeedTextValueTests {
    /// The names of the companies that `name` (one more seed file) adds, in file order.
    func companiesAdded(by name: String, _ text: String) throws -> [String] {
        let sandbox = try SeedSandbox()
        try sandbox.seed()
        let db = try sandbox.open()
        let before = try db.fetchOne("SELECT max(id) FROM companies")?.get(0, as: Int.self) ?? 0
        try sandbox.write(name, text)
        try sandbox.seed()
        return try db.fetchAll("SELECT name FROM companies WHERE id > ? ORDER BY id", [.integer(Int64(before))])
            .compactMap { $0.get(0, as: String.self) }
    }

    /// The issues a seed run with `name` added reports, without the seeds folder.
    func issues(adding name: String, _ text: String) throws -> [String] {
        let sandbox = try SeedSandbox()
        try sandbox.write(name, text)
        return sandbox.issues().map { $0.replacingOccurrences(of: sandbox.seeds + "/", with: "") }
    }

    // MARK: - Spaces

    @Test func yamlKeepsQuotedSpacesAndPlainScalarsHaveNone() throws {
        // YAML itself leaves the spaces around a plain scalar out; quotes keep them.
        #expect(
            try companiesAdded(by: "extra.yml", "companies:\n  - name:   Plain Co   \n  - name: \"  Quoted Co\\t\"\n")
                == ["Plain Co", "  Quoted Co\t"])
    }

    @Test func jsonKeepsEveryStringAsWrittenEscapesIncluded() throws {
        #expect(
            try companiesAdded(
                by: "extra.json", "{\"companies\": [{\"name\": \"\\tTabbed Co\"}, {\"name\": \" Spaced Co \"}]}")
                == ["\tTabbed Co", " Spaced Co "])
    }

    @Test func csvTrimsUnquotedCellsOnly() throws {
        #expect(
            try companiesAdded(
                by: "extra.companies.csv", "name,aliases\n  Loose Co\t, LC ;  Loose ; \n\" Quoted Co \",\" QC ;Q \"\n")
                == ["Loose Co", " Quoted Co "])
        let sandbox = try SeedSandbox()
        try sandbox.write("extra.companies.csv", "name,aliases\n  Loose Co\t, LC ;  Loose ; \n")
        try sandbox.seed()
        let aliases = try sandbox.open().fetchAll("SELECT alias FROM company_aliases ORDER BY alias")
            .compactMap { $0.get(0, as: String.self) }
        #expect(aliases.contains("LC") && aliases.contains("Loose"))
    }

    @Test func blankTextIsRefusedInEveryFormat() throws {
        let json = try issues(adding: "extra.json", "{\"companies\": [{\"name\": \" \\t\"}]}")
        #expect(json == ["extra.json:1:25: 'name': is only spaces and tabs"])
        #expect(
            try issues(adding: "extra.yml", "companies:\n  - name: '  '\n") == [
                "extra.yml:2:11: 'name': is only spaces and tabs"
            ])
        #expect(
            try issues(adding: "extra.companies.csv", "name\n\"  \"\n   \n") == [
                "extra.companies.csv:2:1: 'name': is only spaces and tabs",
                "extra.companies.csv:3:1: a company needs 'name'",
            ])
    }

    // MARK: - CSV locations

    @Test func csvFieldProblemsPointAtTheValue() throws {
        // A quoted description spans lines 2 and 3, so the bad values are on line 3.
        let csv = """
            name,language,description,kind,released
            Gin,Python,"A web framework,
            written in Go",web,soon
            Echo, Python ,plain,  micro ,2015

            """
        #expect(
            try issues(adding: "extra.frameworks.csv", csv) == [
                "extra.frameworks.csv:3:16: 'kind': expected one of full-stack, microframework, found web",
                "extra.frameworks.csv:3:20: 'released': expected a whole number, found soon",
                "extra.frameworks.csv:4:21: 'kind': expected one of full-stack, microframework, found micro",
            ])
    }

    @Test func csvHeaderAndListItemProblemsPointAtTheirText() throws {
        #expect(
            try issues(adding: "extra.companies.csv", "name,aliasses\nAcme,\n") == [
                "extra.companies.csv:1:6: unknown column 'aliasses' for companies (known: name, aliases)"
            ])
        #expect(
            try issues(adding: "extra.companies.csv", "name,aliases\n\"Acme, Inc.\",Acme One; Acme\u{0}Two\n") == [
                "extra.companies.csv:2:24: 'aliases': contains a NUL character"
            ])
        // A reference in a list names the item's own place.
        let list = try issues(
            adding: "extra.frameworks.csv", "name,language,kind,companies\nGin,Python,full-stack,Google; Paypall\n")
        #expect(list == ["extra.frameworks.csv:2:31: unknown company \"Paypall\" (did you mean \"PayPal\"?)"])
    }
}
