import Foundation

/// Classifying one capture of a Claude Code pane, following the detection order of the
/// research notes (§9): modal first, then limit/error rows after the last prompt, then busy
/// markers, then idle.
extension ClaudeCodeProfile {
    typealias Markers = ClaudeCodeMarkers

    public func parse(_ pane: String, after submission: Submission?) -> ScreenState {
        let lines = PaneText.lines(pane)
        let width = Self.paneWidth(lines)
        guard let composer = Self.findComposer(lines) else {
            let echoes = Self.echoRows(lines[...]).count
            if var modal = Self.findModal(lines) {
                modal.echoCount = echoes
                return modal
            }
            return ScreenState(kind: .unknown, detail: "no composer and no known dialog on screen", echoCount: echoes)
        }
        let footer = Array(lines[(composer.bottom + 1)...])
        var state = Self.readTranscript(lines, composer: composer, footer: footer, width: width, submission: submission)
        state.permissionMode = Markers.permissionMode(footer)
        state.echoCount = Self.echoRows(lines[..<composer.top]).count
        return state
    }

    /// The rows above the composer: limit and error rows, busy markers, the answer.
    static func readTranscript(_ lines: [String], composer: (top: Int, bottom: Int), footer: [String], width: Int,
                               submission: Submission?) -> ScreenState {
        let transcript = lines[..<composer.top]
        let (echo, matched) = findEcho(transcript, sent: submission?.text, index: submission?.echoIndex)
        let window = { (from: Int) in Array(lines[max(from, composer.top - 8)..<composer.top]) }
        if submission != nil && !matched {
            // Only older prompts are on screen: ours was not submitted (or not drawn) yet.
            if var retry = retryState(window(0)) {
                retry.promptEchoed = false
                return retry
            }
            let busy = busyMarker(window(0), footer: footer)
            return ScreenState(kind: busy == nil ? .idle : .busy, detail: busy ?? "the prompt is not on screen yet",
                               promptEchoed: false)
        }
        let echoed: Bool? = submission == nil ? nil : true
        let blockStart = echo.map { $0 + 1 } ?? 0
        // An older prompt's answer ends where the next prompt's echo begins.
        let blockEnd = lines[blockStart..<composer.top].firstIndex { Markers.echoText($0) != nil } ?? composer.top
        let block = Array(lines[blockStart..<blockEnd])
        // No echo at all: either a fresh screen (banner, nothing after `/clear`) or the top of
        // a long answer (or of our own long echo) that scrolled off.
        let midAnswer = echo == nil && startsMidAnswer(transcript)
        let answer = echo == nil && !midAnswer
            ? nil : extractAnswer(block, width: width, afterEcho: echo != nil, sent: submission?.text)

        if let (kind, message) = limitOrError(block, width: width) {
            return ScreenState(kind: kind, answer: answer, detail: message, promptEchoed: echoed,
                               errorKind: kind == .error ? Markers.errorKind(message) : nil)
        }
        if var retry = retryState(window(blockStart)) {
            retry.promptEchoed = echoed
            return retry
        }
        if let busy = busyMarker(window(blockStart), footer: footer) {
            return ScreenState(kind: .busy, detail: busy, promptEchoed: echoed)
        }
        let completion = block.last(where: Markers.isCompletion)
            ?? block.last(where: { $0.contains("Interrupted · What should Claude do instead?") }).map(PaneText.trimmed)
        var idle = ScreenState(kind: .idle, answer: answer, detail: completion, promptEchoed: echoed)
        idle.turnCompleted = block.contains(where: Markers.isCompletion)
        idle.interrupted = (completion ?? "").contains("Interrupted")
        return idle
    }

    /// Busy with an API retry row above the composer (`✻ 429 Rate limited · retrying in 2s ·
    /// attempt 3/10`): its sub-kind and attempt numbers.
    static func retryState(_ window: [String]) -> ScreenState? {
        for row in window.reversed() {
            guard let retry = Markers.retryRow(row) else { continue }
            return ScreenState(kind: .busy, detail: retry.text, errorKind: Markers.errorKind(retry.text),
                               retryAttempt: retry.attempt, retryOf: retry.of)
        }
        return nil
    }

    /// Indices of the prompt echoes (`❯ text` at column 0) in `lines`.
    static func echoRows(_ lines: ArraySlice<String>) -> [Int] {
        lines.indices.filter { Markers.echoText(lines[$0]) != nil }
    }

    /// The pane width: the longest rule (rules span the pane), else the longest row.
    static func paneWidth(_ lines: [String]) -> Int {
        let rules = lines.filter(Markers.isRule).map(\.count)
        return rules.max() ?? lines.map(\.count).max() ?? 80
    }

    // MARK: Composer

    /// The composer sandwich at the bottom: a rule, a `❯` row (plus wrapped rows), a rule,
    /// then at most a few footer rows.
    static func findComposer(_ lines: [String]) -> (top: Int, bottom: Int)? {
        let count = lines.count
        guard count >= 3 else { return nil }
        for bottom in stride(from: count - 1, through: max(1, count - 12), by: -1) where Markers.isRule(lines[bottom]) {
            let after = lines[(bottom + 1)...]
            if after.filter({ !$0.isEmpty }).count > 4 || after.contains(where: Markers.isRule) { continue }
            for top in stride(from: bottom - 1, through: max(0, bottom - 14), by: -1) where Markers.isRule(lines[top]) {
                if let input = lines[(top + 1)..<bottom].first(where: { !$0.isEmpty }), Markers.isComposerInput(input) {
                    return (top, bottom)
                }
                break
            }
        }
        return nil
    }

