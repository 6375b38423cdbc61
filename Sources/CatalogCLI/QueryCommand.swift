import ArgumentParser
import CatalogKit

/// The name filters of `catalog query`.
struct QueryFilters: ParsableArguments {
    @Option(
        help: ArgumentHelp("A company (name or alias) that must use the framework. Repeatable.", valueName: "name"),
        completion: .custom { words, _, prefix in Completion.names(of: .companies, words: words, prefix: prefix) })
    var company: [String] = []

    @Option(
        help: ArgumentHelp("A framework (name or alias). Repeatable.", valueName: "name"),
        completion: .custom { words, _, prefix in Completion.names(of: .frameworks, words: words, prefix: prefix) })
    var framework: [String] = []

    @Option(
        help: ArgumentHelp("A feature or capability the framework must offer. Repeatable.", valueName: "name"),
        completion: .custom { words, _, prefix in Completion.names(of: .features, words: words, prefix: prefix) })
    var feature: [String] = []

    @Option(
        help: ArgumentHelp("A language the framework must be written in. Repeatable.", valueName: "name"),
        completion: .custom { words, _, prefix in Completion.names(of: .languages, words: words, prefix: prefix) })
    var language: [String] = []

    var filters: CatalogQuery.Filters {
        CatalogQuery.Filters(
            companies: RepeatedOptions.values("company", parsed: company),
            frameworks: RepeatedOptions.values("framework", parsed: framework),
            features: RepeatedOptions.values("feature", parsed: feature),
            languages: RepeatedOptions.values("language", parsed: language))
    }
}

/// Everything a reading command needs: the database (created on first use) and the output.
struct ReadingOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seedOptions: SeedDirectoryOptions
    @OptionGroup var output: OutputOptions

    /// Answers a reverse question (`CatalogQuery.companies`, `.features`, `.languages`) and prints it.
    func printRelated(
        _ question: (CatalogQuery) -> (CatalogQuery.Filters) throws -> [CatalogQuery.Related],
        _ filters: CatalogQuery.Filters
    ) throws {
        let query = try openQuery()
        let answer = try CatalogReader.explainingEmpty(query) { try question(query)(filters) }
        output.print(CatalogQuery.Related.table(answer))
    }

    /// Opens the catalog read-only. A missing database at the default place is created from the
    /// migrations and seeds (one line on stderr); one named by `--database` or CATALOG_DATABASE
    /// is an error naming `catalog setup`.
    func openDatabase() throws -> any DatabaseConnection {
        try CatalogReader.open(self)
    }

    func openQuery() throws -> CatalogQuery {
        CatalogQuery(try openDatabase())
    }
}

/// `catalog query [frameworks|companies|features|languages] --company ...`: relationship questions.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Answer relationship questions: which frameworks a company uses, and the reverse.",
        discussion: """
            Names match ignoring case, and aliases match too. Every filter must hold: \
            `catalog query --language Python --feature "Secure Authentication"`. \
            `catalog query --framework Django` alone shows Django's full card; \
            `catalog query companies --language Python` asks the reverse question.
            """)

    @Argument(
        help: ArgumentHelp(
            "The kind of record to answer with.", valueName: "kind"))
    var subject: CatalogQuery.Subject = .frameworks

    @OptionGroup var filters: QueryFilters
    @OptionGroup var options: ReadingOptions

    func run() throws {
        switch subject {
        case .frameworks:
            let given = filters.filters
            let card = given.frameworks.count == 1 && given == .init(frameworks: given.frameworks)
            let query = try options.openQuery()
            let answer = try CatalogReader.explainingEmpty(query) {
                try query.frameworks(given, including: frameworkDetails(card: card, output: options.output))
            }
            printFrameworks(answer, card: card, output: options.output)
        case .companies: try options.printRelated(CatalogQuery.companies, filters.filters)
        case .features: try options.printRelated(CatalogQuery.features, filters.filters)
        case .languages: try options.printRelated(CatalogQuery.languages, filters.filters)
        }
    }
}

/// The details a framework listing shows: the short table needs only the language.
func frameworkDetails(card: Bool, output: OutputOptions) -> Set<CatalogQuery.Detail> {
    output.format == .table && !card ? [.language] : Set(CatalogQuery.Detail.allCases)
}

/// Frameworks in the chosen format: a card for one named framework, a short table, or every field.
func printFrameworks(_ frameworks: [CatalogQuery.FrameworkDetails], card: Bool, output: OutputOptions) {
    if output.format == .table {
        if card, let only = frameworks.first {
            print(only.card(width: Terminal.width ?? 80), terminator: "")
            return
        }
        output.print(
            CatalogQuery.FrameworkDetails.table(frameworks, columns: CatalogQuery.FrameworkDetails.tableColumns))
    } else {
        output.print(CatalogQuery.FrameworkDetails.table(frameworks))
    }
}

/// `catalog list ...`: a whole table.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every framework, company, feature or language.")

    @Argument(help: ArgumentHelp("What to list: frameworks, companies, features or languages.", valueName: "kind"))
    var subject: CatalogQuery.Subject

    @OptionGroup var options: ReadingOptions

    func run() throws {
        switch subject {
        case .frameworks:
            let details = frameworkDetails(card: false, output: options.output)
            let query = try options.openQuery()
            let frameworks = try CatalogReader.explainingEmpty(query) {
                try query.frameworks(.init(), including: details)
            }
            printFrameworks(frameworks, card: false, output: options.output)
        case .companies: try options.printRelated(CatalogQuery.companies, .init())
        case .features: try options.printRelated(CatalogQuery.features, .init())
        case .languages: try options.printRelated(CatalogQuery.languages, .init())
        }
    }
}

extension CatalogQuery.Subject: ExpressibleByArgument {}
