/// What every reader of input text shares: the byte order mark, UTF-8 checks, and a byte offset
/// turned into a line and column.
///
/// Seed files (JSON, YAML, CSV), migration files and ad-hoc SQL all go through it, so a place in a
/// file is counted the same way in every message (see ``SourceLocation``):
///
/// ```swift
/// if let offset = SourceText.firstInvalidUTF8(in: bytes) {
///     throw MyError.invalidUTF8(at: SourceText.location(ofByte: offset, in: bytes))
/// }
/// ```
///
/// The functions are generic over the byte collection and inlinable, so that a reader's loop over
/// a large file is specialized for its `[UInt8]` or buffer.
public enum SourceText {
    /// The UTF-8 byte order mark, `EF BB BF`.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// 3 when `bytes` start with a UTF-8 byte order mark, else 0.
    @inlinable
    public static func byteOrderMarkLength<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Int
    where Bytes.Index == Int {
        let start = bytes.startIndex
        guard bytes.count >= 3, bytes[start] == 0xEF, bytes[start + 1] == 0xBB, bytes[start + 2] == 0xBF else {
            return 0
        }
        return 3
    }

    /// `bytes` without a leading byte order mark.
    @inlinable
    public static func droppingByteOrderMark(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        bytes.dropFirst(byteOrderMarkLength(bytes))
    }

    // MARK: - UTF-8

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or nil
    /// when all of `bytes` is well-formed UTF-8.
    ///
    /// Well-formed means the Unicode standard's table 3-7: no overlong forms, no surrogates, nothing
    /// above U+10FFFF, no sequence cut short (also at the end).
    @inlinable
    public static func firstInvalidUTF8<Bytes: RandomAccessCollection<UInt8>>(in bytes: Bytes) -> Int?
    where Bytes.Index == Int {
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            guard let lead = UTF8Lead(byte), index + lead.continuationCount < end else { return index }
            var low = lead.firstLow
            var high = lead.firstHigh
            for offset in 1...lead.continuationCount {
                let next = bytes[index + offset]
                guard next >= low && next <= high else { return index }
                low = 0x80
                high = 0xBF
            }
            index += lead.continuationCount + 1
        }
        return nil
    }

    /// What a lead byte says about its UTF-8 sequence: how many continuation bytes follow, and the
    /// range the first of them must fall in (the others are always `80...BF`).
    public struct UTF8Lead: Sendable, Hashable {
        public let continuationCount: Int
        public let firstLow: UInt8
        public let firstHigh: UInt8

        /// Nil for a byte that cannot start a multi-byte sequence: ASCII, a continuation byte,
        /// `C0`, `C1` or `F5...FF`.
        @inlinable
        public init?(_ byte: UInt8) {
            switch byte {
            case 0xC2...0xDF: (continuationCount, firstLow, firstHigh) = (1, 0x80, 0xBF)
            case 0xE0: (continuationCount, firstLow, firstHigh) = (2, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (continuationCount, firstLow, firstHigh) = (2, 0x80, 0xBF)
            case 0xED: (continuationCount, firstLow, firstHigh) = (2, 0x80, 0x9F)
            case 0xF0: (continuationCount, firstLow, firstHigh) = (3, 0x90, 0xBF)
            case 0xF1...0xF3: (continuationCount, firstLow, firstHigh) = (3, 0x80, 0xBF)
            case 0xF4: (continuationCount, firstLow, firstHigh) = (3, 0x80, 0x8F)
            default: return nil
            }
        }
    }

    /// `bytes` as a String without its byte order mark, or the location of the first byte that is
    /// not well-formed UTF-8.
    public static func decode(_ bytes: [UInt8]) -> Result<String, InvalidUTF8> {
        let body = droppingByteOrderMark(bytes)
        if let offset = firstInvalidUTF8(in: body) {
            return .failure(InvalidUTF8(offset: offset, location: location(ofByte: offset, in: bytes)))
        }
        return .success(String(decoding: body, as: UTF8.self))
    }

    /// Where a text stops being UTF-8: the byte's offset in the input and its line and column.
    public struct InvalidUTF8: Error, Sendable, Hashable {
        public var offset: Int
        public var location: SourceLocation
    }

    // MARK: - Locations

    /// The line and column of the byte at `offset` in `bytes` (a leading byte order mark is not a
    /// column); `offset` should start a scalar.
    @inlinable
    public static func location<Bytes: RandomAccessCollection<UInt8>>(ofByte offset: Int, in bytes: Bytes)
        -> SourceLocation
    where Bytes.Index == Int {
        var cursor = LocationCursor(bytes)
        return cursor.location(ofByte: offset, in: bytes)
    }

    /// The byte range of the line holding the byte at `offset`, without its line feed or a
    /// carriage return before it: what an error message quotes under a caret.
    @inlinable
    public static func lineRange<Bytes: RandomAccessCollection<UInt8>>(around offset: Int, in bytes: Bytes)
        -> Range<Int>
    where Bytes.Index == Int {
        let offset = min(max(offset, bytes.startIndex), bytes.endIndex)
        var start = offset
        while start > bytes.startIndex && bytes[start - 1] != 0x0A { start -= 1 }
        var end = offset
        while end < bytes.endIndex && bytes[end] != 0x0A { end += 1 }
        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
        return start..<end
    }

    /// Locations of byte offsets in one text, each found by counting only the bytes after the
    /// previous one: a reader that moves forward pays for each byte once, however long its lines.
    ///
    /// Asking for an earlier offset is allowed and counts from the start again.
    public struct LocationCursor: Sendable {
        @usableFromInline let start: Int
        @usableFromInline var offset: Int
        @usableFromInline var current = SourceLocation(line: 1, column: 1)

        /// A cursor at the start of `bytes`, after a byte order mark if there is one.
        @inlinable
        public init<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) where Bytes.Index == Int {
            start = bytes.startIndex + SourceText.byteOrderMarkLength(bytes)
            offset = start
        }

        /// The location of the byte at `target`, which must be a valid offset in `bytes` or its end.
        @inlinable
        public mutating func location<Bytes: RandomAccessCollection<UInt8>>(ofByte target: Int, in bytes: Bytes)
            -> SourceLocation
        where Bytes.Index == Int {
            if target < offset {
                offset = start
                current = SourceLocation(line: 1, column: 1)
            }
            let target = min(target, bytes.endIndex)
            while offset < target {
                current.advance(past: bytes[offset])
                offset += 1
            }
            return current
        }
    }
}