    /// The echoed prompt to read the answer after, and whether it is `sent`'s.
    ///
    /// With `index` (the echo count before sending), the echo at that position is ours, and
    /// is missing while fewer echoes exist. Otherwise, with `sent`, the last echo that shows
    /// its first line (or a prefix of it, when the echo wrapped) wins; `[Pasted text …]` echoes
    /// match any text. When no echo is on screen at all (a long answer pushed it off), the
    /// answer is read from the top and counts as matched; when only other prompts' echoes are
    /// visible, it does not match. Without `sent`, the last echo is used.
    static func findEcho(_ lines: ArraySlice<String>, sent: String?, index: Int? = nil) -> (index: Int?, matched: Bool) {
        let echoes = echoRows(lines)
        let wanted = sent.map { sent in
            PaneText.collapsed(sent.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
                .first(where: { !PaneText.trimmed(String($0)).isEmpty }).map(String.init) ?? sent)
        }
        // The echo is drawn as markdown (`# heading` without its `#`, `**bold**` without the
        // stars, code without backticks): compared on letters and digits too.
        // A fenced block's opening line is not drawn at all, so the whole text's key is used.
        let wantedKey = sent.map(Self.echoKey)
        func shows(_ row: Int) -> Bool {
            guard let wanted, let wantedKey else { return true }
            let shown = PaneText.collapsed(Markers.echoText(lines[row]) ?? "")
            if shown.hasPrefix("[Pasted text") { return true }
            if !shown.isEmpty && (wanted.hasPrefix(shown) || shown.hasPrefix(wanted)) { return true }
            let shownKey = Self.echoKey(shown)
            // A question of punctuation only ("#", "?", "/\"&`") matches an echo of punctuation
            // only, never a driver command such as `❯ /clear`.
            if wantedKey.isEmpty || shownKey.isEmpty { return wantedKey.isEmpty && shownKey.isEmpty }
            return wantedKey.contains(shownKey) || shownKey.hasPrefix(wantedKey)
        }
        if let index {
            guard index >= 0 && index < echoes.count else { return (nil, false) }
            if shows(echoes[index]) { return (echoes[index], true) }
            // The CLI redrew its transcript after the echoes were counted (the classic renderer
            // does after /clear): the echo at that position is another prompt's. Ours is the
            // last one showing its text at or after it, else none yet.
            let match = echoes[index...].last(where: shows)
            return (match, match != nil)
        }
        guard sent != nil else { return (echoes.last, true) }
        guard !echoes.isEmpty else { return (nil, startsMidAnswer(lines)) }
        let match = echoes.last(where: shows)
        return (match, match != nil)
    }

    /// The letters and digits of an echo, in order: what survives the CLI's markdown rendering.
    static func echoKey(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }))
    }

    /// Whether rows with no echo on them begin inside an answer (its echo scrolled off the
    /// top) rather than being a fresh screen (banner, or nothing after `/clear`).
    static func startsMidAnswer(_ lines: ArraySlice<String>) -> Bool {
        guard let first = lines.first(where: { !$0.isEmpty }) else { return false }
        if lines.contains(where: Markers.isBanner) { return false }
        if first.hasPrefix("  ") { return true }
        guard let glyph = first.first else { return false }
        return Markers.bullets.contains(glyph) && first.dropFirst().first == " "
    }

    // MARK: Limit, error, busy

    /// A limit or error row after the last prompt (`⎿  You've hit your limit …`,
    /// `⎿  API Error: …`, `● API Error: …`). Rows under a tool call are tool output and do
    /// not count; API errors that are being retried are busy, not errors.
    static func limitOrError(_ block: [String], width: Int) -> (ScreenState.Kind, String)? {
        var inTool = false
        for (index, row) in block.enumerated() {
            if let first = row.first, first != " " {
                let body = Markers.markedText(row) ?? ""
                inTool = Markers.bullets.contains(first) && isToolCall(body)
            }
            guard let text = Markers.markedText(row) else { continue }
            if inTool && PaneText.trimmed(row).hasPrefix("⎿") { continue }
            if Markers.retryRow(text) != nil || text.contains("Retrying in") { continue }
            let kind: ScreenState.Kind
            if Markers.limitPrefixes.contains(where: text.hasPrefix) {
                kind = .limit
            } else if Markers.errorPrefixes.contains(where: text.hasPrefix) {
                kind = .error
            } else {
                continue
            }
            // Rejoin a message that wrapped onto indented rows.
            var rows = [text]
            for next in block[(index + 1)...] {
                guard next.hasPrefix("  "), Markers.markedText(next) == nil, !PaneText.trimmed(next).isEmpty else { break }
                rows.append(PaneText.trimmed(next))
            }
            let joined = WrapJoiner(width: width - 5).join(rows)
            return (kind, joined[0])
        }
        return nil
    }

    /// The first busy marker in the rows above the composer or in the footer.
    static func busyMarker(_ window: [String], footer: [String]) -> String? {
        for row in window.reversed() {
            if Markers.isSpinner(row) || Markers.hasLiveCounter(row) || Markers.hasInterruptHint(row)
                || Markers.busyPhrases.contains(where: row.contains)
                || (row.contains("Retrying in") && row.contains("attempt")) {
                return PaneText.trimmed(row)
            }
        }
        for row in footer where Markers.hasInterruptHint(row) {
            return PaneText.trimmed(row)
        }
        return nil
    }

    /// `Name(args)` after a bullet: a tool call, not prose.
    static func isToolCall(_ body: String) -> Bool {
        guard let paren = body.firstIndex(of: "(") else { return false }
        let name = body[..<paren]
        guard let first = name.first, first.isLetter else { return false }
        return !name.contains(" ") || name.hasSuffix(" (MCP)")
    }
}
