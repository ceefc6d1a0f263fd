/// Undoes hard wraps that a terminal program made itself (Ink emits every visual row as its
/// own line, so `capture-pane -J` cannot rejoin them).
///
/// A row is joined to the one before when the earlier row was "full": the next row's first
/// word would not have fitted after it within `width - slack` columns. Rows that start a
/// list item, table rows, rows with a different indentation and blank rows stay separate,
/// so code lines (short, or indented) are kept as lines.
public struct WrapJoiner: Sendable {
    /// The width available to the text (pane width minus any gutter).
    public var width: Int
    /// How far short of `width` the program may wrap (Ink wraps a few columns early).
    public var slack: Int

    public init(width: Int, slack: Int = 6) {
        self.width = width
        self.slack = slack
    }

    public func join(_ rows: [String]) -> [String] {
        var out: [String] = []
        var previousRow: String?
        var hanging = 0
        for row in rows {
            if let previous = previousRow, !out.isEmpty, shouldJoin(previous, row, hanging: hanging) {
                out[out.count - 1] += (brokeInsideWord(previous) ? "" : " ") + PaneText.trimmed(row)
            } else {
                out.append(row)
                hanging = Self.hangingIndent(of: row)
            }
            previousRow = row
        }
        return out
    }

    private func shouldJoin(_ previous: String, _ row: String, hanging: Int) -> Bool {
        let body = PaneText.trimmed(row)
        guard !PaneText.trimmed(previous).isEmpty, !body.isEmpty else { return false }
        guard PaneText.indent(row) == hanging, Self.listMarkerLength(body) == 0 else { return false }
        if let first = body.first, "│├┌└┼╭╰▎|".contains(first) { return false }
        let firstWord = body.prefix { $0 != " " }
        return previous.count + 1 + firstWord.count > width - slack
    }

    /// Whether `row` is a word (a URL or path) that the program broke at the right edge
    /// without a space: the row fills the width exactly and ends inside a long token.
    func brokeInsideWord(_ row: String) -> Bool {
        guard row.count == width, let last = row.last, last != " " else { return false }
        let word = row.split(separator: " ").last ?? ""
        return word.count == PaneText.trimmed(row).count || word.contains("://") || word.count > 20 && word.contains("/")
    }

    /// The indentation of a paragraph's continuation rows: its own indent, plus the width of
    /// a list marker (`- `, `* `, `12. `) when it starts one.
    static func hangingIndent(of row: String) -> Int {
        PaneText.indent(row) + listMarkerLength(PaneText.trimmed(row))
    }

    static func listMarkerLength(_ body: String) -> Int {
        if body.hasPrefix("- ") || body.hasPrefix("* ") || body.hasPrefix("• ") { return 2 }
        let digits = body.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, body.dropFirst(digits.count).hasPrefix(". ") { return digits.count + 2 }
        return 0
    }
}
