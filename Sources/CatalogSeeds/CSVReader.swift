import CatalogKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One data record of a CSV seed file: its fields, in header order, where each starts, and the
/// line where the record starts.
public struct CSVRecord: Sendable, Hashable {
    public var fields: [String]
    /// The 1-based line where the record starts (a quoted field may make it span several lines).
    public var line: Int
    /// Where each field starts: its first character, or its opening quote (for an empty field,
    /// the comma or line end after it).
    public var locations: [SourceLocation]
    /// Whether each field was quoted (`"..."`).
    public var isQuoted: [Bool]

    public init(fields: [String], line: Int, locations: [SourceLocation] = [], isQuoted: [Bool] = []) {
        self.fields = fields
        self.line = line
        self.locations = locations
        self.isQuoted = isQuoted
    }
}

/// A strict RFC 4180 CSV reader that streams a file in 64 KiB chunks.
///
/// Memory does not grow with the file: only the current chunk and the current record are held.
/// The first record is the header (required, with unique, non-empty names). Records end with LF or
/// CRLF; fields may be quoted with `"` and then contain commas, line breaks and doubled quotes.
/// Every record must have as many fields as the header. A UTF-8 byte order mark is skipped, the
/// file may end with one empty line, and every other deviation is a ``SeedIssue`` with the
/// line and column where it is (for an unterminated quoted field: where the quote opened).
///
/// ```swift
/// let reader = try CSVReader(path: "seeds/users.csv")
/// while let record = try reader.next() { use(reader.header, record.fields) }
/// ```
///
/// After an error, `next()` throws the same error again.
public final class CSVReader {
    /// The path given to `init(path:)`, used in errors.
    public let file: String
    /// The column names of the header row.
    public let header: [String]
    /// Where each column name starts in the header row.
    public let headerLocations: [SourceLocation]
    private var cursor: CSVCursor
    private var failure: SeedIssue?
    private let descriptor: Int32

    /// Opens `path` and reads its header row.
    public convenience init(path: String) throws(SeedIssue) {
        try self.init(path: path, chunkSize: CSVCursor.defaultChunkSize)
    }

    init(path: String, chunkSize: Int) throws(SeedIssue) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SeedIssue(
                file: path, location: SourceLocation(line: 1, column: 1),
                message: "cannot open the file: \(CSVCursor.reason(errno))")
        }
        var cursor = CSVCursor(file: path, descriptor: descriptor, bytes: [], chunkSize: chunkSize)
        do throws(SeedIssue) {
            try cursor.readHeader()
        } catch {
            close(descriptor)
            throw error
        }
        self.file = path
        self.header = cursor.header
        self.headerLocations = cursor.headerLocations
        self.cursor = cursor
        self.descriptor = descriptor
    }

    /// Reads the CSV text `bytes` (a file built into the binary), named `file` in errors.
    public init(bytes: [UInt8], file: String) throws(SeedIssue) {
        var cursor = CSVCursor(file: file, descriptor: -1, bytes: bytes, chunkSize: CSVCursor.defaultChunkSize)
        try cursor.readHeader()
        self.file = file
        self.header = cursor.header
        self.headerLocations = cursor.headerLocations
        self.cursor = cursor
        self.descriptor = -1
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// How many bytes of the file have been read so far (a chunk at a time).
    public var bytesRead: Int { cursor.bytesRead }

    /// The next data record, or nil at the end of the file.
    public func next() throws(SeedIssue) -> CSVRecord? {
        if let failure { throw failure }
        do throws(SeedIssue) {
            return try cursor.nextRecord()
        } catch {
            failure = error
            throw error
        }
    }

    /// Parses a whole CSV text held in memory, with the same rules (and code) as the streaming reader.
    public static func parse(_ bytes: [UInt8], file: String) throws(SeedIssue) -> (
        header: [String], records: [CSVRecord]
    ) {
        try parse(bytes, file: file, chunkSize: CSVCursor.defaultChunkSize)
    }

    /// `parse(_:file:)` feeding the state machine `chunkSize` bytes at a time, so that tests can make
    /// chunk boundaries fall anywhere.
    static func parse(_ bytes: [UInt8], file: String, chunkSize: Int) throws(SeedIssue) -> (
        header: [String], records: [CSVRecord]
    ) {
        var cursor = CSVCursor(file: file, descriptor: -1, bytes: bytes, chunkSize: chunkSize)
        try cursor.readHeader()
        var records: [CSVRecord] = []
        while let record = try cursor.nextRecord() { records.append(record) }
        return (cursor.header, records)
    }
}

