import Foundation

/// The glyphs and phrases by which Claude Code's screens are recognised, gathered from the
/// versions in the research notes (`shared/docs/claude-code-tui.md`). No single glyph or
/// phrase decides a state: each state has several markers, and wording that moved between
/// versions is listed in all its known forms.
enum ClaudeCodeMarkers {
    /// Assistant bullets: `⏺` on macOS, `●` on Linux and Windows.
    static let bullets: Set<Character> = ["●", "⏺"]

    /// Spinner frames across platforms (macOS, Linux, Ghostty, reduced motion).
    static let spinnerGlyphs: Set<Character> = ["·", "✢", "✳", "✶", "✻", "✽", "*", "●", "⏺"]

    /// Prompt glyphs of the composer and of echoed prompts (`❯` from 2.0, `>` before and on Windows).
    static let promptGlyphs: Set<Character> = ["❯", ">"]

    // MARK: Busy

    static let interruptHints = ["esc to interrupt", "ctrl+c to interrupt"]

    static let busyPhrases = ["Compacting conversation…", "⎿  Running…", "background agent to finish",
                              "running UserPromptSubmit hooks"]

    // MARK: Modals

    static let pickerPhrases = ["Select model", "s to use this session only", "Switch between Claude models"]

    static let dialogPhrases = ["Accessing workspace", "Do you trust the files in this folder", "trust this folder",
                                "Switch model?", "Change effort level?", "Select login method",
                                "Choose the text style", "Press Enter to continue", "new MCP server",
                                "Bypass Permissions mode", "Yes, I accept"]

    /// The 2.1.3xx workspace-trust dialog (options without numbers, cursor on "No, exit").
    static let trustPhrases = ["Accessing workspace", "Do you trust the files in this folder", "trust this folder"]

    /// Dialogs with no option rows: the `/effort` slider and the `/help` panel.
    static let effortPhrases = ["Faster", "Smarter"]
    static let helpPhrases = ["For more help:", "to switch · Esc to close"]

    static let permissionQuestions = ["Do you want to proceed", "Do you want to make this edit", "Do you want to create",
                                      "Do you want to overwrite", "Would you like to proceed", "Do you want to allow",
                                      "Do you want to"]

    static let permissionTitles = ["Bash command", "Edit file", "Create file", "Write file", "Read file", "Fetch",
                                   "Web Search", "Tool use", "MCP"]

    static let permissionFooters = ["Tab to amend", "ctrl+e to explain"]

    static let permissionOptions = ["No, and tell Claude what to do differently", "Deny (esc)",
                                    "Yes, and don't ask again", "Yes, and don\u{2019}t ask again",
                                    "Yes, allow all edits", "Yes, and always allow"]

    static let limitMenuPhrases = ["Session limit reached", "Stop and wait for limit to reset",
                                   "Switch to usage credits"]

    // MARK: Limit and error rows

    /// Limit messages by version (1.0.x, 2.0.x, 2.1.30+, 2.1.187+, source strings; the wordings
    /// with their sources are listed in `ClaudeCodeLimitReset`).
    static let limitPrefixes = ["You've hit your", "You\u{2019}ve hit your", "Claude usage limit reached",
                                "Claude Max usage limit reached", "Claude Pro usage limit reached",
                                "Claude AI usage limit reached",
                                "You're out of extra usage", "You\u{2019}re out of extra usage",
                                "Usage limit reached", "5-hour limit reached", "Weekly limit reached"]

    static let errorPrefixes = ["API Error", "Context limit reached", "Credit balance too low", "Not logged in",
                                "Authentication error", "Invalid API key", "Request timed out"]

    // MARK: Chrome rows (never part of an answer)

    /// Rows drawn around the transcript that are not the assistant's: the effort indicator
    /// (`◐ medium · /effort`, right-aligned, or `● high · /effort`), the tmux focus-events
    /// notice, tips.
    static func isChrome(_ row: String) -> Bool {
        let body = PaneText.trimmed(row)
        if body.hasSuffix("· /effort") && body.count < 40 { return true }
        return body.hasPrefix("tmux focus-events") || body.hasPrefix("⎿  Tip:")
    }

