import Foundation
import PackagePlugin

/// Asks for catalog-seed as a tool, so SwiftPM builds it (as catalog-seed-tool, in the same
/// folder as catalog) whenever it builds catalog; the command itself only records its path.
@main
struct BuildCatalogSeed: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tool = try context.tool(named: "catalog-seed")
        let stamp = context.pluginWorkDirectoryURL.appending(path: "catalog-seed-path.txt")
        return [
            .buildCommand(
                displayName: "Locating catalog-seed", executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", "echo \"$0\" > \"$1\"", tool.url.path, stamp.path], outputFiles: [stamp])
        ]
    }
}
