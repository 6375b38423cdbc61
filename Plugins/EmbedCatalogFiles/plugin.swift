import Foundation
import PackagePlugin

/// Generates `BuiltInCatalog+Files.swift` from the package's `Migrations/` and `Seeds/`, so that the
/// catalog's own schema and data are compiled into `catalog` (as Swift string literals, not a
/// resource bundle, which would make SwiftPM generate an accessor that imports Foundation).
///
/// The folders are listed each time SwiftPM plans a build, so a new or edited file is embedded
/// by the next build.
@main
struct EmbedCatalogFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tool = try context.tool(named: "catalog-embed")
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltInCatalog+Files.swift")
        var inputs: [URL] = []
        var arguments = [output.path]
        for folder in ["Migrations", "Seeds"] {
            let directory = context.package.directoryURL.appending(path: folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            arguments.append(directory.path)
            inputs += names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appending(path: $0) }
        }
        return [
            .buildCommand(
                displayName: "Embedding Migrations/ and Seeds/ in \(target.name)", executable: tool.url,
                arguments: arguments, inputFiles: inputs, outputFiles: [output])
        ]
    }
}