    /// The rule that stands for the middle of a long echoed prompt (`──── (49 lines hidden) ────`).
    static func isHiddenLines(_ row: String) -> Bool {
        PaneText.trimmed(row).hasPrefix("─") && row.contains(" lines hidden) ")
    }

    /// The banner's rows (` ▐▛███▛█   Claude Code v2.1.332`, `▝▜██████▀  Opus 5.5 · …`,
    /// ` ▝▝   ▝▝   /path`, 1.x `✻ Welcome to Claude Code`).
    static func isBanner(_ row: String) -> Bool {
        let body = PaneText.trimmed(row)
        guard let first = body.first else { return false }
        return "▐▝▜▛▘▗▖▙▟".contains(first) || body.contains("Claude Code v") || body.contains("Welcome to Claude")
    }

    // MARK: Retry rows

    /// A retry row (`✻ 429 Rate limited · retrying in 2s · attempt 3/10`, 2.1.29
    /// `⎿  API Error (529 …) · Retrying in 4 seconds… (attempt 4/10)`): the text, attempt and
    /// maximum.
    static func retryRow(_ row: String) -> (text: String, attempt: Int?, of: Int?)? {
        let lower = row.lowercased()
        guard lower.contains("retrying in"), let range = lower.range(of: "attempt ") else { return nil }
        let parts = lower[range.upperBound...].prefix { $0.isNumber || $0 == "/" }.split(separator: "/")
        var body = Substring(PaneText.trimmed(row))
        while let first = body.first, spinnerGlyphs.contains(first) || first == "⎿", body.dropFirst().first == " " {
            body = body.dropFirst().drop { $0 == " " }
        }
        return (String(body), parts.first.flatMap { Int($0) }, parts.count > 1 ? Int(parts[1]) : nil)
    }

    /// The sub-kind of an API error message or retry row.
    static func errorKind(_ text: String) -> ScreenState.ErrorKind {
        let lower = text.lowercased()
        if lower.contains("429") || lower.contains("rate limit") { return .rateLimit }
        if lower.contains("529") || lower.contains("overloaded") { return .overloaded }
        if lower.contains("401") || lower.contains("api key") || lower.contains("x-api-key")
            || lower.contains("authentication") || lower.contains("not logged in") { return .auth }
        return .other
    }

    // MARK: Footer

    /// The permission mode named in the footer rows under the composer.
    static func permissionMode(_ footer: [String]) -> ScreenState.PermissionMode {
        for row in footer {
            let lower = row.lowercased()
            if lower.contains("auto mode on") { return .auto }
            if lower.contains("manual mode on") { return .manual }
            if lower.contains("accept edits on") { return .acceptEdits }
            if lower.contains("plan mode on") { return .plan }
            if lower.contains("bypass permissions on") { return .bypass }
        }
        return .unknown
    }

    // MARK: Row classifiers

    /// A horizontal rule: mostly `─` (the composer, modals) or `▔` (2.1.220 picker), or the
    /// top/bottom of a 1.x box (`╭──╮`, `╰──╯`). A right-aligned label on the rule is allowed.
    static func isRule(_ row: String) -> Bool {
        let body = PaneText.trimmed(row)
        guard body.count >= 10 else { return false }
        let lines = body.filter { $0 == "─" || $0 == "▔" || $0 == "━" }.count
        guard let first = body.first, "─▔━╭╰".contains(first) else { return false }
        return lines * 2 >= body.count
    }

    /// The first row of a composer: the prompt glyph at column 0 (or inside a 1.x box).
    static func isComposerInput(_ row: String) -> Bool {
        var body = Substring(row)
        if body.hasPrefix("│") { body = body.dropFirst().drop { $0 == " " } }
        guard let first = body.first, promptGlyphs.contains(first) else { return false }
        return body.count == 1 || body.dropFirst().first == " "
    }

    /// An echoed prompt in the transcript: `❯ text` or `> text` at column 0.
    static func echoText(_ row: String) -> String? {
        guard let first = row.first, promptGlyphs.contains(first), row.dropFirst().first == " " else { return nil }
        return PaneText.trimmed(String(row.dropFirst(2)))
    }

