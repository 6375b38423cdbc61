/// One migration file: `<14-digit version>_<snake_name>.sql` with `-- migrate:up` and
/// `-- migrate:down` sections (the dbmate format).
public struct Migration: Sendable, Hashable {
    /// One section of a migration file.
    public struct Section: Sendable, Hashable {
        /// The SQL between this section's marker and the next (normalised to LF line ends).
        public var sql: String
        /// The 1-based line in the file where `sql` starts (the line after the marker).
        public var firstLine: Int
        /// False when the marker says `transaction:false`.
        public var isTransactional: Bool

        /// True when the section holds nothing but white space and comments.
        public var isEmpty: Bool { SQLText.isBlank(sql) }
    }

    /// The 14-digit version (`YYYYMMDDHHMMSS`, UTC).
    public var version: String
    /// The snake_case name after the version.
    public var name: String
    /// The path the file was read from.
    public var path: String
    /// The `-- migrate:up` section.
    public var up: Section
    /// The `-- migrate:down` section.
    public var down: Section
    /// SHA-256 of the file with any BOM removed and CRLF/CR line ends turned into LF.
    public var checksum: String

    /// `<version>_<name>`, as the file is named without `.sql`.
    public var identifier: String { "\(version)_\(name)" }
    /// The file name, `<version>_<name>.sql`.
    public var fileName: String { identifier + ".sql" }
}

/// Small text helpers shared by the migration parser and the runner.
enum SQLScript {
    /// The 0-based line of UTF-8 byte `offset` in `text`.
    static func lineIndex(ofByte offset: Int, in text: String) -> Int {
        var text = text
        return text.withUTF8 { SourceText.location(ofByte: offset, in: $0).line - 1 }
    }

    /// `text` with a leading UTF-8 BOM removed and CRLF / CR line ends turned into LF.
    static func normalized(_ bytes: [UInt8]) -> [UInt8] {
        let input = SourceText.droppingByteOrderMark(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var previousWasCR = false
        for byte in input {
            if byte == 0x0D {
                out.append(0x0A)
                previousWasCR = true
                continue
            }
            if byte == 0x0A && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            out.append(byte)
        }
        return out
    }
}
