import ArgumentParser

/// Which Claude Code build the simulator imitates. Each look differs in the details the
/// research notes list (composer glyph spacing, footers, dialog wording, spinner parenthetical).
enum Look: String, CaseIterable, ExpressibleByArgument {
    /// 2.0.x: bare `❯` row with an ASCII space, `esc to interrupt` inside the spinner line.
    case v2_0 = "2.0"
    /// 2.1.x (2.1.29-like): `❯` + NBSP, `? for shortcuts`, `esc to interrupt` on the footer row.
    case v2_1 = "2.1"
    /// 2.1.220-like: mode bar footer, `▔` picker frame with the `s` footer, bare spinner.
    case v2_1_220 = "2.1.220"

    var version: String {
        switch self {
        case .v2_0: "2.0.31"
        case .v2_1: "2.1.29"
        case .v2_1_220: "2.1.220"
        }
    }

    /// The separator between `❯` and the composer text.
    var composerSpace: String { self == .v2_0 ? " " : "\u{00A0}" }

    var placeholder: String { self == .v2_0 ? "" : "Try \"refactor <filepath>\"" }

    func footer(busy: Bool, ctrlCPending: Bool) -> String {
        if ctrlCPending { return "  Press Ctrl-C again to exit" }
        switch self {
        case .v2_0: return "  ? for shortcuts"
        case .v2_1: return busy ? "  esc to interrupt" : "  ? for shortcuts"
        case .v2_1_220: return busy ? "  ⏸ manual mode on · esc to interrupt" : "  ⏸ manual mode on · ? for shortcuts"
        }
    }

    // MARK: Permission prompt

    func permissionOptions(command: String, cwd: String) -> [String] {
        switch self {
        case .v2_0:
            ["Yes", "Yes, and don't ask again for \(command) commands in \(cwd)",
             "No, and tell Claude what to do differently (esc)"]
        case .v2_1:
            ["Yes", "Yes, and don't ask again for \(command) commands in \(cwd)", "No"]
        case .v2_1_220:
            ["Yes", "Yes, and don\u{2019}t ask again for: \(command):*", "No"]
        }
    }

    var permissionFooter: String {
        switch self {
        case .v2_0: "Esc to cancel"
        case .v2_1: "Esc to cancel · Tab to amend"
        case .v2_1_220: "Esc to cancel · Tab to amend · ctrl+e to explain"
        }
    }

    // MARK: Trust dialog

    /// Options in display order; the Bool says whether the option trusts the folder.
    var trustOptions: [(label: String, trusts: Bool)] {
        switch self {
        case .v2_0: [("Yes, proceed", true), ("No, exit", false)]
        case .v2_1: [("Yes, I trust this folder", true), ("No, exit", false)]
        // Late 2026 builds no longer put the trusting option first.
        case .v2_1_220: [("No, exit", false), ("Yes, I trust this folder", true)]
        }
    }

    var trustFooter: String { self == .v2_1_220 ? "Enter to confirm · Esc to exit" : "Enter to confirm · Esc to cancel" }

    // MARK: Model picker

    var pickerRule: Character { self == .v2_1_220 ? "▔" : "─" }
    var pickerIndent: String { self == .v2_1_220 ? "   " : " " }

    var pickerSubtitle: String {
        self == .v2_1_220
            ? "Switch between Claude models. Your pick becomes the default for new sessions. For other/previous model names, specify with --model."
            : "Switch between Claude models. Applies to this session and future Claude Code sessions. For other/previous model names, specify with --model."
    }

    var pickerFooter: String {
        switch self {
        case .v2_0: "Enter to confirm · esc to exit"
        case .v2_1: "Enter to confirm · Esc to exit"
        case .v2_1_220: "Enter to set as default · s to use this session only · Esc to cancel"
        }
    }

    /// Whether the picker offers `s` for a session-only switch.
    var pickerHasSessionKey: Bool { self == .v2_1_220 }

    // MARK: Limit and error rows

    var limitMessage: String {
        switch self {
        case .v2_0: "Claude usage limit reached. Your limit will reset at 9am (America/Chicago)."
        case .v2_1: "You've hit your limit · resets 10pm (America/New_York)"
        case .v2_1_220: "You've hit your session limit · resets 4:20am (Europe/Warsaw)"
        }
    }

    func apiErrorMessage(question: Int) -> String {
        switch self {
        case .v2_0, .v2_1:
            "API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_sim_\(question)\"}"
        case .v2_1_220:
            "API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment. If it persists, check https://status.claude.com/."
        }
    }
}

/// The platform whose glyphs the simulator draws.
enum Platform: String, CaseIterable, ExpressibleByArgument {
    case linux, macos

    /// The assistant bullet: `●` on Linux, `⏺` on macOS.
    var bullet: String { self == .macos ? "⏺" : "●" }

    /// Spinner frames per platform (Linux uses `*` where macOS uses `✳`).
    var spinnerFrames: [String] { self == .macos ? ["·", "✢", "✳", "✶", "✻", "✽"] : ["·", "✢", "*", "✶", "✻", "✽"] }
}
