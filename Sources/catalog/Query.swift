import ArgumentParser
import CatalogKit

/// The name filters shared by every `catalog query` subcommand.
struct QueryFilters: ParsableArguments {
    @Option(help: ArgumentHelp("A company (name or alias) that must use the framework. Repeatable.", valueName: "name"))
    var company: [String] = []

    @Option(help: ArgumentHelp("A framework (name or alias). Repeatable.", valueName: "name"))
    var framework: [String] = []

    @Option(help: ArgumentHelp("A feature or capability the framework must offer. Repeatable.", valueName: "name"))
    var feature: [String] = []

    @Option(help: ArgumentHelp("A language the framework must be written in. Repeatable.", valueName: "name"))
    var language: [String] = []

    var filters: CatalogQuery.Filters {
        CatalogQuery.Filters(companies: company, frameworks: framework, features: feature, languages: language)
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
        output.print(CatalogQuery.Related.table(try question(try openQuery())(filters)))
    }

    /// Opens the catalog read-only, creating it from Migrations/ and Seeds/ when it does not
    /// exist yet.
    func openDatabase() throws -> Connection {
        try SeedBackend.openForReading(self)
    }

    func openQuery() throws -> CatalogQuery {
        CatalogQuery(try openDatabase())
    }
}

/// `catalog query ...`: relationship questions.
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Answer relationship questions: which frameworks a company uses, and the reverse.",
        discussion: """
            Names match ignoring case, and aliases match too. Every filter must hold: \
            `catalog query --language Python --feature "Secure Authentication"`. \
            `catalog query --framework Django` alone shows Django's full card.
            """,
        subcommands: [Frameworks.self, Companies.self, Features.self, Languages.self],
        defaultSubcommand: Frameworks.self)

    struct Frameworks: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "frameworks",
            abstract: "The frameworks matching the filters (the default), sorted by name.")

        @OptionGroup var filters: QueryFilters
        @OptionGroup var options: ReadingOptions

        func run() throws {
            let card = filters.framework.count == 1 && filters.filters == .init(frameworks: filters.framework)
            let answer = try options.openQuery().frameworks(
                filters.filters, including: frameworkDetails(card: card, output: options.output))
            printFrameworks(answer, card: card, output: options.output)
        }
    }

    struct Companies: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "companies",
            abstract: "The companies matching the filters, with the frameworks they use.")

        @OptionGroup var filters: QueryFilters
        @OptionGroup var options: ReadingOptions

        func run() throws {
            try options.printRelated(CatalogQuery.companies, filters.filters)
        }
    }

    struct Features: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "features",
            abstract: "The features matching the filters, with the frameworks that offer them.")

        @OptionGroup var filters: QueryFilters
        @OptionGroup var options: ReadingOptions

        func run() throws {
            try options.printRelated(CatalogQuery.features, filters.filters)
        }
    }

    struct Languages: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "languages",
            abstract: "The languages matching the filters, with their frameworks.")

        @OptionGroup var filters: QueryFilters
        @OptionGroup var options: ReadingOptions

        func run() throws {
            try options.printRelated(CatalogQuery.languages, filters.filters)
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
            let frameworks = try options.openQuery().frameworks(.init(), including: details)
            printFrameworks(frameworks, card: false, output: options.output)
        case .companies: try options.printRelated(CatalogQuery.companies, .init())
        case .features: try options.printRelated(CatalogQuery.features, .init())
        case .languages: try options.printRelated(CatalogQuery.languages, .init())
        }
    }
}

extension CatalogQuery.Subject: ExpressibleByArgument {}
