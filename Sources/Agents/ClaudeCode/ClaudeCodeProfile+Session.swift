import Foundation

/// Claude Code's start-up flags, input box and API retry rows: what the driver needs to start
/// the agent in the right permission mode, empty its input box and stop waiting out retries.
extension ClaudeCodeProfile {
    /// Adds `--permission-mode default` (manual prompts, which escalator's policy answers) or
    /// `--permission-mode auto` (the CLI decides itself), unless the command already sets one.
    public func launchCommand(_ command: [String], permissionMode: AgentPolicy.PermissionMode) -> [String] {
        if command.contains(where: { $0 == "--permission-mode" || $0.hasPrefix("--permission-mode=")
            || $0 == "--dangerously-skip-permissions" }) {
            return command
        }
        switch permissionMode {
        case .manual: return command + ["--permission-mode", "default"]
        case .auto: return command + ["--permission-mode", "auto"]
        }
    }

    /// Claude Code 2.1.332 draws with a fullscreen renderer on the alternate screen by default,
    /// which leaves nothing in tmux's history: a long answer could only be read as its visible
    /// tail. The classic renderer keeps the whole transcript in the scrollback.
    public var launchEnvironment: [String: String] { ["CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN": "1"] }

    /// The input box's text (rows between the composer's rules, `❯ ` and the 2-column indent
    /// removed, joined with line feeds); "" when empty; nil when no composer is on screen.
    public func composerText(_ pane: String) -> String? {
        let lines = PaneText.lines(pane)
        guard let composer = Self.findComposer(lines) else { return nil }
        var rows = Array(lines[(composer.top + 1)..<composer.bottom])
        while rows.last?.isEmpty == true { rows.removeLast() }
        guard var first = rows.first else { return "" }
        if first.hasPrefix("❯") { first = String(first.dropFirst()) }
        rows[0] = first
        return rows.map { $0.hasPrefix(" ") ? String($0.dropFirst()) : $0 }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The retry row above the composer (`✻ 429 Rate limited · retrying in 2s · attempt 3/10`,
    /// `✻ Connection refused — … (ECONNREFUSED) · retrying in 3s · attempt 3/10`).
    public func retryStatus(_ pane: String) -> AgentRetryStatus? {
        let lines = PaneText.lines(pane)
        let end = Self.findComposer(lines)?.top ?? lines.count
        for row in lines[max(0, end - 6)..<end].reversed() {
            let text = PaneText.trimmed(row)
            let lower = text.lowercased()
            guard lower.contains("retrying in") else { continue }
            var attempt: Int?
            var maxAttempts: Int?
            if let range = lower.range(of: "attempt ") {
                let rest = lower[range.upperBound...]
                let parts = rest.prefix { $0.isNumber || $0 == "/" }.split(separator: "/")
                attempt = parts.first.flatMap { Int($0) }
                maxAttempts = parts.count > 1 ? Int(parts[1]) : nil
            }
            let cause: AgentRetryStatus.Cause
            if lower.contains("429") || lower.contains("rate limit") {
                cause = .rateLimited
            } else if lower.contains("529") || lower.contains("overloaded") || lower.contains(" 500")
                        || lower.contains(" 502") || lower.contains(" 503") || lower.contains("server error") {
                cause = .overloaded
            } else if lower.contains("connection") || lower.contains("econnrefused") || lower.contains("enotfound")
                        || lower.contains("unable to connect") || lower.contains("timed out") {
                cause = .unreachable
            } else {
                cause = .other
            }
            let shown = text.first.map { Markers.bullets.contains($0) || $0 == "✻" } == true
                ? String(text.dropFirst()).trimmingCharacters(in: .whitespaces) : text
            return AgentRetryStatus(cause: cause, text: shown, attempt: attempt, maxAttempts: maxAttempts)
        }
        return nil
    }
}
