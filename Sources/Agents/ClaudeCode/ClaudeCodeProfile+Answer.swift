import Foundation

/// Extracting the assistant's prose after the last prompt echo.
extension ClaudeCodeProfile {
    /// Rows after the echo → the answer: text blocks (`●`/`⏺` + gutter) are kept, tool calls
    /// and their `⎿` results, collapsed summaries, thinking rows, spinner and completion rows
    /// are dropped; the 2-column gutter is removed and hard wraps are rejoined. Nil when the
    /// block holds no prose.
    /// `afterEcho` is false when the prompt's echo scrolled off: the block then starts in the
    /// middle of the answer, with gutter rows that belong to it.
    static func extractAnswer(_ block: [String], width: Int, afterEcho: Bool = true) -> String? {
        var rows: [String] = []
        var keeping = !afterEcho
        var index = 0
        // Skip the rest of the echo (a multi-line prompt continues on indented rows).
        while afterEcho, index < block.count, !block[index].isEmpty, block[index].hasPrefix(" "),
              !PaneText.trimmed(block[index]).hasPrefix("⎿") {
            index += 1
        }
        while index < block.count {
            let row = block[index]
            index += 1
            if row.isEmpty {
                if keeping { rows.append("") }
                continue
            }
            if let first = row.first, first != " " {
                keeping = false
                guard Markers.bullets.contains(first), row.dropFirst().first == " " else { continue }
                var body = Substring(row.dropFirst(2))
                // A doubled bullet after a redraw (`⏺ ⏺ text`).
                while let again = body.first, Markers.bullets.contains(again), body.dropFirst().first == " " {
                    body = body.dropFirst(2)
                }
                let text = String(body)
                if isToolCall(text) || isCollapsedSummary(text) || text.contains("· /effort") { continue }
                if Markers.isSpinner(row) { continue }
                if let last = rows.last, !last.isEmpty { rows.append("") }
                rows.append(text)
                keeping = true
                continue
            }
            if PaneText.trimmed(row).hasPrefix("⎿") {
                keeping = false
                continue
            }
            if keeping {
                rows.append(row.count >= 2 ? String(row.dropFirst(2)) : "")
            }
        }
        // Collapse runs of blank rows and trim the ends.
        var cleaned: [String] = []
        for row in rows where !(row.isEmpty && (cleaned.last?.isEmpty ?? true)) {
            cleaned.append(row)
        }
        while cleaned.last?.isEmpty == true { cleaned.removeLast() }
        guard !cleaned.isEmpty else { return nil }
        return WrapJoiner(width: width - 2).join(cleaned).joined(separator: "\n")
    }

    /// `Read 2 files (ctrl+o to expand)`, `Searched for 3 patterns (ctrl+r to expand)`.
    static func isCollapsedSummary(_ text: String) -> Bool {
        text.hasSuffix("to expand)") || text.hasPrefix("Thinking") && text.contains("ctrl+")
    }
}
