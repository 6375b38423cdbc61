import Foundation
import Testing

@testable import CatalogSeeds

@Suite struct CSVReaderTests {
    /// One input that must fail, with where and why.
    struct Failure: Sendable, CustomTestStringConvertible {
        var csv: [UInt8]
        var line: Int
        var column: Int
        var message: String

        init(_ csv: String, _ line: Int, _ column: Int, _ message: String) {
            self.init(Array(csv.utf8), line, column, message)
        }

        init(_ csv: [UInt8], _ line: Int, _ column: Int, _ message: String) {
            self.csv = csv
            self.line = line
            self.column = column
            self.message = message
        }

        var testDescription: String { "\(String(decoding: csv, as: UTF8.self).debugDescription) -> \(message)" }
    }

    static let file = "seeds/things.csv"

    /// The header and records of `text`, the records without their field locations (see
    /// `locatesEveryField` for those).
    func parse(_ text: String, chunkSize: Int = 64 * 1024) throws -> (header: [String], records: [CSVRecord]) {
        let result = try CSVReader.parse(Array(text.utf8), file: Self.file, chunkSize: chunkSize)
        return (result.header, result.records.map(\.unlocated))
    }

    func parseError(_ bytes: [UInt8], chunkSize: Int = 64 * 1024) -> SeedIssue? {
        do throws(SeedIssue) {
            _ = try CSVReader.parse(bytes, file: Self.file, chunkSize: chunkSize)
            return nil
        } catch {
            return error
        }
    }

