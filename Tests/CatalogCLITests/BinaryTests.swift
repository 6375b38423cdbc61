import Foundation
import Testing

/// What only the built `catalog` binary shows: what it links and loads, that it works copied
/// alone anywhere, and its exit codes.
@Suite struct BinaryTests {
    static let foundationLibraries = [
        "libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so",
    ]

    @Test func catalogNeitherNeedsNorLoadsFoundation() throws {
        let sandbox = try CLISandbox(.none)
        let dynamic = try sandbox.runTool("/usr/bin/readelf", ["-d", CLISandbox.binary])
        #expect(dynamic.exitCode == 0, "\(dynamic.stderr)")
        #expect(dynamic.stdout.contains("(NEEDED)"), "readelf printed no dependencies: \(dynamic.stdout)")
        for library in Self.foundationLibraries {
            #expect(!dynamic.stdout.contains("[\(library)]"), "catalog needs \(library)")
        }
        // What the dynamic linker actually loads for a whole command.
        let loaded = try sandbox.runTool(CLISandbox.binary, ["--version"], environment: ["LD_DEBUG": "libs"])
        #expect(loaded.exitCode == 0)
        #expect(loaded.stdout == "0.2.0\n")
        #expect(loaded.stderr.contains("calling init: "), "LD_DEBUG printed nothing: \(loaded.stderr.prefix(200))")
        for library in Self.foundationLibraries {
            #expect(!loaded.stderr.contains("/\(library)"), "catalog loads \(library)")
        }
        // libpq and its two dozen libraries are loaded only for a postgres:// URL (dlopen).
        #expect(!dynamic.stdout.contains("[libpq.so"), "catalog links libpq")
        #expect(!loaded.stderr.contains("/libpq.so"), "catalog --version loads libpq")
        // libedit (and libtinfo, libbsd) only when catalog sql opens its prompt on a terminal.
        #expect(!dynamic.stdout.contains("[libedit.so"), "catalog links libedit")
        #expect(!loaded.stderr.contains("/libedit.so"), "catalog --version loads libedit")
    }

    @Test func aCopiedBinaryAnswersFromAnyFolderWithOneDatabase() throws {
        let sandbox = try CLISandbox(.none)
        // A folder with no project anywhere above it (the sandbox itself has a Migrations/ folder).
        let outside = NSTemporaryDirectory() + "catalog-outside-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let home = outside + "/home"
        let bin = outside + "/bin"
        for folder in [bin, outside + "/empty-a", outside + "/empty-b/deeper", home] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: CLISandbox.binary, toPath: bin + "/catalog")
        func query(from folder: String) throws -> CLIResult {
            try sandbox.runTool(
                "/bin/sh", ["-c", "cd '\(outside)/\(folder)' && '\(bin)/catalog' query --company PayPal"],
                environment: ["HOME": home])
        }
        let first = try query(from: "empty-a")
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Express  JavaScript  2010"))
        let database = home + "/.local/share/catalog/catalog.sqlite3"
        #expect(
            first.stderr
                == "catalog: created \(database) from the built-in Migrations (7 migrations) and the built-in Seeds (218 rows)\n"
        )
        let second = try query(from: "empty-b/deeper")
        #expect(second.exitCode == 0)
        #expect(second.stdout == first.stdout)
        #expect(second.stderr == "", "the second run created another catalog")
        // Nothing was written where the commands ran; the data folder is private.
        for folder in ["empty-a", "empty-b/deeper"] {
            #expect(try FileManager.default.contentsOfDirectory(atPath: outside + "/" + folder) == [])
        }
        let mode = try FileManager.default.attributesOfItem(atPath: home + "/.local/share/catalog")[.posixPermissions]
        #expect((mode as? NSNumber)?.intValue == 0o700)
        // XDG_DATA_HOME moves it.
        let moved = try sandbox.runTool(
            "/bin/sh", ["-c", "cd '\(outside)/empty-a' && '\(bin)/catalog' migrate status --format csv"],
            environment: ["HOME": home, "XDG_DATA_HOME": outside + "/data"])
        #expect(moved.exitCode == 0)
        #expect(moved.stdout.contains(",pending,"), "\(moved.stdout)")
        #expect(!FileManager.default.fileExists(atPath: outside + "/data"), "migrate status created a folder")
    }

    @Test func exitCodesOfTheRealProcess() throws {
        let sandbox = try CLISandbox(.project)
        let usage = try sandbox.runBinary(["query", "--no-such-option"])
        #expect(usage.exitCode == 2)
        #expect(usage.stderr.hasPrefix("error: unknown option '--no-such-option'"))
        let failure = try sandbox.runBinary(["query", "--company", "Nobody"])
        #expect(failure.exitCode == 1)
        #expect(failure.stderr.hasSuffix("error: no company named \"Nobody\"\n"))
        let success = try sandbox.runBinary(["query", "--company", "PayPal", "--format", "csv"])
        #expect(success.exitCode == 0)
        #expect(success.stdout.hasPrefix("name,language,released"))
    }
}
