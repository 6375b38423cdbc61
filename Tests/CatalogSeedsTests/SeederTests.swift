import CatalogKit
import Foundation
import Testing

@testable import CatalogSeeds

@Suite struct SeederTests {
    // MARK: - Idempotence, updates, pruning

    @Test func seedingTwiceChangesNothingTheSecondTime() throws {
        let sandbox = try SeedSandbox()
        let first = try sandbox.seed()
        #expect(!first.isUnchanged)
        let dump = try sandbox.dump()
        let second = try sandbox.seed()
        #expect(second.isUnchanged)
        #expect(second.tables.allSatisfy { $0.inserted == 0 && $0.updated == 0 })
        #expect(try sandbox.dump() == dump)
    }

    @Test func aChangedAttributeIsUpdatedInPlaceKeepingIds() throws {
        let sandbox = try SeedSandbox()
        try sandbox.seed()
        let db = try sandbox.open()
        let before = try #require(try Framework.filter(Column("name") == "Flask").fetchOne(db))
        let text = try sandbox.read("frameworks.yml").replacingOccurrences(
            of: "released: 2010\n    open_source: true\n    kind: microframework\n    description: >-\n      A small",
            with: "released: 2011\n    open_source: true\n    kind: microframework\n    description: >-\n      A small")
        try sandbox.write("frameworks.yml", text)
        let summary = try sandbox.seed()
        #expect(summary.tables.first { $0.table == "frameworks" }?.updated == 1)
        let after = try #require(try Framework.filter(Column("name") == "Flask").fetchOne(db))
        #expect(after.id == before.id)
        #expect(after.firstReleaseYear == 2011)
        // Links of the updated framework are untouched.
        #expect(try Framework.companies.query(for: after).fetchCount(db) == 2)
    }

    @Test func nothingIsDeletedWithoutPruneAndPruneRemovesWhatTheFilesDropped() throws {
        let sandbox = try SeedSandbox()
        try sandbox.seed()
        let text = try sandbox.read("frameworks.yml").replacingOccurrences(of: "      - Myntra\n", with: "")
        try sandbox.write("frameworks.yml", text)
        try sandbox.write(
            "companies.yml", try sandbox.read("companies.yml").replacingOccurrences(of: "  - name: Myntra\n", with: ""))
        let kept = try sandbox.seed()
        #expect(kept.isUnchanged)
        #expect(try Company.filter(Column("name") == "Myntra").exists(try sandbox.open()))

        let dry = try sandbox.seed(prune: true, dryRun: true)
        #expect(dry.tables.first { $0.table == "companies" }?.pruned == 1)
        #expect(dry.tables.first { $0.table == "framework_companies" }?.pruned == 1)
        #expect(try Company.filter(Column("name") == "Myntra").exists(try sandbox.open()))

        let pruned = try sandbox.seed(prune: true)
        #expect(pruned.tables.first { $0.table == "companies" }?.pruned == 1)
        #expect(pruned.tables.first { $0.table == "framework_companies" }?.pruned == 1)
        #expect(!(try Company.filter(Column("name") == "Myntra").exists(try sandbox.open())))
        #expect(try sandbox.seed(prune: true).isUnchanged)
    }

    @Test func dryRunCountsWhatARealRunDoesAndWritesNothing() throws {
        let sandbox = try SeedSandbox()
        let empty = try sandbox.dump()
        let dry = try sandbox.seed(dryRun: true)
        #expect(try sandbox.dump() == empty)
        let real = try sandbox.seed()
        #expect(dry.tables == real.tables)
        #expect(dry.isDryRun && !real.isDryRun)
    }

    @Test func pruneCanMoveAnAliasAndAFrameworkOffRecordsThatGo() throws {
        let sandbox = try SeedSandbox(copySeeds: false)
        try sandbox.write(
            "a.yml",
            """
            languages: [{name: Ruby}, {name: Crystal}]
            frameworks:
              - {name: Old, language: Ruby, kind: full-stack, aliases: [X]}
              - {name: Rails, language: Ruby, kind: full-stack}
            """)
        try sandbox.seed()
        // "Old" and "Ruby" leave the files; "X" moves to "New"; Rails moves to Crystal.
        try sandbox.write(
            "a.yml",
            """
            languages: [{name: Crystal}]
            frameworks:
              - {name: New, language: Crystal, kind: full-stack, aliases: [X]}
              - {name: Rails, language: Crystal, kind: full-stack}
            """)
        let dry = try sandbox.seed(prune: true, dryRun: true)
        let real = try sandbox.seed(prune: true)
        #expect(dry.tables == real.tables)
        let db = try sandbox.open()
        #expect(try Framework.filter(Framework.named("X")).fetchOne(db)?.name == "New")
        #expect(try Language.all().fetchAll(db).map(\.name) == ["Crystal"])
        #expect(try sandbox.seed(prune: true).isUnchanged)
    }