/// Feeds chunks of a file descriptor or of an in-memory array to a ``CSVMachine`` and applies the
/// header rules. Both `CSVReader` entry points go through it.
struct CSVCursor {
    static let defaultChunkSize = 64 * 1024

    let file: String
    private(set) var header: [String] = []
    private(set) var headerLocations: [SourceLocation] = []
    private var machine: CSVMachine
    /// The file to read, or -1 to read `bytes`.
    private let descriptor: Int32
    private let bytes: [UInt8]
    private var bytesOffset = 0
    private let chunkSize: Int
    private var chunk: [UInt8]
    private var chunkPosition = 0
    private var chunkEnd = 0
    private var reachedEnd = false
    /// The bytes taken from the file or array so far.
    private(set) var bytesRead = 0

    init(file: String, descriptor: Int32, bytes: [UInt8], chunkSize: Int) {
        precondition(chunkSize > 0, "chunk size must be positive")
        self.file = file
        self.descriptor = descriptor
        self.bytes = bytes
        self.chunkSize = chunkSize
        self.chunk = descriptor >= 0 ? [UInt8](repeating: 0, count: chunkSize) : []
        self.machine = CSVMachine(file: file)
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)).lowercased() }

    /// Reads and checks the header row.
    mutating func readHeader() throws(SeedIssue) {
        guard let record = try nextRawRecord() else {
            throw SeedIssue(
                file: file, location: SourceLocation(line: 1, column: 1),
                message: "empty file: a CSV seed needs a header row")
        }
        var seen: Set<String> = []
        for (index, name) in record.fields.enumerated() {
            let location = record.locations[index]
            if name.isEmpty {
                throw SeedIssue(file: file, location: location, message: "empty column name in the header")
            }
            if !seen.insert(name).inserted {
                throw SeedIssue(
                    file: file, location: location, message: "duplicate column name '\(name)' in the header")
            }
        }
        header = record.fields
        headerLocations = record.locations
    }

    /// The next data record, checked against the header, or nil at the end.
    mutating func nextRecord() throws(SeedIssue) -> CSVRecord? {
        guard let record = try nextRawRecord() else { return nil }
        guard record.fields.count == header.count else {
            throw SeedIssue(
                file: file, location: SourceLocation(line: record.line, column: 1),
                message: "expected \(header.count) fields (as in the header), found \(record.fields.count)")
        }
        return CSVRecord(
            fields: record.fields, line: record.line, locations: record.locations, isQuoted: record.isQuoted)
    }

    private mutating func nextRawRecord() throws(SeedIssue) -> CSVMachine.RawRecord? {
        while true {
            if chunkPosition == chunkEnd {
                if reachedEnd { return nil }
                try refill()
                if chunkEnd == 0 {
                    reachedEnd = true
                    return try machine.finish()
                }
            }
            let (next, record) = try machine.advance(chunk, from: chunkPosition, to: chunkEnd)
            chunkPosition = next
            if let record { return record }
        }
    }

    private mutating func refill() throws(SeedIssue) {
        chunkPosition = 0
        if descriptor < 0 {
            let count = min(chunkSize, bytes.count - bytesOffset)
            chunk.removeAll(keepingCapacity: true)
            chunk.append(contentsOf: bytes[bytesOffset..<bytesOffset + count])
            bytesOffset += count
            bytesRead += count
            chunkEnd = count
            return
        }
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count >= 0 {
                chunkEnd = count
                bytesRead += count
                return
            }
            if errno == EINTR { continue }
            throw SeedIssue(
                file: file, location: machine.location, message: "cannot read the file: \(Self.reason(errno))")
        }
    }
}

