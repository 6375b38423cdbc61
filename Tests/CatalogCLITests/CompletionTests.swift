import Foundation
import Testing

/// Shell completion, through a real bash: the script `catalog --generate-completion-script bash`
/// prints, sourced, its completion function called as bash's programmable completion would.
@Suite struct CompletionTests {
    /// What bash offers for `line` (the cursor at its end), run in the sandbox with the built
    /// `catalog` first on PATH.
    static func complete(_ line: String, in sandbox: CLISandbox) throws -> [String] {
        let bin = URL(fileURLWithPath: CLISandbox.binary).deletingLastPathComponent().path
        let script = """
            source <(catalog --generate-completion-script bash)
            COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
            read -ra COMP_WORDS <<< "$COMP_LINE"
            if [[ "$COMP_LINE" == *" " ]]; then COMP_WORDS+=(""); fi
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMPREPLY=()
            _catalog "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            if [[ ${#COMPREPLY[@]} -gt 0 ]]; then printf '%s\\n' "${COMPREPLY[@]}"; fi
            """
        let result = try sandbox.runTool(
            "/bin/bash", ["-c", script, "bash", line],
            environment: ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
        #expect(result.exitCode == 0, "bash: \(result.stderr)")
        #expect(result.stderr == "", "bash: \(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func optionsOfQueryAndOfMigrateUpAreOffered() throws {
        let sandbox = try CLISandbox(.project)
        let query = try Self.complete("catalog query --", in: sandbox)
        for option in ["--company", "--framework", "--feature", "--language", "--format", "--database"] {
            #expect(query.contains(option), "\(option) in \(query)")
        }
        #expect(try Self.complete("catalog migrate --st", in: sandbox) == ["--step"])
        #expect(try Self.complete("catalog migrate rollback --t", in: sandbox) == ["--to"])
        #expect(try Self.complete("catalog query comp", in: sandbox) == ["companies"])
    }

    @Test func namesComeFromTheCatalogWithoutCreatingIt() throws {
        let sandbox = try CLISandbox(.project)
        // No database yet: nothing to offer, and nothing is created.
        #expect(try Self.complete("catalog query --company P", in: sandbox) == [])
        #expect(!sandbox.exists("catalog.sqlite3"))
        #expect(try sandbox.run(["setup"]).exitCode == 0)
        #expect(try Self.complete("catalog query --company P", in: sandbox) == ["PayPal", "Pfizer", "Pinterest"])
        #expect(try Self.complete("catalog query --framework Ruby", in: sandbox) == ["Ruby on Rails"])
        #expect(try Self.complete("catalog query --feature Sec", in: sandbox).contains("Secure Authentication"))
        #expect(try Self.complete("catalog query companies --language Py", in: sandbox) == ["Python"])
        #expect(try Self.complete("catalog schema lang", in: sandbox) == ["language_aliases", "languages"])
        // --database on the line is the catalog asked.
        #expect(try sandbox.run(["setup", "--database", "other.sqlite3"]).exitCode == 0)
        try sandbox.sqlite("INSERT INTO companies (name) VALUES ('Planet Express')", database: "other.sqlite3")
        #expect(
            try Self.complete("catalog query --database other.sqlite3 --company Pl", in: sandbox) == ["Planet Express"])
    }

    @Test func filesAndFoldersAreOfferedForPaths() throws {
        let sandbox = try CLISandbox(.project)
        try sandbox.write("script.sql", "SELECT 1;")
        #expect(try Self.complete("catalog sql --file scr", in: sandbox) == ["script.sql"])
        #expect(try Self.complete("catalog migrate --migrations Mig", in: sandbox) == ["Migrations"])
        #expect(try Self.complete("catalog seed --seeds See", in: sandbox) == ["Seeds"])
        #expect(try Self.complete("catalog query --database scr", in: sandbox) == ["script.sql"])
    }
}