    @Test func nulCharactersAreRefusedInEveryFormat() throws {
        let sandbox = try SeedSandbox(copySeeds: false)
        try sandbox.write("a.json", #"{"companies": [{"name": "Acme\u0000Corp"}]}"#)
        try sandbox.writeBytes("b.companies.csv", Array("name\nBeta".utf8) + [0] + Array("Corp\n".utf8))
        let issues = sandbox.issues().map { $0.replacingOccurrences(of: sandbox.seeds + "/", with: "") }
        #expect(
            issues == [
                "a.json:1:25: 'name': contains a NUL character",
                "b.companies.csv:2:1: 'name': contains a NUL character",
            ])
    }

    @Test func aFailedFirstUseSetupLeavesNoHalfBuiltCatalog() throws {
        let sandbox = try SeedSandbox(copySeeds: false, migrate: false)
        try sandbox.write("bad.yml", "companies:\n  - nme: Acme\n")
        #expect(throws: SeedValidationError.self) { try sandbox.setup.openForReading { _ in } }
        #expect(!FileManager.default.fileExists(atPath: sandbox.database))
    }

    // MARK: - Formats and order

    @Test func jsonAndCSVDescribeTheSameRecords() throws {
        let sandbox = try SeedSandbox(copySeeds: false)
        try sandbox.write(
            "catalog.json",
            #"{"languages": [{"name": "Python"}], "features": [{"name": "Simple API"}], "frameworks": [{"name": "Flask", "language": "Python", "released": 2010, "kind": "microframework", "open_source": true, "features": ["Simple API"]}]}"#
        )
        try sandbox.write(
            "companies.csv",
            "\u{FEFF}name,aliases\r\n\"Pinterest, Inc.\",Pinterest\r\nLinkedIn,\r\n\"The \"\"Quoted\"\" Co\nLtd\",TQC;Quoted\r\n"
        )
        try sandbox.write("extra.framework_companies.csv", "framework,company\nFlask,Pinterest\nflask,linkedin\n")
        let summary = try sandbox.seed()
        #expect(summary.tables.first { $0.table == "companies" }?.inserted == 3)
        #expect(summary.tables.first { $0.table == "company_aliases" }?.inserted == 3)
        #expect(summary.tables.first { $0.table == "framework_companies" }?.inserted == 2)
        let db = try sandbox.open()
        let flask = try #require(try Framework.filter(Column("name") == "Flask").fetchOne(db))
        #expect(try Framework.companies.query(for: flask).fetchAll(db).map(\.name) == ["LinkedIn", "Pinterest, Inc."])
        #expect(try Company.filter(Company.named("TQC")).fetchOne(db)?.name == "The \"Quoted\" Co\nLtd")
        #expect(try sandbox.seed().isUnchanged)
    }

    @Test func loadOrderFollowsReferencesNotFileNames() throws {
        let sandbox = try SeedSandbox(copySeeds: false)
        try sandbox.write("a.yml", "frameworks:\n  - name: Gin\n    language: Go\n    kind: microframework\n")
        try sandbox.write("z.yml", "languages:\n  - name: Go\n")
        #expect(try sandbox.seed().tables.first { $0.table == "frameworks" }?.inserted == 1)
    }

    // MARK: - Bad input: one test per kind, each leaving the database as it was

    func expectRejected(
        _ sandbox: SeedSandbox, _ expected: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation
    )
        throws
    {
        let before = try sandbox.dump()
        let issues = sandbox.issues().map { $0.replacingOccurrences(of: sandbox.seeds + "/", with: "") }
        #expect(issues == expected, sourceLocation: sourceLocation)
        #expect(try sandbox.dump() == before, "the database changed", sourceLocation: sourceLocation)
    }

    func sandbox(_ name: String, _ text: String) throws -> SeedSandbox {
        let sandbox = try SeedSandbox()
        try sandbox.seed()
        try sandbox.write(name, text)
        return sandbox
    }

    @Test func unknownKeysAndKinds() throws {
        try expectRejected(
            try sandbox("extra.yml", "companies:\n  - name: Acme\n    website: acme.test\nwidgets: []\n"),
            [
                "extra.yml:3:5: unknown field 'website' in a company (known: name, aliases)",
                "extra.yml:4:1: unknown record kind 'widgets' (expected one of languages, features, companies, frameworks, framework_companies, framework_features, framework_capabilities)",
            ])
    }

    @Test func missingRequiredFields() throws {
        try expectRejected(
            try sandbox("extra.yml", "frameworks:\n  - name: Gin\n    kind: microframework\n"),
            ["extra.yml:2:5: a framework needs 'language'"])
    }

    @Test func wrongTypes() throws {
        try expectRejected(
            try sandbox(
                "extra.yml",
                "frameworks:\n  - name: Gin\n    language: Python\n    kind: micro\n    released: soon\n    open_source: yes\n  - name: Echo\n    language: Python\n    kind: microframework\n    released: \"2015\"\n"
            ),
            [
                "extra.yml:4:11: 'kind': expected one of full-stack, microframework, found micro",
                "extra.yml:5:15: 'released': expected a whole number, found soon",
                "extra.yml:6:18: 'open_source': expected true or false, found yes",
                "extra.yml:10:15: 'released': expected a whole number, found the text \"2015\"",
            ])
    }

