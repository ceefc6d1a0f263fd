@testable import Agents

/// One table row: a screen and what the parser must read from it.
struct ParserCase: Sendable, CustomStringConvertible {
    var name: String
    var pane: String
    var sent: String? = nil
    var kind: ScreenState.Kind
    var answer: String? = nil
    /// When true, `answer` must be nil.
    var noAnswer = false
    var detailContains: String? = nil
    var labels: [String]? = nil
    var cursor: Int? = nil
    var current: Int? = nil
    var footerContains: String? = nil
    var title: String? = nil
    var question: String? = nil
    var echoed: Bool? = nil
    var description: String { name }
}

enum ParserCases {
    typealias B = ScreenBuilder

    static let answerText = B.longParagraph + "\n\n" + B.secondParagraph

    // MARK: Idle

    static let idle: [ParserCase] = [
        ParserCase(
            name: "idle 2.1 linux, wrapped answer",
            pane: B.screen(B.banner() + ["❯ Why does the build fail?", ""]
                + B.assistant([B.longParagraph, B.secondParagraph]) + ["", "✻ Worked for 12s"] + B.composer21()),
            sent: "Why does the build fail?", kind: .idle, answer: answerText, detailContains: "Worked for 12s"),
        ParserCase(
            name: "idle 2.1 macOS glyphs, placeholder in composer",
            pane: B.screen(B.banner() + ["❯ Why does the build fail?", ""]
                + B.assistant([B.longParagraph, B.secondParagraph], bullet: "⏺") + ["", "✻ Churned for 3s"]
                + B.composer21("Try \"refactor <filepath>\"")),
            kind: .idle, answer: answerText),
        ParserCase(
            name: "idle with code block and list",
            pane: B.screen(["❯ Show a function", "",
                            "● Here is a small function that doubles its input and a note on how to call it from",
                            "  the command line.",
                            "",
                            "  func double(_ x: Int) -> Int {",
                            "      return x * 2",
                            "  }",
                            "",
                            "  - Call it with a literal.",
                            "  - Or pass the value that you read from standard input after you have parsed",
                            "    it with Int.init.",
                            "", "✻ Baked for 4s"] + B.composer21()),
            kind: .idle,
            answer: """
            Here is a small function that doubles its input and a note on how to call it from the command line.

            func double(_ x: Int) -> Int {
                return x * 2
            }

            - Call it with a literal.
            - Or pass the value that you read from standard input after you have parsed it with Int.init.
            """),
        ParserCase(
            name: "old answer above new answer",
            pane: B.screen(["❯ First question", "", "● Old answer.", "", "✻ Worked for 2s", "",
                            "❯ Second question", "", "● New answer.", "", "✻ Worked for 3s"] + B.composer21()),
            sent: "Second question", kind: .idle, answer: "New answer."),
        ParserCase(
            name: "anchor on an older prompt stops at the next echo",
            pane: B.screen(["❯ First question", "", "● Old answer.", "", "✻ Worked for 2s", "",
                            "❯ Second question", "", "● New answer.", "", "✻ Worked for 3s"] + B.composer21()),
            sent: "First question", kind: .idle, answer: "Old answer."),
        ParserCase(
            name: "prompt not echoed yet: old answer is not returned",
            pane: B.screen(["❯ First question", "", "● Old answer.", "", "✻ Worked for 2s"] + B.composer21("Third")),
            sent: "Third question", kind: .idle, noAnswer: true, detailContains: "not on screen", echoed: false),
        ParserCase(
            name: "echo scrolled off the top: answer read from the top",
            pane: B.screen(["  continues the answer whose first rows scrolled away.", "", "  - last point", "",
                            "✻ Worked for 40s"] + B.composer21()),
            sent: "Long question", kind: .idle, answer: "continues the answer whose first rows scrolled away.\n\n- last point",
            echoed: true),
        ParserCase(
            name: "fresh screen with typed text is not an answer",
            pane: B.screen(B.banner() + B.composer21("Long question")),
            sent: "Long question", kind: .idle, noAnswer: true, echoed: false),
        ParserCase(
            name: "empty screen after /clear",
            pane: B.screen(B.composer21()),
            sent: "Next", kind: .idle, noAnswer: true, echoed: false),
        ParserCase(
            name: "pasted-text echo matches the sent text",
            pane: B.screen(["❯ [Pasted text #1 +12 lines]", "", "● Got it.", "", "✻ Worked for 2s"] + B.composer21()),
            sent: "a\nlong\npaste", kind: .idle, answer: "Got it.", echoed: true),
        ParserCase(
            name: "2.0.x bare composer",
            pane: B.screen(B.banner(version: "2.0.31") + ["❯ Ping?", "", "● Pong.", "", "✻ Worked for 1s"] + B.composer20()),
            kind: .idle, answer: "Pong."),
        ParserCase(
            name: "1.x boxed composer and > echo",
            pane: B.screen(["> What is 2+2?", "", "⏺ 4", ""] + B.composerBoxed()),
            kind: .idle, answer: "4"),
        ParserCase(
            name: "tool calls, results, summaries and thinking are not the answer",
            pane: B.screen(["❯ Read the config", "",
                            "∴ Thinking (ctrl+o to expand)", "",
                            "● Read 1 file (ctrl+o to expand)", "",
                            "● Bash(cat config.toml)",
                            "  ⎿  [server]",
                            "     port = 8080",
                            "     … +12 lines (ctrl+o to expand)", "",
                            "● The server listens on port 8080.", "",
                            "✻ Worked for 9s", "",
                            "                                                            ● high · /effort"]
                + B.composer21(footer: "  ⏸ manual mode on · ? for shortcuts")),
            kind: .idle, answer: "The server listens on port 8080."),
        ParserCase(
            name: "prose with an ellipsis after a Linux bullet is not a spinner",
            pane: B.screen(["❯ Is it safe?", "", "● Well… it depends on the input.", "", "✻ Worked for 2s"] + B.composer21()),
            kind: .idle, answer: "Well… it depends on the input."),
        ParserCase(
            name: "doubled bullet after a redraw",
            pane: B.screen(["❯ Hi", "", "⏺ ⏺ Hello there.", "", "✻ Worked for 1s"] + B.composer21()),
            kind: .idle, answer: "Hello there."),
        ParserCase(
            name: "interrupted turn is idle with no answer",
            pane: B.screen(["❯ Long task", "  ⎿  Interrupted · What should Claude do instead?"] + B.composer21()),
            kind: .idle, noAnswer: true, detailContains: "Interrupted"),
        ParserCase(
            name: "ANSI colours and NBSP are normalised",
            pane: B.screen(["\u{1b}[1m❯ Colour?\u{1b}[0m", "", "\u{1b}[38;5;231m●\u{1b}[0m Red\u{00A0}and blue.", "",
                            "\u{1b}[2m✻ Worked for 1s\u{1b}[0m"] + B.composer21()),
            kind: .idle, answer: "Red and blue."),
        ParserCase(
            name: "typed but unsubmitted text, with no busy marker",
            pane: B.screen(["❯ Q", "", "● A.", "", "✻ Worked for 1s"] + B.composer21("next question draft")),
            kind: .idle, answer: "A."),
        ParserCase(
            name: "slash command result is not prose",
            pane: B.screen(["❯ /model sonnet", "  ⎿  Set model to Sonnet 4.6"] + B.composer21()),
            kind: .idle, noAnswer: true),
        ParserCase(
            name: "duplicated banner and frame from a redraw",
            pane: B.screen(B.banner() + B.banner() + ["❯ Q1", "", "● A1.", "", "❯ Q1", "", "● A1.", "", "✻ Worked for 1s"]
                + B.composer21()),
            sent: "Q1", kind: .idle, answer: "A1."),
    ]

