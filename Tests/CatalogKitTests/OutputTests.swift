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

    let lists = ResultTable(
        columns: ["name", "frameworks", "open_source"],
        rows: [
            [.text("Pinterest, Inc."), .list(["Django", "Flask"]), .boolean(true)],
            [.text("A|B \"quoted\""), .list([]), .null],
        ])

    @Test func jsonLinesCSVAndMarkdown() {
        #expect(
            OutputFormat.jsonl.render(lists) == """
                {"name": "Pinterest, Inc.", "frameworks": ["Django", "Flask"], "open_source": true}
                {"name": "A|B \\"quoted\\"", "frameworks": [], "open_source": null}

                """)
        #expect(
            OutputFormat.csv.render(lists)
                == "name,frameworks,open_source\r\n\"Pinterest, Inc.\",Django; Flask,true\r\n\"A|B \"\"quoted\"\"\",,\r\n"
        )
        #expect(
            OutputFormat.markdown.render(lists) == """
                | name | frameworks | open\\_source |
                | --- | --- | --- |
                | Pinterest, Inc. | Django, Flask | true |
                | A\\|B "quoted" |  |  |

                """)
        #expect(CSVRenderer.field(" padded") == "\" padded\"")
        // Markdown and HTML read as themselves: a company name cannot become markup.
        #expect(
            MarkdownRenderer.escape("<b>Evil</b> *Corp* _x_ [a](b) `c` ~d~ &amp; #1 \\")
                == "\\<b\\>Evil\\</b\\> \\*Corp\\* \\_x\\_ \\[a\\](b) \\`c\\` \\~d\\~ \\&amp; \\#1 \\\\")
        #expect(JSONRenderer.uniqueKeys(["a", "a", "a_2", "b", "a"]) == ["a", "a_3", "a_2", "b", "a_4"])
        #expect(CSVRenderer.field("two\nlines") == "\"two\nlines\"")
    }

    @Test func tablesFitATerminalAndBoldTheirHeaderOnlyWhenAsked() {
        let wide = ResultTable(
            columns: ["name", "frameworks"],
            rows: [
                [.text("Google"), .list(["Django", "Spring Boot", "Flask", "Express", "Laravel", "Ruby on Rails"])]
            ])
        let fitted = OutputFormat.table.render(wide, width: 40)
        #expect(fitted.split(separator: "\n").allSatisfy { $0.count <= 40 })
        #expect(fitted.contains("…"))
        #expect(OutputFormat.table.render(wide).contains("Ruby on Rails"))
        #expect(OutputFormat.table.render(wide, colour: true).hasPrefix("\u{1B}[1mname"))
        #expect(!OutputFormat.table.render(wide).contains("\u{1B}"))
    }

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
                  {"name": "x", "year": 1.5, "note": {"blob": "00ff"}}
                ]

                """)
        #expect(OutputFormat.json.render(ResultTable(columns: ["a"])) == "[]\n")
        #expect(JSONRenderer.string("\u{1}é") == "\"\\u0001é\"")
    }
}

@Suite struct TerminalTextUnitTests {
    @Test func controlAndBidiCharactersAreShownEscapedAndOtherTextIsNot() {
        #expect(TerminalText.shown("PayPal") == "PayPal")
        #expect(TerminalText.shown("Zürich 東京 🚀") == "Zürich 東京 🚀")
        #expect(TerminalText.shown("a\u{1B}[2Jb") == "a\\u{1B}[2Jb")
        #expect(TerminalText.shown("bell\u{07} del\u{7F} csi\u{9B}") == "bell\\u{7} del\\u{7F} csi\\u{9B}")
        #expect(TerminalText.shown("one\ntwo\tthree\r") == "one\\ntwo\\tthree\\r")
        #expect(
            TerminalText.shown("abc\u{202E}fed\u{2066}x\u{2069}\u{200F}")
                == "abc\\u{202E}fed\\u{2066}x\\u{2069}\\u{200F}")
        #expect(TerminalText.shownKeepingLines("line 1\nline\u{1B} 2") == "line 1\nline\\u{1B} 2")
    }
}
