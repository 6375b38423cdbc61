import CatalogSQLite
import Testing

@testable import CatalogKit

/// CatalogKit's locations, not swift-testing's.
private typealias Location = CatalogKit.SourceLocation

@Suite struct SourceTextTests {
    private func invalidAt(_ bytes: [UInt8]) -> Location? {
        guard case .failure(let invalid) = SourceText.decode(bytes) else { return nil }
        return invalid.location
    }

    @Test func decodesWithoutTheByteOrderMark() throws {
        #expect(try SourceText.decode([0xEF, 0xBB, 0xBF] + Array("é\n".utf8)).get() == "é\n")
        #expect(try SourceText.decode(Array("plain".utf8)).get() == "plain")
        #expect(SourceText.byteOrderMarkLength([0xEF, 0xBB]) == 0)
        #expect(SourceText.droppingByteOrderMark([0xEF, 0xBB, 0xBF, 0x41]) == [0x41])
    }

    @Test func invalidUTF8IsLocatedAtItsFirstByte() {
        // Columns count scalars: "é" and "😀" are one column each; the byte order mark is none.
        #expect(invalidAt(Array("ab\né😀".utf8) + [0xFF]) == Location(line: 2, column: 3))
        #expect(invalidAt([0xEF, 0xBB, 0xBF, 0x41, 0xC3]) == Location(line: 1, column: 2))
        #expect(invalidAt([0xC0, 0x80]) == Location(line: 1, column: 1))  // overlong
        #expect(invalidAt([0x41, 0xED, 0xA0, 0x80]) == Location(line: 1, column: 2))  // a surrogate
        #expect(invalidAt([0xF4, 0x90, 0x80, 0x80]) == Location(line: 1, column: 1))  // above U+10FFFF
        #expect(invalidAt([0xE2, 0x82]) == Location(line: 1, column: 1))  // cut short
        #expect(SourceText.firstInvalidUTF8(in: Array("é€😀\u{10FFFF}".utf8)) == nil)
        #expect(SourceText.firstInvalidUTF8(in: Array("xé".utf8)[1...]) == nil)
        #expect(SourceText.firstInvalidUTF8(in: [0x41, 0x42, 0x80][1...]) == 2)
    }

    @Test func byteOffsetsBecomeLinesAndColumns() {
        let bytes = Array("a\n\u{E9}x\ne\u{301}y".utf8)
        #expect(SourceText.location(ofByte: 0, in: bytes) == Location(line: 1, column: 1))
        #expect(SourceText.location(ofByte: 2, in: bytes) == Location(line: 2, column: 1))
        #expect(SourceText.location(ofByte: 4, in: bytes) == Location(line: 2, column: 2))
        // A combining accent is a scalar of its own, so `y` after "e\u{301}" is column 3.
        #expect(SourceText.location(ofByte: 9, in: bytes) == Location(line: 3, column: 3))
        #expect(SourceText.location(ofByte: 100, in: bytes) == Location(line: 3, column: 4))

        var cursor = SourceText.LocationCursor(bytes)
        #expect(cursor.location(ofByte: 4, in: bytes) == Location(line: 2, column: 2))
        #expect(cursor.location(ofByte: 9, in: bytes) == Location(line: 3, column: 3))
        #expect(cursor.location(ofByte: 2, in: bytes) == Location(line: 2, column: 1))  // backwards
    }

    @Test func lineRangesLeaveOutTheLineEnd() {
        let bytes = Array("one\r\ntwo\nthree".utf8)
        #expect(SourceText.lineRange(around: 1, in: bytes) == 0..<3)
        #expect(SourceText.lineRange(around: 6, in: bytes) == 5..<8)
        #expect(SourceText.lineRange(around: 14, in: bytes) == 9..<14)
        #expect(SourceText.lineRange(around: 99, in: bytes) == 9..<14)
    }

    @Test func oneCommentSkipperForStatementsMigrationsAndKeywords() {
        func skip(_ sql: String) -> Int { SQLText.skipSpaceAndComments(Array(sql.utf8), from: 0) }
        #expect(skip("  -- a\n /* b */\tSELECT") == 16)
        #expect(skip("/* never closed") == 15)
        #expect(skip("-- only a comment") == 17)
        #expect(skip("- 1") == 0)
        #expect(SQLText.isBlank(" -- x\r\n/* y */\n"))
        #expect(!SQLText.isBlank("-- x\nSELECT 1;"))
        // SQLite's white space only: a no-break space is not blank, SQLite would refuse it.
        #expect(!SQLText.isBlank("\u{A0}"))
        #expect(
            SQLText.leadingWords("/* x */ rollback -- y\n to save_point", count: 3) == [
                "ROLLBACK", "TO", "SAVE_POINT",
            ])
        #expect(SQLText.leadingWords("  é_x 1 b", count: 2) == ["É_X", "B"])
    }
}