    /// A live spinner row: glyph, space, a capitalised word, and `…` within the first two
    /// words. `●`/`⏺` also start assistant prose, so with them the word must be a gerund.
    static func isSpinner(_ row: String) -> Bool {
        guard let glyph = row.first, spinnerGlyphs.contains(glyph), row.dropFirst().first == " " else { return false }
        let rest = row.dropFirst(2)
        guard let initial = rest.first, initial.isUppercase else { return false }
        let words = rest.split(separator: " ", maxSplits: 2).prefix(2)
        guard let withEllipsis = words.firstIndex(where: { $0.contains("…") || $0.hasSuffix("...") }) else {
            return rest.hasPrefix("Waiting for") && rest.contains("background agent")
        }
        if bullets.contains(glyph) {
            let word = words[withEllipsis].replacingOccurrences(of: "…", with: "")
            return withEllipsis == 0 && word.hasSuffix("ing")
        }
        return true
    }

    /// A turn-completion row: `✻ Worked for 1m 52s`, `✻ Sautéed for 27s · done 10:27 PM`
    /// (past tense, any verb, no ellipsis).
    static func isCompletion(_ row: String) -> Bool {
        guard let glyph = row.first, spinnerGlyphs.contains(glyph), !bullets.contains(glyph),
              row.dropFirst().first == " ", !row.contains("…") else { return false }
        let words = row.dropFirst(2).split(separator: " ")
        guard words.count >= 3, words[0].first?.isUppercase == true, words[1] == "for",
              let digit = words[2].first, digit.isNumber else { return false }
        return true
    }

    /// A live counter such as `(1m 12s · ↓ 2.4k tokens · thinking)`.
    static func hasLiveCounter(_ row: String) -> Bool {
        guard row.contains("tokens"), let open = row.lastIndex(of: "(") else { return false }
        let inside = row[row.index(after: open)...]
        guard let first = inside.first, first.isNumber else { return false }
        return inside.contains("↓") || inside.contains("↑")
    }

    /// Whether `row` contains an interrupt hint that means "working" (not `press esc to …`).
    static func hasInterruptHint(_ row: String) -> Bool {
        let lower = row.lowercased()
        for hint in interruptHints {
            guard let range = lower.range(of: hint) else { continue }
            if !lower[..<range.lowerBound].hasSuffix("press ") { return true }
        }
        return false
    }

    /// A numbered option row: optional cursor (`❯`, `>`, `↑`, `↓`), `N.`, a label.
    /// Returns (cursor, number, rest).
    static func optionRow(_ row: String) -> (cursor: Bool, number: Int, rest: String)? {
        var body = Substring(PaneText.trimmed(row))
        if body.hasPrefix("│") { body = body.dropFirst().drop { $0 == " " } }
        if body.hasSuffix("│") { body = body.dropLast() }
        var cursor = false
        if let first = body.first, "❯>›▶↑↓".contains(first) {
            cursor = promptGlyphs.contains(first) || first == "›" || first == "▶"
            body = body.dropFirst().drop { $0 == " " }
        }
        let digits = body.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 2, let number = Int(digits) else { return nil }
        body = body.dropFirst(digits.count)
        guard body.hasPrefix(". ") else { return nil }
        let rest = PaneText.trimmed(String(body.dropFirst(2)))
        return rest.isEmpty ? nil : (cursor, number, rest)
    }

    /// An option row without a number (the 2.1.3xx trust dialog): `❯ No, exit` with the
    /// cursor, `  Yes, I trust this folder` without. Returns (cursor, label column, label).
    static func plainOptionRow(_ row: String) -> (cursor: Bool, column: Int, label: String)? {
        let indent = PaneText.indent(row)
        var body = Substring(row.dropFirst(indent))
        var cursor = false
        var column = indent
        if let first = body.first, first == "❯" || first == "›", body.dropFirst().first == " " {
            cursor = true
            body = body.dropFirst(2)
            column += 2
        }
        let label = PaneText.trimmed(String(body))
        guard !label.isEmpty, optionRow(row) == nil else { return nil }
        return (cursor, column, label)
    }

    /// The text of a transcript row after its `⎿` or bullet markers (`⏺ ⏺ API Error` → `API Error`).
    static func markedText(_ row: String) -> String? {
        var body = Substring(PaneText.trimmed(row))
        var marked = false
        while let first = body.first, first == "⎿" || bullets.contains(first) {
            marked = true
            body = body.dropFirst().drop { $0 == " " }
        }
        return marked ? String(body) : nil
    }
}
