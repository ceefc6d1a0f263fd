import ArgumentParser

/// The words and glyphs of Claude Code 2.1.332's screens, as the real CLI draws them (checked
/// against its captures in `Tests/AgentsTests/Captures/2.1.332` by
/// `ClaudeSimMatchesRealCapturesTests`). Only the plan usage-limit rows and menu, which the real
/// CLI cannot show offline, are older (2.1.x) drawings the parser still reads.
enum Chrome {
    static let version = "2.1.332"

    /// The banner: logo, version, model and billing, folder.
    static func banner(model: String, cwd: String) -> [String] {
        [" ▐▛███▛█   Claude Code v\(version)",
         "▝▜██████▀  \(model) · API Usage Billing",
         " ▝▝   ▝▝   \(cwd)"]
    }

    /// Between `❯` and the input box's text.
    static let composerSpace = "\u{00A0}"

    /// The effort indicator above the input box (right-aligned, two columns from the edge).
    static let effortIndicator = "◐ medium · /effort"

    static func footer(mode: PermissionMode, busy: Bool) -> String {
        switch mode {
        case .auto: return "  ⏵⏵ auto mode on (shift+tab to cycle)" + (busy ? " · esc to interrupt" : "")
        case .manual: return "  ⏸ manual mode on · " + (busy ? "esc to interrupt" : "? for shortcuts")
        }
    }

    static let pasteFooter = "  paste again to expand"
    static let ctrlCFooter = "  Press Ctrl-C again to exit"

    /// Past-tense verbs of the completion row (`✻ Cooked for 0s · done 8:04 AM`).
    static let pastVerbs = ["Cooked", "Crunched", "Sautéed", "Baked", "Churned", "Cogitated", "Brewed"]
    /// Gerunds of the spinner row (`✻ Wibbling…`).
    static let gerunds = ["Wibbling", "Kneading", "Cogitating", "Schlepping", "Herding", "Pondering", "Brewing",
                          "Noodling", "Percolating", "Simmering", "Wrangling"]

    static let interrupted = "Interrupted · What should Claude do instead?"

    // MARK: Trust dialog

    /// Options in display order (no numbers; the cursor starts on "No, exit"); the Bool says
    /// whether the option trusts the folder.
    static let trustOptions: [(label: String, trusts: Bool)] = [("No, exit", false), ("Yes, I trust this folder", true)]
    static let trustTitle = "Accessing workspace:"
    static let trustText = "Quick safety check: Is this a project you created or one you trust? (Like your own code, a well-known open source project, or work from your team). If not, take a moment to review what's in this folder first."
    static let trustAbility = "Claude Code'll be able to read, edit, and execute files here."
    static let trustGuide = "Security guide"
    static let trustFooter = "Enter to confirm · Esc to cancel"

    // MARK: Permission prompt

    static let permissionTitle = "Bash command"
    static let permissionTip = "Tip: auto mode handles these prompts for you — choose \"switch to auto mode\" below"
    static let permissionQuestion = "Do you want to proceed?"
    static func permissionOptions(cwd: String) -> [String] {
        ["Yes", "Yes, and always allow access to \(cwd) from this project",
         "Yes, and switch to auto mode · auto mode handles these prompts for you", "No"]
    }
    static let permissionFooter = "Esc to cancel · Tab to amend"

    // MARK: Model picker and Switch model?

    static let pickerTitle = "Select model"
    static let pickerSubtitle = "Your pick is the default for new sessions. For other models, use --model."
    static let pickerEffort = "◐ Medium effort (default) ←/→ to adjust"
    static let pickerFooter = "s to use this session only · Enter to save · Esc to cancel"
    static let savedSuffix = " and saved as your default for new sessions"

