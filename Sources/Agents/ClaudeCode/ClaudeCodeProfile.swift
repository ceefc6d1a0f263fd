import Foundation

/// Claude Code (the `claude` CLI) driven through its terminal UI.
///
/// All Claude-Code specifics live here and in `ClaudeCodeMarkers`: how its screens look in
/// 2.0.x and 2.1.x (Linux `●` and macOS `⏺`), how to submit a prompt, how its menus are
/// answered and how `/model` is used.
public struct ClaudeCodeProfile: AgentProfile {
    public var name: String { "claude-code" }

    /// Quiet period before `idle` is trusted (ccmanager uses 1.5 s, agentapi 2 s).
    public var settleTime: Duration
    /// The longest wait between the text and Enter for the input box to show the text (so Enter
    /// is not taken as a newline): Enter is pressed as soon as it shows, at this time otherwise.
    public var enterDelay: Duration

    /// What escalator drives Claude Code with (``RemoteAgents``, the real-CLI tests). Claude Code
    /// ends a turn with a completion row that the parser requires, so the settle only has to
    /// outlast one repaint (50 ms). Enter follows the text as soon as the input box shows it
    /// (about 17 ms on 2.1.332), at most 500 ms after it (a CLI busy redrawing after its start or
    /// a /model switch can take longer): an Enter that arrives before the paste is digested is
    /// lost or taken as a newline, and only the second case is seen and retried.
    public static let standard = ClaudeCodeProfile(settleTime: .milliseconds(50), enterDelay: .milliseconds(500))

    public init(settleTime: Duration = .milliseconds(1500), enterDelay: Duration = .milliseconds(150)) {
        self.settleTime = settleTime
        self.enterDelay = enterDelay
    }

    /// Phrases after the prompt that mean the turn ended: the completion row's ` for `
    /// (`✻ Worked for 3s`) and the interrupt notice.
    public var completionMarkers: [String] {
        ["Worked for", "Churned for", "Baked for", "Cogitated for", "Interrupted · What should Claude do instead?"]
    }

    /// `/model <alias>` for a direct switch, bare `/model` for the picker.
    public var costCommand: String? { "/cost" }

    public var clearCommand: String? { "/clear" }

    /// Reads the last `Total cost: $X` line of a `/cost` report.
    public func totalCost(_ pane: String) -> Double? {
        for line in pane.split(separator: "\n").reversed() {
            guard let range = line.range(of: "Total cost:") else { continue }
            let rest = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("$") else { continue }
            let number = rest.dropFirst().prefix { $0.isNumber || $0 == "." || $0 == "," }.replacingOccurrences(of: ",", with: "")
            if let value = Double(number) { return value }
        }
        return nil
    }

    /// Reads `resets 10pm (America/New_York)` and the other wordings of `ClaudeCodeLimitReset`.
    public func usageLimitReset(_ message: String, now: Date, zone: TimeZone,
                                zoneSource: UsageLimitReset.ZoneSource) -> UsageLimitReset? {
        ClaudeCodeLimitReset.parse(message, now: now, zone: zone, zoneSource: zoneSource)
    }

    public func modelCommand(_ alias: String?) -> String? {
        alias.map { "/model \($0)" } ?? "/model"
    }

    /// Picks `index` in the picker for this session only: arrows, then `s` where the footer
    /// offers it (2.1.220+), otherwise Enter.
    public func selectForSession(_ index: Int, in menu: ScreenMenu) -> [InputStep] {
        var steps = select(index, in: menu)
        if menu.footer?.contains("s to use this session only") == true {
            steps[steps.count - 1] = .type("s")
        }
        return steps
    }

    /// Reads the row under the last `/model` echo: `Set model to …`, `Kept model as …`, or
    /// `Model '…' not found`.
    public func modelSwitchResult(_ pane: String) -> ModelSwitchResult? {
        let lines = PaneText.lines(pane)
        guard let echo = lines.lastIndex(where: { ClaudeCodeMarkers.echoText($0)?.hasPrefix("/model") == true }) else {
            return nil
        }
        for row in lines[(echo + 1)...].prefix(6) {
            guard let text = ClaudeCodeMarkers.markedText(row) else { continue }
            if text.hasPrefix("Set model to ") {
                var label = String(text.dropFirst("Set model to ".count))
                for suffix in [" and saved as your default", " with ", " · "] {
                    if let range = label.range(of: suffix) { label = String(label[..<range.lowerBound]) }
                }
                return .switched(label: label)
            }
            if text.hasPrefix("Kept model as ") { return .kept(label: String(text.dropFirst("Kept model as ".count))) }
            if text.hasPrefix("Model '") || text.hasPrefix("Failed to validate model")
                || text.contains("is not available") {
                return .rejected(message: text)
            }
        }
        return nil
    }
}
