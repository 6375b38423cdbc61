import CatalogSQLite
import Testing

@testable import CatalogKit

@Suite struct OutputTests {
    let table = ResultTable(
        columns: ["name", "year", "note"],
        rows: [
            [.text("Django"), .integer(2005), .null],
            [.text("Ruby on Rails"), .integer(2004), .text("say \"hi\"\n\\ok")],
            [.text("x"), .real(1.5), .blob([0, 255])],
        ])

    @Test func tableAlignsColumnsAndEscapesLineBreaks() {
        #expect(
            OutputFormat.table.render(table) == """
                name           year  note
                -------------  ----  -------------
                Django         2005
                Ruby on Rails  2004  say "hi"\\n\\ok
                x              1.5   x'00ff'

                """)
    }

    @Test func jsonIsAnArrayOfObjectsWithTypedValues() {
        #expect(
            OutputFormat.json.render(table) == """
                [
                  {"name": "Django", "year": 2005, "note": null},
                  {"name": "Ruby on Rails", "year": 2004, "note": "say \\"hi\\"\\n\\\\ok"},
                  {"name": "x", "year": 1.5, "note": "00ff"}
                ]

                """)
        #expect(OutputFormat.json.render(ResultTable(columns: ["a"])) == "[]\n")
        #expect(JSONRenderer.string("\u{1}é") == "\"\\u0001é\"")
    }
}
