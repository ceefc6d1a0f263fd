/// Greedy word wrap the way Ink does it: every visual row becomes its own line.
///
/// - `hangingIndent`: spaces in front of continuation rows (list items use 2).
/// - `keepIndent`: keep the text's own leading spaces and repeat them on continuation rows.
/// Words longer than a row are split by characters.
func wrap(_ text: String, width: Int, hangingIndent: Int = 0, keepIndent: Bool = false) -> [String] {
    let width = max(width, 8)
    if text.count <= width { return [text] }
    var lead = ""
    var body = Substring(text)
    if keepIndent {
        let spaces = text.prefix { $0 == " " }
        lead = String(spaces)
        body = text.dropFirst(spaces.count)
    }
    let continuation = keepIndent ? lead : String(repeating: " ", count: hangingIndent)
    var rows: [String] = []
    var current = lead
    var currentHasWord = false
    for word in body.split(separator: " ", omittingEmptySubsequences: true) {
        var word = Substring(word)
        while true {
            let needed = (currentHasWord ? 1 : 0) + word.count
            if current.count + needed <= width {
                current += (currentHasWord ? " " : "") + word
                currentHasWord = true
                break
            }
            if currentHasWord {
                rows.append(current)
                current = continuation
                currentHasWord = false
                continue
            }
            // A word longer than a whole row: split it.
            let room = max(1, width - current.count)
            current += word.prefix(room)
            word = word.dropFirst(room)
            rows.append(current)
            current = continuation
            if word.isEmpty { break }
        }
    }
    if currentHasWord { rows.append(current) }
    return rows
}

/// Wraps `text` behind a first-row prefix (`● `, `❯ `, `  ⎿  `) with continuation rows
/// indented to the prefix's width. With `last`, wraps lines from the end only until at least
/// that many rows are known, and returns just those (the rows above are never needed).
func gutter(_ text: String, first: String, width: Int, last limit: Int? = nil) -> [String] {
    let indent = String(repeating: " ", count: first.count)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var chunks: [[String]] = []
    var count = 0
    for (i, line) in lines.enumerated().reversed() {
        if let limit, count >= limit { break }
        let rows = wrap(String(line), width: width - first.count).enumerated().map { j, row in
            (i == 0 && j == 0 ? first : indent) + row
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
