/// How stored text is shown to a person: the one function every human-facing path uses (table
/// cells, the framework card, suggestions, error messages). Text from data never reaches a
/// terminal raw: a company named `Evil\u{1B}[2J` must not clear the screen, and a right-to-left
/// override must not make a line read differently from what it holds.
///
/// Control characters (C0, DEL, C1) and the bidirectional formatting characters are shown as
/// `\u{1B}`; line feed, tab and carriage return as `\n`, `\t`, `\r`. Everything else, other
/// scripts and emoji included, is shown as it is. Machine formats (JSON, CSV) keep exact values
/// with their own escaping.
public enum TerminalText {
    /// `text` with every character that could change how a terminal shows it escaped.
    public static func shown(_ text: String) -> String {
        escaped(text, keepingLineFeeds: false)
    }

    /// `text` escaped as `shown`, except that line feeds stay: for messages of several lines.
    public static func shownKeepingLines(_ text: String) -> String {
        escaped(text, keepingLineFeeds: true)
    }

    /// True for a character `shown` escapes.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F: return true
        // Arabic letter mark, left-to-right and right-to-left marks, embeddings, overrides, isolates.
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    private static func escaped(_ text: String, keepingLineFeeds: Bool) -> String {
        // Printable ASCII needs nothing: checked on bytes first (fast for a large value).
        guard !text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return text }
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where keepingLineFeeds: out.unicodeScalars.append(scalar)
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where needsEscape(scalar): out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
