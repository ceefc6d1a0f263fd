/// Word wrap the way Claude Code's renderer (Ink, `wrap-ansi` with `hard: true`) does it, for
/// one line of text; every visual row becomes its own string.
///
/// Words go on the row while they fit; a word that does not fit starts the next row. A word
/// longer than a whole row is broken by characters: it starts on the current row unless
/// starting it on the next row needs fewer breaks (so a long URL after `See the docs at` fills
/// that row to the edge). Like `wrap-ansi` with `trim: false`, the space before a word counts
/// even at the start of a row that began because the one before was exactly full (so
/// `… set of` / `flags …` breaks one word early at 80 columns); that space is not drawn, nor
/// are spaces at the ends of rows. A line's own leading spaces are kept.
///
/// - `keepIndent`: keep the text's own leading spaces and repeat them on continuation rows
///   (code lines).
func wrap(_ text: String, width: Int, keepIndent: Bool = false) -> [String] {
    let width = max(width, 8)
    if text.count <= width { return [PaneRow.rightTrimmed(text)] }
    if keepIndent {
        let lead = String(text.prefix { $0 == " " })
        guard !lead.isEmpty, lead.count < width - 4 else { return wrap(text, width: width) }
        return wrap(String(text.dropFirst(lead.count)), width: width - lead.count).map { lead + $0 }
    }
    var rows = [""]
    for (index, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
        var rowLength = rows[rows.count - 1].count
        if index > 0 {
            if rowLength >= width {
                rows.append("")
                rowLength = 0
            }
            // The space before every word but the first counts, even at the start of a row that
            // began because the one before was full (it is not drawn there; see below).
            rows[rows.count - 1] += " "
            rowLength += 1
        }
        if word.count > width {
            let remaining = width - rowLength
            let breaksStartingThisRow = 1 + (word.count - remaining - 1) / width
            let breaksStartingNextRow = (word.count - 1) / width
            if breaksStartingNextRow < breaksStartingThisRow { rows.append("") }
            breakWord(word, into: &rows, width: width)
            continue
        }
        if rowLength + word.count > width && rowLength > 0 && !word.isEmpty {
            rows.append("")
        }
        rows[rows.count - 1] += word
    }
    return rows.enumerated().map { index, row in
        PaneRow.rightTrimmed(index == 0 ? row : String(row.drop { $0 == " " }))
    }
}

/// Appends `word` character by character, starting a new row at the edge.
private func breakWord(_ word: Substring, into rows: inout [String], width: Int) {
    var visible = rows[rows.count - 1].count
    for (index, character) in word.enumerated() {
        if visible + 1 <= width {
            rows[rows.count - 1].append(character)
        } else {
            rows.append(String(character))
            visible = 0
        }
        visible += 1
        if visible == width && index < word.count - 1 {
            rows.append("")
            visible = 0
        }
    }
}

/// Wraps `text` behind a first-row prefix (`● `, `❯ `, `  ⎿  `) with continuation rows
/// indented to the prefix's width; rows are at most `width` columns wide, prefix included.
/// With `last`, wraps lines from the end only until at least that many rows are known, and
/// returns just those (the rows above are never needed).
func gutter(_ text: String, first: String, width: Int, last limit: Int? = nil) -> [String] {
    let indent = String(repeating: " ", count: first.count)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var chunks: [[String]] = []
    var count = 0
    for (i, line) in lines.enumerated().reversed() {
        if let limit, count >= limit { break }
        let rows = wrap(String(line), width: width - first.count).enumerated().map { j, row in
            PaneRow.rightTrimmed((i == 0 && j == 0 ? first : indent) + row)
        }
        chunks.append(rows)
        count += rows.count
    }
    let out = Array(chunks.reversed().joined())
    return limit.map { Array(out.suffix($0)) } ?? out
}

/// Pads `text` with spaces to `width` characters.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

enum PaneRow {
    /// `text` without trailing spaces (a terminal shows none, and tmux captures none).
    static func rightTrimmed(_ text: String) -> String {
        var text = Substring(text)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