/// The RFC 4180 state machine, fed one byte at a time; it validates UTF-8 and tracks locations as it goes,
/// so that chunk boundaries may fall anywhere (inside a quoted field, a CRLF pair or a UTF-8 character).
struct CSVMachine {
    /// A record as read, before the header rules are applied.
    struct RawRecord {
        var fields: [String]
        var line: Int
        /// Where each field starts.
        var locations: [SourceLocation]
        var isQuoted: [Bool]
    }

    private enum State {
        /// At the start of the stream, after `matched` bytes of a possible byte order mark.
        case byteOrderMark(matched: Int)
        case recordStart
        /// A carriage return at the start of a record (a blank CRLF line, or an error).
        case blankLineCarriageReturn
        case fieldStart
        case unquoted
        case quoted
        /// A quote inside a quoted field: the closing quote, or the first of a doubled quote.
        case quoteInQuoted
        /// A carriage return that ended a field, which a line feed must follow.
        case carriageReturn
    }

    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")

    let file: String
    /// The longest field accepted, so that an unterminated quote cannot make memory grow with the file.
    var maxFieldBytes = 16 * 1024 * 1024
    /// The most fields one record may have: a line of commas must not build millions of strings.
    var maxFields = 10_000
    private var state = State.byteOrderMark(matched: 0)
    /// The location of the next byte.
    private(set) var location = SourceLocation(line: 1, column: 1)
    /// Continuation bytes still expected by the current UTF-8 sequence, and the range of the next one.
    private var utf8Pending = 0
    private var utf8Low: UInt8 = 0x80
    private var utf8High: UInt8 = 0xBF
    private var sequenceStart = SourceLocation(line: 1, column: 1)
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var locations: [SourceLocation] = []
    private var isQuoted: [Bool] = []
    private var recordLine = 1
    private var fieldStart = SourceLocation(line: 1, column: 1)
    private var openingQuote = SourceLocation(line: 1, column: 1)
    private var lastCarriageReturn = SourceLocation(line: 1, column: 1)
    private var firstBlankLine: SourceLocation?

    init(file: String) {
        self.file = file
    }

    /// Consumes `chunk[start..<end]` until a record is complete; returns the index after the last byte used.
    mutating func advance(_ chunk: [UInt8], from start: Int, to end: Int) throws(SeedIssue) -> (
        next: Int, record: RawRecord?
    ) {
        var index = start
        while index < end {
            let byte = chunk[index]
            index += 1
            if let record = try consume(byte) { return (index, record) }
        }
        return (end, nil)
    }

    /// Ends the input: returns the last record if it had no line break, or throws if the input stops short.
    mutating func finish() throws(SeedIssue) -> RawRecord? {
        if case .byteOrderMark(let matched) = state {
            state = .recordStart
            for byte in Self.byteOrderMark.prefix(matched) { _ = try consume(byte) }
        }
        if utf8Pending > 0 { throw failure("invalid UTF-8", at: sequenceStart) }
        switch state {
        case .byteOrderMark, .recordStart:
            return nil
        case .blankLineCarriageReturn, .carriageReturn:
            throw failure("carriage return without a line feed", at: lastCarriageReturn)
        case .quoted:
            throw failure("unterminated quoted field", at: openingQuote)
        case .fieldStart:
            locations.append(location)
            isQuoted.append(false)
            return try endRecord()
        case .unquoted, .quoteInQuoted:
            return try endRecord()
        }
    }

