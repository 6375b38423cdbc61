import CatalogDatabase

/// Rows in the text format of `COPY ... FROM STDIN`: columns separated by a tab, rows ended by a
/// newline, NULL as `\N`.
///
/// Inside a value, backslash, tab, newline and carriage return are written as `\\`, `\t`, `\n`
/// and `\r`; every other byte goes as it is (the server reads a backslash before anything else as
/// that character, and no other byte ends a value or a row), so any text without NUL, which
/// PostgreSQL's `text` cannot hold, comes back exactly as it was sent. A `\N` written as text is
/// `\\N`, and a `\.` is `\\.`, which the server never takes for NULL or the end of the data.
/// Blobs are `bytea` hex (`\\x0102ff`: the backslash of `\x` escaped), reals as
/// `PostgresStatement` binds them.
/// See https://www.postgresql.org/docs/current/sql-copy.html (File Formats, Text Format).
enum PostgresCopyText {
    /// Appends one row: `values` separated by tabs, then a newline.
    static func appendRow(_ values: [DatabaseValue], to buffer: inout [UInt8]) {
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(tab) }
            append(value, to: &buffer)
        }
        buffer.append(newline)
    }

    /// Appends one value, escaped.
    static func append(_ value: DatabaseValue, to buffer: inout [UInt8]) {
        switch value {
        case .null:
            buffer.append(backslash)
            buffer.append(UInt8(ascii: "N"))
        case .integer(let int):
            appendInteger(int, to: &buffer)
        case .real(let double):
            buffer.append(contentsOf: postgresText(double).utf8)
        case .text(let text):
            appendText(text, to: &buffer)
        case .blob(let bytes):
            buffer.append(backslash)
            buffer.append(backslash)
            buffer.append(UInt8(ascii: "x"))
            let digits = Array("0123456789abcdef".utf8)
            for byte in bytes {
                buffer.append(digits[Int(byte >> 4)])
                buffer.append(digits[Int(byte & 0x0F)])
            }
        }
    }

    /// `text`'s UTF-8, with the four bytes that would end a value or a row escaped. Runs without
    /// them are copied whole.
    static func appendText(_ text: String, to buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let escaped: UInt8
                switch bytes[index] {
                case backslash: escaped = backslash
                case tab: escaped = UInt8(ascii: "t")
                case newline: escaped = UInt8(ascii: "n")
                case carriageReturn: escaped = UInt8(ascii: "r")
                default: continue
                }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                buffer.append(backslash)
                buffer.append(escaped)
                start = index + 1
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
    }

    /// The decimal digits of `value`, without building a String.
    static func appendInteger(_ value: Int64, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // 20 digits hold any UInt64; written from the end.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    private static let backslash = UInt8(ascii: "\\")
    private static let tab = UInt8(ascii: "\t")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
}

/// A double as PostgreSQL reads it: `NaN`, `Infinity`, `-Infinity`, or Swift's shortest
/// round-tripping decimal.
func postgresText(_ double: Double) -> String {
    double.isNaN ? "NaN" : double.isInfinite ? (double < 0 ? "-Infinity" : "Infinity") : "\(double)"
}