    // MARK: Busy

    static let busy: [ParserCase] = [
        ParserCase(name: "2.1 linux spinner frame * with footer hint",
                   pane: B.screen(["❯ Q", "", "* Cogitating…", ""] + B.composer21(footer: "  esc to interrupt")),
                   kind: .busy, detailContains: "Cogitating"),
        ParserCase(name: "macOS spinner with live counter",
                   pane: B.screen(["❯ Q", "", "✳ Herding… (1m 12s · ↓ 2.4k tokens · thinking)", ""] + B.composer21()),
                   kind: .busy, detailContains: "Herding"),
        ParserCase(name: "2.1.237 bare spinner, no interrupt hint",
                   pane: B.screen(["❯ Q", "", "✶ Schlepping…", ""] + B.composer21(footer: "  ⏸ manual mode on · ? for shortcuts")),
                   kind: .busy),
        ParserCase(name: "1.x spinner parenthetical above a box",
                   pane: B.screen(["> Q", "", "✻ Thinking… (12s · ↑ 1.2k tokens · esc to interrupt)"] + B.composerBoxed()),
                   kind: .busy),
        ParserCase(name: "counter alone in the slot",
                   pane: B.screen(["❯ Q", "", "(9m 21s · ↓ 13.7k tokens)", ""] + B.composer21()),
                   kind: .busy),
        ParserCase(name: "tool row running",
                   pane: B.screen(["❯ Q", "", "● Bash(npm test)", "  ⎿  Running…"] + B.composer21()),
                   kind: .busy),
        ParserCase(name: "API retry is busy, not error",
                   pane: B.screen(["❯ Q", "",
                                   "  ⎿  API Error (529 {\"type\":\"error\"}) · Retrying in 4 seconds… (attempt 4/10)"]
                                  + B.composer21()),
                   kind: .busy),
        ParserCase(name: "reduced-motion bullet spinner",
                   pane: B.screen(["❯ Q", "", "● Pondering…", ""] + B.composer21()),
                   kind: .busy),
        ParserCase(name: "compaction",
                   pane: B.screen(["❯ /compact", "", "✽ Compacting conversation… (17s)", ""] + B.composer21()),
                   kind: .busy),
        ParserCase(name: "2.1.2xx mode bar with esc to interrupt, old answer above",
                   pane: B.screen(["❯ Q1", "", "● A1.", "", "✻ Worked for 1s", "", "❯ Q2", ""]
                                  + B.composer21(footer: "  ⏵⏵ bypass permissions on (shift+tab to cycle) · esc to interrupt · ← for agents")),
                   kind: .busy),
        ParserCase(name: "2.0 spinner with esc hint in the parenthetical",
                   pane: B.screen(["❯ Q", "", "✢ Kneading… (esc to interrupt)", ""] + B.composer20()),
                   kind: .busy),
    ]

