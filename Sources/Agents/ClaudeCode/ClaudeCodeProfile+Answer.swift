import Foundation

/// Extracting the assistant's prose after the last prompt echo.
extension ClaudeCodeProfile {
    /// Rows after the echo → the answer: text blocks (`●`/`⏺` + gutter) are kept, tool calls
    /// and their `⎿` results, collapsed summaries, thinking rows, spinner and completion rows
    /// are dropped; the 2-column gutter is removed and hard wraps are rejoined. Nil when the
    /// block holds no prose.
    /// `afterEcho` is false when the prompt's echo scrolled off: the block then starts in the
    /// middle of the answer, with gutter rows that belong to it — unless they are the tail of
    /// `sent`'s own echo (a long pasted question whose first row scrolled off).
    /// Chrome (effort indicator, tmux notice), tool headers (`Running touch x`, `Ran 1 shell
    /// command`) and API error rows are never part of the answer.
    static func extractAnswer(_ block: [String], width: Int, afterEcho: Bool = true, sent: String? = nil) -> String? {
        var rows: [String] = []
        var keeping = !afterEcho
        var index = 0
        if !afterEcho, let sent {
            index = echoTailLength(block, sent: sent)
            if index > 0 { keeping = false }
        }
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
            if Markers.isChrome(row) || isToolHeader(row, next: block[index...].first { !$0.isEmpty }) {
                keeping = false
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
                if Markers.errorPrefixes.contains(where: text.hasPrefix)
                    || Markers.limitPrefixes.contains(where: text.hasPrefix) { continue }
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
        return WrapJoiner(width: width - 2).join(cleaned).compactMap(tableRow).joined(separator: "\n")
    }

    /// A markdown table as drawn (`┌──┬──┐`, `│ a  │ b │`, `├──┼──┤`, `└──┴──┘`) back in
    /// markdown's own form: border rows dropped, cells as `| a | b |`. Other rows unchanged.
    static func tableRow(_ row: String) -> String? {
        let body = PaneText.trimmed(row)
        guard let first = body.first else { return row }
        if "┌├└".contains(first), body.allSatisfy({ "─┌┐├┤└┘┬┴┼".contains($0) }) { return nil }
        guard first == "│", body.last == "│", body.count > 1 else { return row }
        let cells = body.dropFirst().dropLast().split(separator: "│", omittingEmptySubsequences: false)
            .map { PaneText.trimmed(String($0)) }
        return "| " + cells.joined(separator: " | ") + " |"
    }

    /// A tool's header row, bullet or not (the bullet blinks while it runs): `Ran 1 shell
    /// command`, `Did not run 1 call`, or any row whose next row is the tool's `⎿  $ command`.
    static func isToolHeader(_ row: String, next: String?) -> Bool {
        guard row.hasPrefix("  ") || row.first.map(Markers.bullets.contains) == true else { return false }
        var body = Substring(PaneText.trimmed(row))
        if let first = body.first, Markers.bullets.contains(first) { body = body.dropFirst().drop { $0 == " " } }
        for verb in ["Ran ", "Did not run "] where body.hasPrefix(verb) {
            let rest = body.dropFirst(verb.count)
            if rest.first?.isNumber == true { return true }
        }
        guard let next else { return false }
        return PaneText.trimmed(next).hasPrefix("⎿  $ ")
    }

    /// How many leading rows of a block without an echo are the tail of `sent`'s own echo:
    /// indented rows before the first column-0 row whose text all occurs in `sent`.
    static func echoTailLength(_ block: [String], sent: String) -> Int {
        let wanted = PaneText.collapsed(sent)
        var count = 0
        var sawText = false
        for row in block {
            if row.isEmpty || Markers.isHiddenLines(row) { count += 1; continue }
            guard row.hasPrefix(" "), !PaneText.trimmed(row).hasPrefix("⎿") else { break }
            let text = PaneText.collapsed(row)
            guard wanted.contains(text) else { return 0 }
            sawText = true
            count += 1
        }
        return sawText ? count : 0
    }

    /// `Read 2 files (ctrl+o to expand)`, `Searched for 3 patterns (ctrl+r to expand)`.
    static func isCollapsedSummary(_ text: String) -> Bool {
        text.hasSuffix("to expand)") || text.hasPrefix("Thinking") && text.contains("ctrl+")
    }
}