    static let switchTitle = "Switch model?"
    static let switchWarning = "Your next response will be slower and use more tokens"
    static func switchText(_ target: String) -> String {
        "This conversation is cached for the current model. Switching to \(target) means the full history gets re-read."
    }
    static func switchOptions(_ target: String) -> [String] { ["Yes, switch to \(target)", "No, go back"] }
    static let switchFooter = "Enter to confirm · Esc to cancel"

    // MARK: API errors

    /// The address gateway messages name (the real CLI names its ANTHROPIC_BASE_URL's host).
    static let gateway = "127.0.0.1:40529"
    static let resendHint = "Resend your message to try again"
    static let fixKeyHint = "Once fixed, resend your message"

    // MARK: Plan usage limits (not shown by 2.1.332 offline; the 2.1.x rows the parser reads)

    static let limitMessage = "You've hit your limit · resets 10pm (America/New_York)"
    static let limitUpgrade = "/upgrade to increase your usage limit."
    static let limitMenuOptions = ["Stop and wait for limit to reset", "Switch to usage credits", "Switch to Team plan"]
}

/// The permission mode the CLI was started in (`--permission-mode`).
enum PermissionMode: String, CaseIterable, ExpressibleByArgument {
    /// `default`: a prompt before each tool call (`⏸ manual mode on`).
    case manual = "default"
    /// `auto`: the CLI decides itself (`⏵⏵ auto mode on`), 2.1.332's default.
    case auto
}

/// An API error the simulator can end a turn with (`--api-error`), as 2.1.332 shows it after
/// its retries, and the retry rows before it.
enum APIErrorKind: String, CaseIterable, ExpressibleByArgument {
    /// `⎿  Invalid API key · Fix external API key` (the driver's generic API error).
    case unauthorized = "401"
    /// `● API Error: Request rejected (429) · Rate limited`.
    case rateLimited = "429"
    /// `● API Error: 529 Overloaded. This is a server-side issue, …`.
    case overloaded = "529"

    /// The retry row's text for attempt `attempt` of 10, waiting `seconds`. The first two rows
    /// name no status (2.1.332 shows a bare "API error" until the third attempt).
    func retryRow(attempt: Int, seconds: Int) -> String {
        let cause: String
        if attempt < 3 {
            cause = "API error"
        } else {
            switch self {
            case .unauthorized: cause = "401 invalid x-api-key"
            case .rateLimited: cause = "429 Rate limited"
            case .overloaded: cause = "529 Overloaded"
            }
        }
        return "\(cause) · retrying in \(seconds)s · attempt \(attempt)/10"
    }

    /// The row under the retry row, if any.
    var retryDetail: String? {
        self == .overloaded ? "If it persists, check your inference gateway (\(Chrome.gateway))." : nil
    }

    /// The final error: a bullet row (`● API Error: …`) or a result row (`⎿  …`), and the
    /// input box's hint after it.
    var final: (bullet: String?, result: String?, hint: String) {
        switch self {
        case .unauthorized:
            (nil, "Invalid API key · Fix external API key", Chrome.fixKeyHint)
        case .rateLimited:
            ("API Error: Request rejected (429) · Rate limited", nil, Chrome.resendHint)
        case .overloaded:
            ("API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment. "
             + "If it persists, check your inference gateway (\(Chrome.gateway)).", nil, Chrome.resendHint)
        }
    }
}

/// The platform whose glyphs the simulator draws. The 2.1.332 captures are Linux's; the macOS
/// bullet and spinner frames are the older research notes' and not checked against a capture.
enum Platform: String, CaseIterable, ExpressibleByArgument {
    case linux, macos

    /// The assistant bullet: `●` on Linux, `⏺` on macOS.
    var bullet: String { self == .macos ? "⏺" : "●" }

    /// Spinner frames per platform (the research notes: Linux draws `*` where macOS draws `✳`).
    var spinnerFrames: [String] { self == .macos ? ["·", "✢", "✳", "✶", "✻", "✽"] : ["·", "✢", "*", "✶", "✻", "✽"] }
}