    // MARK: Permission prompts

    static let permission: [ParserCase] = [
        ParserCase(
            name: "2.1.29 bash permission",
            pane: B.screen(["❯ Clean up", "", "● Bash(rm -rf build)", "", B.rule(), " Bash command", "",
                            "   rm -rf build", "   Remove the build directory", "",
                            " Do you want to proceed?", " ❯ 1. Yes",
                            "   2. Yes, and always allow access to tmp/ from this project", "   3. No", "",
                            " Esc to cancel · Tab to amend"]),
            kind: .permission, labels: ["Yes", "Yes, and always allow access to tmp/ from this project", "No"],
            cursor: 0, footerContains: "Tab to amend", title: "Bash command", question: "Do you want to proceed?"),
        ParserCase(
            name: "edit permission with diff and cursor on row 2",
            pane: B.screen([B.rule(), " Edit file", " ╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌", " 13 -let x = 1", " 13 +let x = 2",
                            " ╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌", " Do you want to make this edit to main.swift?", "   1. Yes",
                            " ❯ 2. Yes, allow all edits during this session (shift+tab)",
                            "   3. No, and tell Claude what to do differently (esc)"]),
            kind: .permission, cursor: 1, question: "Do you want to make this edit to main.swift?"),
        ParserCase(
            name: "create file permission",
            pane: B.screen([B.rule(), " Create file", "   notes.md", " Do you want to create notes.md?",
                            " ❯ 1. Yes", "   2. No", "", " Esc to cancel · Tab to amend"]),
            kind: .permission, labels: ["Yes", "No"]),
        ParserCase(
            name: "2.1.220 prompt outranks the spinner above it",
            pane: B.screen(["❯ Q", "", "● Bash(echo hi)", "", "✻ Schlepping…", "", B.rule(), " Bash command", "",
                            "   echo hi", "", " Permission rule Bash requires confirmation for this command.", "",
                            " Do you want to proceed?", " ❯ 1. Yes",
                            "   2. Yes, and don\u{2019}t ask again for: echo:*", "   3. No", "",
                            " Esc to cancel · Tab to amend · ctrl+e to explain"]),
            kind: .permission, labels: ["Yes", "Yes, and don\u{2019}t ask again for: echo:*", "No"]),
        ParserCase(
            name: "2025 boxed permission prompt",
            pane: B.screen(["╭──────────────────────────────────────────────────╮",
                            "│ Bash command                                     │",
                            "│                                                  │",
                            "│   ls -la                                         │",
                            "│                                                  │",
                            "│ Do you want to proceed?                          │",
                            "│ ❯ 1. Yes                                         │",
                            "│   2. No, and tell Claude what to do differently  │",
                            "╰──────────────────────────────────────────────────╯"]),
            kind: .permission, labels: ["Yes", "No, and tell Claude what to do differently"], cursor: 0,
            title: "Bash command"),
        ParserCase(
            name: "Windows > cursor",
            pane: B.screen([B.rule(), " Bash command", "   dir", " Do you want to proceed?", " > 1. Yes", "   2. No"]),
            kind: .permission, cursor: 0),
        ParserCase(
            name: "plan-mode exit",
            pane: B.screen([B.rule(), " Ready to code?", "", " Would you like to proceed?",
                            " ❯ 1. Yes, and auto-accept edits", "   2. Yes, and manually approve edits",
                            "   3. No, keep planning"]),
            kind: .permission, labels: ["Yes, and auto-accept edits", "Yes, and manually approve edits", "No, keep planning"]),
    ]

