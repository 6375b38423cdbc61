/// A position in a text file: 1-based line and column.
///
/// Lines are counted by line feeds; columns count Unicode scalars from the start of the line, so a
/// character written as one scalar (`é` as U+00E9) is one column wherever it is. A leading byte
/// order mark is not a column. ``SourceText`` finds locations this way for every reader.
public struct SourceLocation: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    /// Moves past one byte of UTF-8 text: a line feed starts the next line, a byte that starts a
    /// scalar moves one column, and a continuation byte does not move.
    ///
    /// This is the one counting rule: ``SourceText`` and the streaming CSV reader both use it.
    @inlinable
    public mutating func advance(past byte: UInt8) {
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }
}