    @Test func yamlBooleansWhereTextIsMeant() throws {
        try expectRejected(
            try sandbox("extra.yml", "companies:\n  - name: NO\n  - name: 'NO'\n    aliases: [yes]\n"),
            [
                "extra.yml:2:11: 'name': plain NO is a boolean or null in YAML; quote it (\"NO\") to mean the text",
                "extra.yml:4:15: 'aliases': plain yes is a boolean or null in YAML; quote it (\"yes\") to mean the text",
            ])
    }

    @Test func duplicateNamesAcrossFiles() throws {
        try expectRejected(
            try sandbox("extra.yml", "companies:\n  - name: paypal\n  - name: Acme\n    aliases: [Rails, Acme]\n"),
            [
                "extra.yml:2:11: duplicate company \"paypal\" (already declared at companies.yml:21)",
                "extra.yml:4:22: alias \"Acme\" repeats company \"Acme\" (extra.yml:3)",
            ])
    }

    @Test func danglingReferencesSuggestTheClosestName() throws {
        try expectRejected(
            try sandbox(
                "extra.yml",
                "frameworks:\n  - name: Gin\n    language: Golang\n    kind: microframework\n    companies: [Paypall, Zzyzx Corp]\n    features: [routing]\n"
            ),
            [
                "extra.yml:3:15: unknown language \"Golang\"",
                "extra.yml:5:17: unknown company \"Paypall\" (did you mean \"PayPal\"?)",
                "extra.yml:5:26: unknown company \"Zzyzx Corp\"",
            ])
    }

    @Test func invalidUTF8AndEmptyFiles() throws {
        let sandbox = try SeedSandbox()
        try sandbox.seed()
        try sandbox.writeBytes("bad.yml", Array("companies:\n  - name: Caf".utf8) + [0xE9] + Array("\n".utf8))
        try sandbox.write("empty.yml", "# nothing yet\n")
        try sandbox.write("empty.json", "")
        try expectRejected(
            sandbox,
            ["bad.yml:2:14: invalid UTF-8", "empty.json:1:1: empty file", "empty.yml:1:1: empty file"])
    }

    @Test func anAliasBombIsRejectedQuicklyAndTheDatabaseIsUntouched() throws {
        var bomb = "companies: &a [{name: lol}, {name: lol}, {name: lol}, {name: lol}, {name: lol}, {name: lol}]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i", "j"] {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        let start = ContinuousClock.now
        let issues = try sandbox("bomb.yml", bomb).issues()
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(issues.count == 1)
        #expect(issues.first?.contains("too many nodes") == true)
    }

    @Test func manyProblemsAreReportedTogetherUpToTheLimit() throws {
        var text = "companies:\n"
        for index in 0..<80 { text += "  - name: Company \(index)\n    size: \(index)\n" }
        let sandbox = try self.sandbox("many.yml", text)
        do {
            try sandbox.seed()
            Issue.record("expected a failure")
        } catch let error as SeedValidationError {
            #expect(error.issues.count == SeedValidationError.limit)
            #expect(error.omitted == 30)
            #expect(error.description.hasSuffix("... and 30 more problems"))
        }
    }

    @Test func csvErrorsNameTheirLine() throws {
        try expectRejected(
            try sandbox("companies.csv", "name,aliases\nAcme,\n\"Broken,\nBeta,\n"),
            ["companies.csv:3:1: unterminated quoted field"])
    }

    // MARK: - Setup

    @Test func readingAMissingDatabaseCreatesItFromMigrationsAndSeeds() throws {
        let sandbox = try SeedSandbox(migrate: false)
        var notes: [String] = []
        let db = try sandbox.setup.openForReading { notes.append($0) }
        #expect(notes.count == 1)
        #expect(notes.first?.hasPrefix("catalog: created \(sandbox.database) from ") == true)
        #expect(try Framework.all().fetchCount(db) == 7)
        // Next time it exists: no note.
        _ = try sandbox.setup.openForReading { notes.append($0) }
        #expect(notes.count == 1)
    }

    @Test func pendingMigrationsStopReadersAndSeeds() throws {
        let sandbox = try SeedSandbox(migrate: false)
        try sandbox.setup.migrator.migrate(.init(step: 2))
        let pending = try sandbox.setup.migrator.loadMigrations().count - 2
        #expect(throws: SeedSetupError.pendingMigrations(database: sandbox.database, count: pending)) {
            try sandbox.setup.openForReading { _ in }
        }
        #expect(throws: SeedSetupError.pendingMigrations(database: sandbox.database, count: pending)) {
            try sandbox.seed()
        }
    }
}