    // MARK: Dialogs

    static let dialogs: [ParserCase] = [
        ParserCase(
            name: "trust dialog, older wording",
            pane: B.screen([B.rule(), " Do you trust the files in this folder?", "", " /home/me/src/app", "",
                            " Claude Code may read, write, or execute files contained in this directory. This can",
                            " pose security risks, so only use files from trusted sources.", "", " Learn more", "",
                            " ❯ 1. Yes, proceed", "   2. No, exit", "", " Enter to confirm · Esc to cancel"]),
            kind: .dialog, labels: ["Yes, proceed", "No, exit"], cursor: 0, footerContains: "Enter to confirm"),
        ParserCase(
            name: "trust dialog, newer wording",
            pane: B.screen([B.rule(), " Accessing workspace:", "", " /home/me/src/app", "",
                            " Quick safety check: Is this a project you created or one you trust? (Like your own",
                            " code, a well-known open source project, or work from your team). If not, take a",
                            " moment to review what's in this folder first.", "",
                            " Claude Code'll be able to read, edit, and execute files here.", "", " Security guide", "",
                            " ❯ 1. Yes, I trust this folder", "   2. No, exit", "", " Enter to confirm · Esc to cancel"]),
            kind: .dialog, labels: ["Yes, I trust this folder", "No, exit"], title: "Accessing workspace:"),
        ParserCase(
            name: "trust dialog with No first and NBSP in the rows",
            pane: B.screen([B.rule(), " Accessing workspace:", "", " /home/me", "",
                            " ❯\u{00A0}1.\u{00A0}No, exit", "   2.\u{00A0}Yes, I trust this folder", "",
                            " Enter to confirm · Esc to exit"]),
            kind: .dialog, labels: ["No, exit", "Yes, I trust this folder"], cursor: 0),
        ParserCase(
            name: "switch model confirm (no footer)",
            pane: B.screen(["❯ /model opus", "", B.rule(), " Switch model?", "",
                            " ❯ 1. Yes, switch to Opus 5", "   2. No, go back"]),
            kind: .dialog, labels: ["Yes, switch to Opus 5", "No, go back"]),
        ParserCase(
            name: "onboarding theme picker with ✔ (not the model picker)",
            pane: B.screen([" Choose the text style that looks best with your terminal", "",
                            "   1. Light mode", " ❯ 2. Dark mode ✔", "   3. Light mode (colorblind-friendly)"]),
            kind: .dialog, cursor: 1, current: 1),
        ParserCase(
            name: "press enter to continue",
            pane: B.screen([B.rule(), " Security notes:", "", " 1. Claude can make mistakes", "",
                            " Press Enter to continue…"]),
            kind: .dialog),
    ]

    // MARK: Model picker

    static let pickerLabels = ["Default (recommended)", "Opus", "Sonnet", "Haiku"]

    static let pickers: [ParserCase] = [
        ParserCase(
            name: "picker 2.1.12, cursor and ✔ on Haiku, old footer",
            pane: B.screen(["❯ /model", "", B.rule(), " Select model",
                            " Switch between Claude models. Applies to this session and future Claude Code",
                            " sessions. For other/previous model names, specify with --model.", "",
                            "   1. Default (recommended)  Opus 4.5 · Most capable for complex work",
                            "   2. Opus                   Opus 4.5 · Legacy",
                            "   3. Sonnet                 Sonnet 4.5 · Best for everyday tasks",
                            " ❯ 4. Haiku ✔                Haiku 4.5 · Fastest for quick answers", "",
                            " Enter to confirm · esc to exit"]),
            kind: .picker, labels: pickerLabels, cursor: 3, current: 3, footerContains: "Enter to confirm",
            title: "Select model"),
        ParserCase(
            name: "picker 2.1.220, ▔ frame, cursor moved away from ✔, s footer",
            pane: B.screen(["❯ /model", "", B.rule(80, "▔"), "   Select model",
                            "   Switch between Claude models. Your pick becomes the default for new sessions.",
                            "   For other/previous model names, specify with --model.", "",
                            "     1. Default (recommended) ✔  Opus 4.6 · Most capable for complex work",
                            "   ❯ 2. Opus                     Opus 4.6 · Legacy",
                            "     3. Sonnet                   Sonnet 4.6 · Best for everyday tasks",
                            "     4. Haiku                    Haiku 4.5 · Fastest for quick answers", "",
                            "   ◐ Medium effort (default) ←/→ to adjust", "",
                            "   Enter to set as default · s to use this session only · Esc to cancel"]),
            kind: .picker, labels: pickerLabels, cursor: 1, current: 0, footerContains: "s to use this session only"),
        ParserCase(
            name: "picker with a wrapped description and overflow marker",
            pane: B.screen([B.rule(), " Select model", "",
                            " ❯ 1. Sonnet ✔   Sonnet 4.6 · Best for everyday tasks, with a long",
                            "                  description that wraps",
                            "   2. Opus       Opus 4.6",
                            " ↓ 3. Haiku      Haiku 4.5", "", " Enter to confirm · Esc to exit"]),
            kind: .picker, labels: ["Sonnet", "Opus", "Haiku"], cursor: 0, current: 0),
    ]