    private mutating func consume(_ byte: UInt8) throws(SeedIssue) -> RawRecord? {
        if case .byteOrderMark(let matched) = state {
            if byte == Self.byteOrderMark[matched] {
                state = matched == 2 ? .recordStart : .byteOrderMark(matched: matched + 1)
                return nil
            }
            state = .recordStart
            for earlier in Self.byteOrderMark.prefix(matched) { _ = try consume(earlier) }
        }
        let here = location
        if utf8Pending > 0 {
            // A continuation byte: only field states accept the lead byte, so it belongs to the field.
            guard byte >= utf8Low && byte <= utf8High else { throw failure("invalid UTF-8", at: sequenceStart) }
            utf8Pending -= 1
            utf8Low = 0x80
            utf8High = 0xBF
            try append(byte)
            return nil
        }
        if byte >= 0x80 { try startSequence(byte, at: here) }
        location.advance(past: byte)
        switch state {
        case .byteOrderMark, .recordStart:
            if byte == Self.lineFeed {
                if firstBlankLine == nil { firstBlankLine = here }
                return nil
            }
            if byte == Self.carriageReturn {
                lastCarriageReturn = here
                state = .blankLineCarriageReturn
                return nil
            }
            if let firstBlankLine { throw failure("blank line before the end of the file", at: firstBlankLine) }
            recordLine = here.line
            return try startField(byte, at: here)
        case .blankLineCarriageReturn:
            guard byte == Self.lineFeed else {
                throw failure("carriage return without a line feed", at: lastCarriageReturn)
            }
            if firstBlankLine == nil { firstBlankLine = lastCarriageReturn }
            state = .recordStart
        case .fieldStart:
            return try startField(byte, at: here)
        case .unquoted:
            switch byte {
            case Self.comma:
                try endField()
                state = .fieldStart
            case Self.lineFeed:
                return try endRecord()
            case Self.carriageReturn:
                lastCarriageReturn = here
                state = .carriageReturn
            case Self.quote:
                throw failure("quote in an unquoted field (quote the whole field and double the quote)", at: here)
            default:
                try append(byte)
            }
        case .quoted:
            if byte == Self.quote {
                state = .quoteInQuoted
            } else {
                try append(byte)
            }
        case .quoteInQuoted:
            switch byte {
            case Self.quote:
                try append(byte)
                state = .quoted
            case Self.comma:
                try endField()
                state = .fieldStart
            case Self.lineFeed:
                return try endRecord()
            case Self.carriageReturn:
                lastCarriageReturn = here
                state = .carriageReturn
            default:
                throw failure("unexpected text after a closing quote (expected ',' or a line end)", at: here)
            }
        case .carriageReturn:
            guard byte == Self.lineFeed else {
                throw failure("carriage return without a line feed", at: lastCarriageReturn)
            }
            return try endRecord()
        }
        return nil
    }

    private mutating func startField(_ byte: UInt8, at here: SourceLocation) throws(SeedIssue) -> RawRecord? {
        fieldStart = here
        locations.append(here)
        isQuoted.append(byte == Self.quote)
        switch byte {
        case Self.quote:
            openingQuote = here
            state = .quoted
        case Self.comma:
            try endField()
            state = .fieldStart
        case Self.lineFeed:
            return try endRecord()
        case Self.carriageReturn:
            lastCarriageReturn = here
            state = .carriageReturn
        default:
            try append(byte)
            state = .unquoted
        }
        return nil
    }

    /// Starts a multi-byte UTF-8 sequence at its lead byte, or throws if the byte cannot lead one.
    private mutating func startSequence(_ lead: UInt8, at here: SourceLocation) throws(SeedIssue) {
        guard let rule = SourceText.UTF8Lead(lead) else { throw failure("invalid UTF-8", at: here) }
        utf8Pending = rule.continuationCount
        utf8Low = rule.firstLow
        utf8High = rule.firstHigh
        sequenceStart = here
    }

    private mutating func append(_ byte: UInt8) throws(SeedIssue) {
        guard field.count < maxFieldBytes else {
            var hint = ""
            if case .quoted = state { hint = " (is a quote unterminated?)" }
            throw failure("field longer than \(maxFieldBytes) bytes\(hint)", at: fieldStart)
        }
        field.append(byte)
    }

    private mutating func endField() throws(SeedIssue) {
        guard fields.count < maxFields else {
            throw failure("more than \(maxFields) fields in one record", at: fieldStart)
        }
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRecord() throws(SeedIssue) -> RawRecord {
        try endField()
        let record = RawRecord(fields: fields, line: recordLine, locations: locations, isQuoted: isQuoted)
        // The next record most likely has as many fields: no regrowth while it is read.
        let count = fields.count
        fields = []
        fields.reserveCapacity(count)
        locations = []
        locations.reserveCapacity(count)
        isQuoted = []
        isQuoted.reserveCapacity(count)
        state = .recordStart
        return record
    }

    private func failure(_ message: String, at location: SourceLocation) -> SeedIssue {
        SeedIssue(file: file, location: location, message: message)
    }
}
