import Foundation
import PackagePlugin

/// Generates `BuiltInCatalog+Files.swift` from the package's `Migrations/` and `Seeds/`, so that the
/// catalog's own schema and data are compiled into `catalog`: Swift string literals, not a resource
/// bundle (SwiftPM would generate an accessor that imports Foundation into the binary).
///
/// The plugin writes the file itself while SwiftPM plans the build (it lists the folders every
/// time, so a new or edited file is embedded by the next build) and rewrites it only when its
/// content changes, so an unchanged catalog recompiles nothing. The prebuild command that runs
/// `/bin/sh -c :` only declares the folder as generated sources; no tool is built for it, which
/// keeps the plugin out of builds that instrument every target (the fuzzers').
@main
struct EmbedCatalogFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var source = "// Generated from Migrations/ and Seeds/ by the EmbedCatalogFiles plugin. Do not edit.\n"
        source += "import CatalogKit\n\nextension BuiltInCatalog {\n"
        for (property, folder) in [
            ("migrations", "Migrations"), ("postgresMigrations", "Migrations/postgresql"), ("seeds", "Seeds"),
        ] {
            let directory = context.package.directoryURL.appending(path: folder)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
                .filter { !$0.hasPrefix(".") }.sorted()
            var entries: [String] = []
            for name in names {
                let file = directory.appending(path: name)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory),
                    !isDirectory.boolValue
                else { continue }
                entries.append("        " + Self.expression(name, [UInt8](try Data(contentsOf: file))) + ",")
            }
            source += "    /// The files of `\(folder)/` when this binary was built.\n"
            source += "    public static let \(property): [BuiltInFile] = [\n" + entries.joined(separator: "\n")
            source += (entries.isEmpty ? "" : "\n") + "    ]\n"
        }
        source += "}\n"
        let file = output.appending(path: "BuiltInCatalog+Files.swift")
        if (try? Data(contentsOf: file)) != Data(source.utf8) {
            try Data(source.utf8).write(to: file, options: .atomic)
        }
        return [
            .prebuildCommand(
                displayName: "Embedding Migrations/ and Seeds/ in \(target.name)",
                executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", ":"], outputFilesDirectory: output)
        ]
    }

    /// One `BuiltInFile(...)` expression: text when the file is UTF-8, else its bytes.
    static func expression(_ name: String, _ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) {
            return "BuiltInFile(name: \(literal(name)), text: \(literal(text)))"
        }
        return
            "BuiltInFile(name: \(literal(name)), bytes: [\(bytes.map { String($0) }.joined(separator: ", "))] as [UInt8])"
    }

    /// A Swift string literal holding `text` exactly.
    static func literal(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