    // MARK: Limit and error

    static let limitsAndErrors: [ParserCase] = [
        ParserCase(
            name: "2.1.30 limit row with completion line and composer back",
            pane: B.screen(["❯ Q", "  ⎿  You've hit your limit · resets 10pm (America/New_York)",
                            "     /upgrade to increase your usage limit.", "", "✻ Baked for 2m 4s"] + B.composer21()),
            kind: .limit, detailContains: "resets 10pm"),
        ParserCase(
            name: "1.0 limit wrapped before at",
            pane: B.screen(["> Q", "  ⎿  Claude usage limit reached. Your limit will reset",
                            "     at 9am (America/Chicago)."] + B.composerBoxed()),
            kind: .limit, detailContains: "Claude usage limit reached"),
        ParserCase(
            name: "2.1.187 session limit",
            pane: B.screen(["❯ Q", "  ⎿  You've hit your session limit · resets 4:20am (Europe/Warsaw)", "",
                            "✻ Cogitated for 0s"] + B.composer21()),
            kind: .limit, detailContains: "session limit"),
        ParserCase(
            name: "stale limit above a newer answer is idle",
            pane: B.screen(["❯ Q1", "  ⎿  You've hit your limit · resets 10pm (America/New_York)", "",
                            "❯ Q2", "", "● Fine now.", "", "✻ Worked for 1s"] + B.composer21()),
            kind: .idle, answer: "Fine now."),
        ParserCase(
            name: "limit menu",
            pane: B.screen([B.rule(), " Session limit reached", " What do you want to do?", "",
                            " ❯ 1. Stop and wait for limit to reset", "   2. Switch to usage credits", "",
                            " Enter to confirm · Esc to cancel"]),
            kind: .limit, labels: ["Stop and wait for limit to reset", "Switch to usage credits"]),
        ParserCase(
            name: "API error 529 result row",
            pane: B.screen(["❯ Q",
                            "  ⎿  API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":",
                            "     \"Overloaded\"}}"] + B.composer21()),
            kind: .error, detailContains: "API Error: 529"),
        ParserCase(
            name: "doubled bullet API error",
            pane: B.screen(["❯ Q", "", "⏺ ⏺ API Error: Repeated 529 Overloaded errors"] + B.composer21()),
            kind: .error, detailContains: "Repeated 529"),
        ParserCase(
            name: "context limit error",
            pane: B.screen(["❯ Q", "  ⎿  Context limit reached · /compact or /clear to continue"] + B.composer21()),
            kind: .error, detailContains: "Context limit"),
        ParserCase(
            name: "API Error inside tool output is not a session error",
            pane: B.screen(["❯ Check the endpoint", "", "● Bash(curl localhost:8080)", "  ⎿  API Error: 500 from upstream", "",
                            "● The endpoint returns 500.", "", "✻ Worked for 2s"] + B.composer21()),
            kind: .idle, answer: "The endpoint returns 500."),
        ParserCase(
            name: "prose mentioning API Error is not an error",
            pane: B.screen(["❯ Q", "", "● An API Error usually means the server is overloaded.", "", "✻ Worked for 2s"]
                           + B.composer21()),
            kind: .idle, answer: "An API Error usually means the server is overloaded."),
    ]

    // MARK: Unknown

    static let unknown: [ParserCase] = [
        ParserCase(name: "shell prompt", pane: "$ ls\nfile.txt\n$ \n", kind: .unknown),
        ParserCase(name: "empty pane", pane: "\n\n\n", kind: .unknown),
        ParserCase(name: "banner only, composer not drawn yet", pane: B.screen(B.banner()), kind: .unknown),
    ]

    static var all: [ParserCase] { idle + busy + permission + dialogs + pickers + limitsAndErrors + unknown }
}