    /// A fresh temporary directory, removed by `body`'s end.
    func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    @Test func readsTheHeaderAndRecordsWithTheirLines() throws {
        let result = try CSVReader.parse(Array("id,name\n1,Ada\n2,\n3,Grace".utf8), file: Self.file)
        #expect(result.header == ["id", "name"])
        func at(_ line: Int, _ columns: Int...) -> [SourceLocation] {
            columns.map { SourceLocation(line: line, column: $0) }
        }
        #expect(
            result.records == [
                CSVRecord(fields: ["1", "Ada"], line: 2, locations: at(2, 1, 3), isQuoted: [false, false]),
                CSVRecord(fields: ["2", ""], line: 3, locations: at(3, 1, 3), isQuoted: [false, false]),
                CSVRecord(fields: ["3", "Grace"], line: 4, locations: at(4, 1, 3), isQuoted: [false, false]),
            ])
        #expect(try parse("id,name\n").records.isEmpty)
        #expect(try parse("id").header == ["id"])
    }

    @Test func readsQuotedFieldsWithCommasQuotesAndLineBreaks() throws {
        let text =
            "id,text,note\n1,\"a, b\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",\"crlf\r\ninside\"\n3,\"\",\"\"\"\"\n4,x,y\n"
        let result = try parse(text)
        #expect(
            result.records == [
                CSVRecord(fields: ["1", "a, b", "say \"hi\""], line: 2),
                CSVRecord(fields: ["2", "two\nlines", "crlf\r\ninside"], line: 3),
                CSVRecord(fields: ["3", "", "\""], line: 6),
                CSVRecord(fields: ["4", "x", "y"], line: 7),
            ])
    }

    @Test func acceptsCRLFAByteOrderMarkAndOneTrailingEmptyLine() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,name\r\n1,\"Ada\"\r\n2,é\r\n".utf8)
        let result = try CSVReader.parse(bytes, file: Self.file)
        #expect(result.header == ["id", "name"])
        #expect(
            result.records.map(\.unlocated) == [
                CSVRecord(fields: ["1", "Ada"], line: 2), CSVRecord(fields: ["2", "é"], line: 3),
            ])
        #expect(try parse("a,b\n1,2\n\n").records == [CSVRecord(fields: ["1", "2"], line: 2)])
        #expect(try parse("a,b\r\n1,2\r\n\r\n").records == [CSVRecord(fields: ["1", "2"], line: 2)])
        #expect(try parse("a,b\n1,\n").records == [CSVRecord(fields: ["1", ""], line: 2)])
        #expect(try parse("a,b\n1,").records == [CSVRecord(fields: ["1", ""], line: 2)])
        #expect(try parse("a,b\n1,\"2\"").records == [CSVRecord(fields: ["1", "2"], line: 2)])
        // A byte order mark anywhere else is data.
        #expect(try parse("a\n\u{FEFF}x\n").records == [CSVRecord(fields: ["\u{FEFF}x"], line: 2)])
    }

    static let failures: [Failure] = [
        Failure("", 1, 1, "empty file: a CSV seed needs a header row"),
        Failure([0xEF, 0xBB, 0xBF], 1, 1, "empty file: a CSV seed needs a header row"),
        Failure("\n", 1, 1, "empty file: a CSV seed needs a header row"),
        Failure("id,name,id\n", 1, 9, "duplicate column name 'id' in the header"),
        Failure("id,,name\n", 1, 4, "empty column name in the header"),
        Failure("id,name,\n1,2,3\n", 1, 9, "empty column name in the header"),
        Failure("id,name,", 1, 9, "empty column name in the header"),
        Failure("a,b\n1\r2,3\n", 2, 2, "carriage return without a line feed"),
        Failure("a,b\n1,2\r", 2, 4, "carriage return without a line feed"),
        Failure("a,b\n1,2\n\r3,4\n", 3, 1, "carriage return without a line feed"),
        Failure("a,b\n1,\"2\"\rx\n", 2, 6, "carriage return without a line feed"),
        Failure(
            "a,b\n1,x\"y\"\n", 2, 4, "quote in an unquoted field (quote the whole field and double the quote)"),
        Failure(
            "a,b\n1, \"y\"\n", 2, 4, "quote in an unquoted field (quote the whole field and double the quote)"),
        Failure("a,b\n1,\"x\"y\n", 2, 6, "unexpected text after a closing quote (expected ',' or a line end)"),
        Failure("a,b\n1,\"x\" \n", 2, 6, "unexpected text after a closing quote (expected ',' or a line end)"),
        Failure("a,b\n1,2\n3,\"open\n4,5\n", 3, 3, "unterminated quoted field"),
        Failure("a,b,c\n1,2,3\n1,2\n", 3, 1, "expected 3 fields (as in the header), found 2"),
        Failure("a,b\n1,2,3\n", 2, 1, "expected 2 fields (as in the header), found 3"),
        Failure("a,b\n\"x\ny\",2,3\n", 2, 1, "expected 2 fields (as in the header), found 3"),
        Failure("a,b\n1,2\n\n3,4\n", 3, 1, "blank line before the end of the file"),
        Failure("a,b\r\n1,2\r\n\r\n\r\n3,4\r\n", 3, 1, "blank line before the end of the file"),
        Failure("\na,b\n", 1, 1, "blank line before the end of the file"),
        Failure(Array("a,b\n1,2\n3,x".utf8) + [0xFF] + Array("\n".utf8), 3, 4, "invalid UTF-8"),
        Failure(Array("a,b\n1,\"x\nyé".utf8) + [0xE2, 0x82] + Array("\"\n".utf8), 3, 3, "invalid UTF-8"),
        Failure(Array("a,b\n1,é".utf8) + [0xC3], 2, 4, "invalid UTF-8"),
        Failure([0xEF, 0xBB], 1, 1, "invalid UTF-8"),
        Failure([0xEF, 0xBB, 0x41], 1, 1, "invalid UTF-8"),
        Failure([0xED, 0xA0, 0x80], 1, 1, "invalid UTF-8"),
    ]

    @Test(arguments: failures) func rejectsInvalidCSV(_ failure: Failure) {
        let expected = SeedIssue(
            file: Self.file, location: SourceLocation(line: failure.line, column: failure.column),
            message: failure.message)
        for chunkSize in [64 * 1024, 1, 2, 3, 7] {
            #expect(parseError(failure.csv, chunkSize: chunkSize) == expected, "chunk size \(chunkSize)")
        }
    }

    @Test func anUnterminatedQuoteNamesItsLineAndReturnsNothingAfterIt() throws {
        var lines = ["id,name,note"]
        for number in 2...10 {
            lines.append(number == 3 ? "3,\"Ada,forgot to close" : "\(number),name \(number),note")
        }
        let text = lines.joined(separator: "\n") + "\n"
        let expected = SeedIssue(
            file: Self.file, location: SourceLocation(line: 3, column: 3), message: "unterminated quoted field")
        #expect(parseError(Array(text.utf8)) == expected)

        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("things.csv").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let reader = try CSVReader(path: path)
            #expect(reader.header == ["id", "name", "note"])
            var records: [CSVRecord] = []
            var caught: SeedIssue?
            do throws(SeedIssue) {
                while let record = try reader.next() { records.append(record) }
            } catch {
                caught = error
            }
            #expect(records.map(\.unlocated) == [CSVRecord(fields: ["2", "name 2", "note"], line: 2)])
            #expect(caught == SeedIssue(file: path, location: expected.location, message: expected.message))
            // The reader stays failed.
            #expect(throws: SeedIssue.self) { try reader.next() }
        }
    }

    @Test func chunkBoundariesMayFallAnywhere() throws {
        let bytes: [UInt8] =
            [0xEF, 0xBB, 0xBF]
            + Array(
                "id,text,symbols\r\n1,\"multi\r\nline, with \"\"quotes\"\"\",é€😀\r\n2,plain,\"x\"\n3,\"\",\r\n4,a,\"😀\""
                    .utf8)
        let expected: [CSVRecord] = [
            CSVRecord(fields: ["1", "multi\r\nline, with \"quotes\"", "é€😀"], line: 2),
            CSVRecord(fields: ["2", "plain", "x"], line: 4),
            CSVRecord(fields: ["3", "", ""], line: 5),
            CSVRecord(fields: ["4", "a", "😀"], line: 6),
        ]
        for chunkSize in [1, 2, 3, 4, 5, 6, 7, 11, 64, 64 * 1024] {
            let result = try CSVReader.parse(bytes, file: Self.file, chunkSize: chunkSize)
            #expect(result.header == ["id", "text", "symbols"], "chunk size \(chunkSize)")
            #expect(result.records.map(\.unlocated) == expected, "chunk size \(chunkSize)")
        }

        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("chunks.csv").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            for chunkSize in [1, 2, 3, 7] {
                let reader = try CSVReader(path: path, chunkSize: chunkSize)
                var records: [CSVRecord] = []
                while let record = try reader.next() { records.append(record) }
                #expect(reader.header == ["id", "text", "symbols"])
                #expect(records.map(\.unlocated) == expected, "chunk size \(chunkSize)")
            }
        }
    }

    @Test func streamsALargeFileRecordByRecord() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("large.csv").path
            let count = 200_000
            var bytes: [UInt8] = Array("id,name,note,amount\n".utf8)
            bytes.reserveCapacity(21_000_000)
            let padding = String(repeating: "x", count: 50)
            for number in 1...count {
                bytes.append(
                    contentsOf: "\(number),name \(number),\"a note, with \"\"quotes\"\" \(padding)\",\(number * 3)\r\n"
                        .utf8)
            }
            #expect(bytes.count > 20_000_000)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            bytes = []

            let reader = try CSVReader(path: path)
            #expect(reader.header == ["id", "name", "note", "amount"])
            var seen = 0
            var last: CSVRecord?
            while let record = try reader.next() {
                seen += 1
                last = record
            }
            #expect(seen == count)
            #expect(
                last?.unlocated
                    == CSVRecord(
                        fields: ["200000", "name 200000", "a note, with \"quotes\" \(padding)", "600000"],
                        line: count + 1))
            #expect(try reader.next() == nil)
        }
    }

    @Test func reportsFilesThatCannotBeRead() throws {
        let missing = #expect(throws: SeedIssue.self) { _ = try CSVReader(path: "/nonexistent/things.csv") }
        #expect(missing?.file == "/nonexistent/things.csv")
        #expect(missing?.message == "cannot open the file: no such file or directory")
        try withTemporaryDirectory { directory in
            let directoryError = #expect(throws: SeedIssue.self) { _ = try CSVReader(path: directory.path) }
            #expect(directoryError?.message == "cannot read the file: is a directory")
            let empty = directory.appendingPathComponent("empty.csv").path
            try Data().write(to: URL(fileURLWithPath: empty))
            #expect(
                throws: SeedIssue(
                    file: empty, location: SourceLocation(line: 1, column: 1),
                    message: "empty file: a CSV seed needs a header row")
            ) {
                _ = try CSVReader(path: empty)
            }
        }
    }

    @Test func limitsTheLengthOfAField() {
        var machine = CSVMachine(file: Self.file)
        machine.maxFieldBytes = 4
        let chunk = Array("a,\"12345".utf8)
        let error = #expect(throws: SeedIssue.self) { _ = try machine.advance(chunk, from: 0, to: chunk.count) }
        #expect(error?.location == SourceLocation(line: 1, column: 3))
        #expect(error?.message == "field longer than 4 bytes (is a quote unterminated?)")
    }
}

extension CSVRecord {
    /// The fields and line only, to compare with records written out in a test.
    var unlocated: CSVRecord { CSVRecord(fields: fields, line: line) }
}
