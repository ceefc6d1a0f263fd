import Foundation
import Remote
import TestSupport
import Testing
@testable import Agents

/// claude-sim draws the states it shares with the real Claude Code 2.1.332 as the real CLI does.
///
/// Each case drives claude-sim in a private tmux server (40 rows; 80, 120 and 200 columns) into
/// one state of `Captures/2.1.332` — the same questions, the same replies (`--reply`), the same
/// keys — and compares its pane with the real capture of that state:
/// (a) the parser (`ClaudeCodeProfile().parse`) reads the same kind, dialog kind, error kind,
///     permission mode and menu (labels, cursor, prices) from both;
/// (b) every row is equal after `CaptureMask` has replaced what legitimately differs between two
///     runs (times, durations, random verbs, the tool command, …) in both.
///
/// The states claude-sim does not draw are listed in `ClaudeSimMatchesRealCapturesTests.notDrawn`
/// with the reason.
@Suite("claude-sim matches the real 2.1.332 captures", .serialized,
       .enabled(if: RealPart.shouldRun(TmuxFixture.tmuxExecutable != nil)))
struct ClaudeSimMatchesRealCapturesTests {
    static let widths = [80, 120, 200]

    /// Capture states claude-sim does not draw, and why (every other capture state has a case).
    static let notDrawn: [String: String] = [
        "busy-streaming": "claude-sim does not stream: its answer appears whole when the turn ends",
        "interrupted": "needs a streamed partial answer to interrupt (claude-sim's Esc before output puts the question back, as in interrupted-composer)",
        "tool-running": "the screen holds the interrupted streamed answer of the turn before",
        "tool-auto": "the screen holds the interrupted streamed answer of the turn before",
        "effort": "claude-sim has no /effort panel (the driver never opens it)",
        "effort-set": "claude-sim has no /effort panel",
        "help": "claude-sim has no /help panel (the driver never opens it)",
        "classic-clear-full": "where the history ends depends on the slash-command list the real CLI had open under the input box when /clear ran (it scrolled 20 more rows away); claude-sim draws no such list",
    ]

    // MARK: Cases

    /// One state: how to start claude-sim and the keys that bring it there.
    struct Case: CustomStringConvertible, Sendable {
        var state: String
        /// claude-sim's arguments besides `--cwd`.
        var arguments: [String] = []
        /// The working directory the real capture shows (`--cwd`); `{W}` is the width.
        var cwd = "/tmp/parser-exp/work"
        /// Text the model chose that the sim cannot know (a tool command): (sim's, real's).
        var toolCommand: (sim: String, real: String)?
        /// The classic renderer (`CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN=1`), as escalator starts the CLI.
        var classic = false
        /// Compare the whole history (`capture-pane -S - -E -`, the `-full` captures), not just the screen.
        var fullHistory = false
        var drive: @Sendable (SimSession) async throws -> Void
        var description: String { state }
    }

    static let hello = "Hello from the stand-in."
    /// The markdown the stand-in served for `answer-code` (the screen renders the marks away).
    static let codeMarkdown = """
    Use `double(_:)` like this:

    ```swift
    func double(_ x: Int) -> Int {
        return x * 2
    }

    let y = double(21)
    ```

    Then call `print(y)` to see **42** on the screen.
    """
    static let tableMarkdown = """
    Here is a comparison:

    | Model | Input | Output |
    |-------|-------|--------|
    | Opus | $4 | $20 |
    | Sonnet | $2 | $10 |
    | Haiku | $0.10 | $0.50 |

    Haiku is the cheapest.
    """
    /// The one session the `answer-*` captures were made in: question and reply, in order.
    static let answerChain: [(question: String, reply: String)] = [
        ("Say hello", hello),
        ("Why does the build fail?", RealCaptures.paragraphs),
        ("Give me the steps as lists", RealCaptures.lists),
        ("Show a function with code", codeMarkdown),
        ("Compare the models in a table", tableMarkdown),
        ("Where are the docs?", RealCaptures.url),
        ("Count to 120 in a list", RealCaptures.longLines(1...120)),
    ]

    static func chain(_ count: Int) -> Case {
        let states = ["answer-short", "answer-paragraphs", "answer-lists", "answer-code", "answer-table", "answer-url", "answer-long"]
        let steps = Array(answerChain.prefix(count))
        return Case(state: states[count - 1], arguments: steps.flatMap { ["--reply", $0.reply] }) { sim in
            try await sim.idle()
            for step in steps { try await sim.ask(step.question) }
        }
    }

    /// `/model` + Esc, `/model opus`, "Say hello": the history of the picker and switch captures.
    @Sendable static func modelHistory(_ sim: SimSession) async throws {
        try await sim.idle()
        try await sim.command("/model")
        try await sim.until("picker") { $1.kind == .picker }
        try await sim.press(.escape)
        try await sim.until("kept") { screen, state in state.kind == .idle && screen.contains("Kept model as") }
        try await sim.command("/model opus")
        try await sim.until("set") { screen, state in state.kind == .idle && screen.contains("Set model to Opus") }
        try await sim.ask("Say hello")
    }

    /// The session the `classic-*` captures were made in.
    static let classicChain: [(question: String, reply: String)] = [
        ("Say hello", hello),
        ("Count to 120 in a list", RealCaptures.longLines(1...120)),
        (RealCaptures.pasteQuestion, "Received the pasted text."),
    ]

    static func classic(_ state: String, asks count: Int, fullHistory: Bool = false,
                        then more: (@Sendable (SimSession) async throws -> Void)? = nil) -> Case {
        let steps = Array(classicChain.prefix(count))
        return Case(state: state, arguments: classicChain.flatMap { ["--reply", $0.reply] }, classic: true,
                    fullHistory: fullHistory) { sim in
            try await sim.idle()
            for step in steps { try await sim.ask(step.question) }
            try await more?(sim)
        }
    }

    @Sendable static func pasteIntoTheBox(_ sim: SimSession) async throws {
        try await sim.tmux.paste(RealCaptures.pasteQuestion, into: sim.pane)
        try await sim.until("placeholder") { screen, _ in screen.contains("[Pasted text #1") }
    }

    @Sendable static func clear(_ sim: SimSession) async throws {
        try await sim.command("/clear")
        try await sim.until("cleared") { screen, state in state.kind == .idle && screen.contains("❯ /clear") }
    }

    static let cases: [Case] = [
        // Start-up
        Case(state: "fresh") { try await $0.idle() },
        Case(state: "manual-idle", arguments: ["--permission-mode", "default"]) { try await $0.idle() },
        Case(state: "trust", arguments: ["--trust"], cwd: "/tmp/parser-exp/work-fresh-{W}") { sim in
            try await sim.until("trust dialog") { $1.dialogKind == .trust }
        },
        Case(state: "trust-cursor-yes", arguments: ["--trust"], cwd: "/tmp/parser-exp/work-fresh-{W}") { sim in
            try await sim.until("trust dialog") { $1.dialogKind == .trust }
            try await sim.press(.down)
            try await sim.until("cursor on yes") { $1.menu?.cursor == 1 }
        },
        Case(state: "trust-accepted", arguments: ["--trust"], cwd: "/tmp/parser-exp/work-fresh-{W}") { sim in
            try await sim.until("trust dialog") { $1.dialogKind == .trust }
            try await sim.press(.down)
            try await sim.until("cursor on yes") { $1.menu?.cursor == 1 }
            try await sim.press(.enter)
            try await sim.idle()
        },
        // Answers (one session, as the captures were made)
        chain(1), chain(2), chain(3), chain(4), chain(5), chain(6), chain(7),
        Case(state: "answer-paste", arguments: ["--reply", "Received the pasted text."]) { sim in
            try await sim.idle()
            try await sim.ask(RealCaptures.pasteQuestion)
        },
        Case(state: "paste-composer") { sim in
            try await sim.idle()
            try await sim.tmux.paste(RealCaptures.pasteQuestion, into: sim.pane)
            try await sim.until("placeholder") { screen, _ in screen.contains("[Pasted text #1") }
        },
        // Busy and interrupt
        Case(state: "busy", arguments: ["--think-ms", "600000"]) { sim in
            try await sim.idle()
            try await sim.send("Why does the build fail?")
            try await sim.until("busy") { $1.kind == .busy }
        },
        Case(state: "interrupted-composer", arguments: ["--think-ms", "600000"]) { sim in
            try await sim.idle()
            try await sim.send("Why does the build fail?")
            try await sim.until("busy") { $1.kind == .busy }
            try await sim.press(.escape)
            try await sim.until("question back in the box") { screen, state in
                state.kind == .idle && ClaudeCodeProfile().composerText(screen) == "Why does the build fail?"
            }
        },
        Case(state: "composer-cleared", arguments: ["--think-ms", "600000"]) { sim in
            try await sim.idle()
            try await sim.send("Why does the build fail?")
            try await sim.until("busy") { $1.kind == .busy }
            try await sim.press(.escape)
            try await sim.until("question back in the box") { screen, _ in ClaudeCodeProfile().composerText(screen)?.isEmpty == false }
            try await sim.press(.escape)
            try await sim.until("empty box") { screen, state in state.kind == .idle && ClaudeCodeProfile().composerText(screen) == "" }
        },
        // Permission prompts (manual mode)
        Case(state: "permission", arguments: ["--permission-mode", "default", "--permission-every", "1"],
             toolCommand: ("echo sim-1", "touch y")) { sim in
            try await sim.idle()
            try await sim.send("Create a file named y")
            try await sim.until("permission prompt") { $1.kind == .permission }
        },
        Case(state: "permission-denied", arguments: ["--permission-mode", "default", "--permission-every", "1"],
             toolCommand: ("echo sim-1", "touch y")) { sim in
            try await sim.idle()
            try await sim.send("Create a file named y")
            try await sim.until("permission prompt") { $1.kind == .permission }
            try await sim.press(.escape)
            try await sim.until("denied") { screen, state in state.kind == .idle && screen.contains("Interrupted") }
        },
        // Models and /clear
        Case(state: "picker") { sim in
            try await sim.idle()
            try await sim.command("/model")
            try await sim.until("picker") { $1.kind == .picker }
        },
        Case(state: "picker-cancelled") { sim in
            try await sim.idle()
            try await sim.command("/model")
            try await sim.until("picker") { $1.kind == .picker }
            try await sim.press(.escape)
            try await sim.until("kept") { screen, state in state.kind == .idle && screen.contains("Kept model as") }
        },
        Case(state: "model-opus") { sim in
            try await sim.idle()
            try await sim.command("/model")
            try await sim.until("picker") { $1.kind == .picker }
            try await sim.press(.escape)
            try await sim.until("kept") { screen, state in state.kind == .idle && screen.contains("Kept model as") }
            try await sim.command("/model opus")
            try await sim.until("set") { screen, state in state.kind == .idle && screen.contains("Set model to Opus") }
        },
        Case(state: "picker-moved", arguments: ["--reply", hello]) { sim in
            try await modelHistory(sim)
            try await sim.command("/model")
            try await sim.until("picker") { $1.kind == .picker }
            try await sim.press(.down, count: 2)
            try await sim.until("cursor on Sonnet") { $1.menu?.cursor == 3 }
        },
        Case(state: "switch-model", arguments: ["--reply", hello]) { sim in
            try await modelHistory(sim)
            try await sim.command("/model sonnet")
            try await sim.until("Switch model?") { $1.dialogKind == .switchModel }
        },
        Case(state: "clear") { sim in
            try await sim.idle()
            try await sim.command("/clear")
            try await sim.until("cleared") { screen, state in state.kind == .idle && screen.contains("❯ /clear") }
        },
        // API errors: retry rows while the CLI retries, then the final row
        Case(state: "retry-429", arguments: ["--api-error-at", "1", "--api-error", "429", "--api-retries", "10"]) { sim in
            try await sim.retryRow("Say hello")
        },
        Case(state: "retry-529", arguments: ["--api-error-at", "1", "--api-error", "529", "--api-retries", "10"]) { sim in
            try await sim.retryRow("Say hello")
        },
        Case(state: "retry-401", arguments: ["--api-error-at", "1", "--api-error", "401", "--api-retries", "10"]) { sim in
            try await sim.retryRow("Say hello")
        },
        Case(state: "error-429", arguments: ["--api-error-at", "1", "--api-error", "429"]) { sim in
            try await sim.finalError("Say hello")
        },
        Case(state: "error-529", arguments: ["--api-error-at", "1", "--api-error", "529"]) { sim in
            try await sim.finalError("Say hello")
        },
        Case(state: "error-401", arguments: ["--api-error-at", "1", "--api-error", "401"]) { sim in
            try await sim.finalError("Say hello")
        },
        // The classic renderer: the transcript flows down the screen and on into the history
        classic("classic-answer-long", asks: 2),
        classic("classic-answer-long-full", asks: 2, fullHistory: true),
        classic("classic-paste-composer", asks: 2, then: pasteIntoTheBox),
        classic("classic-answer-paste", asks: 3),
        classic("classic-answer-paste-full", asks: 3, fullHistory: true),
        classic("classic-clear", asks: 3, then: clear),
    ]

    // MARK: Tests

    @Test("claude-sim draws the state as 2.1.332 does at 80, 120 and 200 columns", arguments: cases)
    func matches(_ c: Case) async throws {
        for width in Self.widths {
            let cwd = c.cwd.replacingOccurrences(of: "{W}", with: String(width))
            let sim = try await SimSession.start(["--cwd", cwd, "--think-ms", "100"] + c.arguments, width: width,
                                                 environment: c.classic ? ["CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN": "1"] : [:])
            defer { sim.stop() }
            try await c.drive(sim)
            let simScreen = c.fullHistory ? try await sim.history() : sim.lastCapture
            let realScreen = try RealCapture(state: c.state, kind: .unknown, width: width).pane()
            Self.compare(sim: simScreen, real: realScreen, case: c, width: width, cwd: cwd)
        }
    }

    @Test func everyCaptureStateHasACaseOrAReason() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: RealCapture.directory.path)
        let states = Set(files.filter { $0.hasSuffix("-80.txt") }.map { String($0.dropLast("-80.txt".count)) })
        let covered = Set(Self.cases.map(\.state)).union(Self.notDrawn.keys)
        #expect(states.subtracting(covered).sorted() == [])
        #expect(Set(Self.cases.map(\.state)).intersection(Self.notDrawn.keys).sorted() == [])
        #expect(Set(Self.cases.map(\.state)).subtracting(states).sorted() == [])
    }

    /// The masks must not hide what they are not for: two different states stay different.
    @Test func masksKeepStatesApart() throws {
        let fresh = try RealCapture(state: "fresh", kind: .idle, width: 120).pane()
        let manual = try RealCapture(state: "manual-idle", kind: .idle, width: 120).pane()
        let mask = CaptureMask(cwd: "/tmp/parser-exp/work", toolCommand: nil)
        #expect(mask.rows(fresh) != mask.rows(manual))
        // … and two captures of one state made at different times are equal under them.
        let short = try RealCapture(state: "answer-short", kind: .idle, width: 80).pane()
        let later = short.replacingOccurrences(of: "Cooked for 0s · done 8:04 AM", with: "Sautéed for 12s · done 11:59 PM")
        #expect(mask.rows(short) == mask.rows(later))
    }

    // MARK: Comparing

    static func compare(sim: String, real: String, case c: Case, width: Int, cwd: String) {
        let profile = ClaudeCodeProfile()
        let s = profile.parse(sim), r = profile.parse(real)
        let label = "\(c.state) at \(width) columns"
        #expect(s.kind == r.kind, "\(label): kind")
        #expect(s.dialogKind == r.dialogKind, "\(label): dialog kind")
        #expect(s.errorKind == r.errorKind, "\(label): error kind")
        #expect(s.permissionMode == r.permissionMode, "\(label): permission mode")
        let mask = CaptureMask(cwd: cwd, toolCommand: c.toolCommand)
        let maskOptions = { (state: ScreenState) in state.menu?.options.map { mask.text($0.label) } }
        #expect(maskOptions(s) == maskOptions(r), "\(label): menu options")
        #expect(s.menu?.cursor == r.menu?.cursor, "\(label): menu cursor")
        #expect(s.menu?.options.map(\.price) == r.menu?.options.map(\.price), "\(label): prices")

        let (simRaw, realRaw) = CaptureMask.aligned(sim: sim, real: real, fromBottom: c.classic && !c.fullHistory)
        let simRows = simRaw.map { mask.row($0, isSim: true) }, realRows = realRaw.map { mask.row($0, isSim: false) }
        // The effort indicator comes and goes on the real screen; where the capture shows it,
        // claude-sim must show the same one in the same place.
        for (index, row) in realRaw.enumerated() {
            guard let indicator = CaptureMask.effortIndicator(row) else { continue }
            #expect((index < simRaw.count ? CaptureMask.effortIndicator(simRaw[index]) : nil) == indicator,
                    "\(label): effort indicator on row \(index)")
        }
        let differing = (0..<max(simRows.count, realRows.count)).filter { index in
            (index < simRows.count ? simRows[index] : nil) != (index < realRows.count ? realRows[index] : nil)
        }
        if !differing.isEmpty {
            let lines = differing.prefix(8).map { index in
                "row \(index)\n  sim:  \(index < simRows.count ? simRows[index] : "(none)")\n  real: \(index < realRows.count ? realRows[index] : "(none)")"
            }
            Issue.record("\(label): \(differing.count) row(s) differ after masking\n\(lines.joined(separator: "\n"))\n--- claude-sim pane:\n\(sim)")
        }
    }
}

/// What may differ between a claude-sim pane and a real capture of the same state. Both sides
/// get the same treatment before their rows are compared; everything else (glyphs, words,
/// spacing, blank rows, which row a thing is on) must be equal.
///
/// Replaced by a placeholder:
/// - clock times (`done 8:04 AM` → `done <time>`): when the capture was made;
/// - digits of durations and counters (`for 0s`, `retrying in 3s`, `1m 5s`, `↓ 5 tokens`,
///   `attempt 3/10` → `attempt <n>/10`): how long the turn had run when it was captured;
/// - the spinner row's frame glyph and verb (`✻ Wibbling…` → `<spinner> <verb>…`) and the
///   completion row's verb (`✻ Cooked for` → `✻ <verb> for`): the CLI picks them at random;
/// - the working directory (`/tmp/parser-exp/work…`, the sim's `--cwd`) → `<cwd>`;
/// - the model and effort on the banner's second row (`Opus 5.5 with high effort` → `<model>`):
///   the session's settings;
/// - the API host in gateway messages (`(127.0.0.1:18611)` → `(<host>)`): the stand-in's port;
/// - the tool command the model chose (`touch y`; claude-sim runs `echo sim-N`) → `<command>`.
///
/// Dropped (the row becomes blank on both sides, so positions still count):
/// - ` · ← for agents` in the footer (spaces in its place): the CLI shows it on some frames
///   only (the `fresh` capture has it at 120 columns, not at 80);
/// - the auto-mode notice (`▎ Auto mode is now …`), shown on a HOME's first launches only;
/// - the `tmux focus-events off …` notice and `⎿  Tip: …` rows: shown for a while, then gone
///   (in the classic renderer the notice has a row of its own, which `aligned` takes out);
/// - the effort indicator (`◐ medium · /effort`; in the classic renderer at the footer's right),
///   which shares its row with the notice and is sometimes absent: the test checks it
///   separately, column included, where the capture shows it.
struct CaptureMask {
    var cwd: String
    var toolCommand: (sim: String, real: String)?

    /// The pane's rows (the capture's final line feed ends the last row), masked.
    func rows(_ pane: String, isSim: Bool = false) -> [String] {
        Self.trimmedBottom(Self.split(pane)).map { row($0, isSim: isSim) }
    }

    /// One row, masked: blank when transient, else with the dynamic parts replaced.
    func row(_ row: String, isSim: Bool) -> String {
        if Self.isTransient(row) { return "" }
        var masked = text(Self.replace(Self.trailingNotice, in: row, with: "$1"))
        if let toolCommand { masked = masked.replacingOccurrences(of: isSim ? toolCommand.sim : toolCommand.real, with: "<command>") }
        return masked
    }

    /// `text` with the dynamic parts replaced (see the type's documentation).
    func text(_ text: String) -> String {
        var out = text.replacingOccurrences(of: cwd, with: "<cwd>")
        out = Self.replace(#"/tmp/parser-exp/work[\w-]*"#, in: out, with: "<cwd>")
        out = Self.replace(#"\b\d{1,2}:\d{2} ?[AP]M\b"#, in: out, with: "<time>")
        out = Self.replace(#"\(\d+\.\d+\.\d+\.\d+:\d+\)"#, in: out, with: "(<host>)")
        out = Self.replace(#"\battempt \d+/"#, in: out, with: "attempt <n>/")
        out = Self.replace(#"\b(\d+m )?\d+s\b"#, in: out, with: "<n>s")
        out = Self.replace(#"↓ [\d.]+k? tokens"#, in: out, with: "↓ <n> tokens")
        out = Self.replace(#"^[·✢*✳✶✻✽] [A-Z][\p{L}]+…"#, in: out, with: "<spinner> <verb>…")
        out = Self.replace(#"^✻ [A-Z][\p{L}]+ for "#, in: out, with: "✻ <verb> for ")
        out = Self.replace(#"^(▝▜██████▀  ).*?( · [^·]+)$"#, in: out, with: "$1<model>$2")
        // The hint goes; a right-aligned indicator after it keeps its column.
        out = out.replacingOccurrences(of: " · ← for agents", with: String(repeating: " ", count: " · ← for agents".count))
        while out.hasSuffix(" ") { out.removeLast() }
        return out
    }

    /// Rows the CLI shows for a while or on some frames only.
    static func isTransient(_ row: String) -> Bool {
        let body = row.trimmingCharacters(in: .whitespaces)
        return row.hasPrefix("▎ ") || isNotice(body) || body.hasPrefix("⎿  Tip:") || body.hasPrefix("⎿ \u{00A0}Tip:")
            || isEffortIndicator(body)
    }

    static func isNotice(_ body: String) -> Bool { body.hasPrefix("tmux focus-events off") }

    /// `◐ medium · /effort`, `● high · /effort` (right-aligned above the input box).
    static func isEffortIndicator(_ body: String) -> Bool {
        body.hasSuffix("· /effort") && body.count < 30
    }

    /// The classic renderer puts the effort indicator, or at 200 columns the focus notice, at the
    /// right of the footer row.
    static let trailingNotice = #"^(.*\S)( {2,}([◐●○◑◒◓] \w+ · /effort|tmux focus-events off .*))$"#

    /// The effort indicator `row` shows (on its own row or at the footer's right), with the
    /// spaces before it (so its column counts); nil when it shows none.
    static func effortIndicator(_ row: String) -> String? {
        if isEffortIndicator(row.trimmingCharacters(in: .whitespaces)) { return row }
        let trailing = replace(trailingNotice, in: row, with: "$2")
        guard trailing != row, trailing.hasSuffix("· /effort") else { return nil }
        return String(repeating: " ", count: row.count - trailing.count) + trailing
    }

    /// The rows of both panes, lined up. The classic renderer shows the focus notice on a row
    /// of its own under the footer, which moves everything above it up a row: with `fromBottom`,
    /// notice rows are taken out of both and the screens lined up from the bottom, claude-sim's
    /// top rows left over (at most one per notice row taken out of the real capture) dropped —
    /// the real CLI had pushed them into the history.
    static func aligned(sim: String, real: String, fromBottom: Bool) -> (sim: [String], real: [String]) {
        guard fromBottom else { return (trimmedBottom(split(sim)), trimmedBottom(split(real))) }
        let notice = { (row: String) in isNotice(row.trimmingCharacters(in: .whitespaces)) }
        let taken = split(real).filter(notice).count
        var simRows = trimmedBottom(split(sim).filter { !notice($0) })
        let realRows = trimmedBottom(split(real).filter { !notice($0) })
        let extra = simRows.count - realRows.count
        if extra > 0 && extra <= taken { simRows.removeFirst(extra) }
        return (simRows, realRows)
    }

    static func split(_ pane: String) -> [String] { pane.components(separatedBy: "\n") }

    /// Without blank and transient rows at the bottom (tmux leaves blank ones out of some captures).
    static func trimmedBottom(_ rows: [String]) -> [String] {
        var rows = rows
        while let last = rows.last, last.trimmingCharacters(in: .whitespaces).isEmpty || isTransient(last) { rows.removeLast() }
        return rows
    }

    static func replace(_ pattern: String, in text: String, with template: String) -> String {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else { return text }
        return regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }
}

/// claude-sim in its own tmux server (TestSupport's `TmuxFixture`), driven with the same input
/// the driver uses (bracketed paste, named keys).
final class SimSession: @unchecked Sendable {
    let fixture: TmuxFixture
    let tmux: Tmux
    let pane: TmuxPane
    let profile = ClaudeCodeProfile(settleTime: .milliseconds(100), enterDelay: .milliseconds(100))
    /// The capture the last wait was satisfied by (what the comparison uses).
    private(set) var lastCapture = ""

    private init(fixture: TmuxFixture, tmux: Tmux, pane: TmuxPane) {
        self.fixture = fixture
        self.tmux = tmux
        self.pane = pane
    }

    static func start(_ arguments: [String], width: Int, environment: [String: String] = [:]) async throws -> SimSession {
        let sim = BuiltProducts.executable("claude-sim")
        #expect(FileManager.default.isExecutableFile(atPath: sim), "build claude-sim first: \(sim)")
        let fixture = try TmuxFixture()
        let tmux = Tmux(transport: LocalTransport(), socket: .path(fixture.socketPath), executable: fixture.tmuxPath)
        do {
            let pane = try await tmux.newSession("sim", command: [sim] + arguments, width: width, height: 40,
                                                 environment: environment)
            try fixture.recordServerPID()
            return SimSession(fixture: fixture, tmux: tmux, pane: pane)
        } catch {
            fixture.stop()
            throw error
        }
    }

    func stop() { fixture.stop() }

    /// The pane's whole history and screen, as the `-full` captures were made.
    func history() async throws -> String {
        try await tmux.checked(["capture-pane", "-p", "-t", pane.target, "-S", "-", "-E", "-"]).stdoutText
    }

    func press(_ key: TmuxKey, count: Int = 1) async throws { try await tmux.press(key, in: pane, count: count) }

    /// Waits (deadline 20 s) until the pane and its parse satisfy `condition`.
    func until(_ what: String, timeout: Double = 20, _ condition: @escaping (String, ScreenState) -> Bool) async throws {
        var screen = ""
        do {
            try await waitUntil(what, timeout: timeout) {
                screen = try await self.tmux.capture(self.pane)
                return condition(screen, self.profile.parse(screen))
            }
        } catch {
            Issue.record("\(error); pane:\n\(screen)")
            throw error
        }
        lastCapture = screen
    }

    func idle() async throws { try await until("idle") { $1.kind == .idle } }

    /// Pastes `question` and presses Enter, as the driver does.
    func send(_ question: String) async throws { try await perform(profile.submission(for: question).steps) }

    /// A slash command, as the driver runs its own (`/clear`, `/model opus`).
    func command(_ line: String) async throws { try await perform(profile.command(line).steps) }

    func perform(_ steps: [InputStep]) async throws {
        for step in steps {
            switch step {
            case .paste(let text): try await tmux.paste(text, into: pane)
            case .type(let text): try await tmux.type(text, into: pane)
            case .key(let key): if let k = TmuxKey(name: key.tmuxName) { try await press(k) }
            case .pause(let duration), .untilShown(let duration): try await Task.sleep(for: duration)
            }
        }
    }

    /// Asks `question` and waits until its turn has ended: Enter was taken (the box no longer
    /// holds the question), the screen is idle and its last transcript row is a completion row.
    func ask(_ question: String) async throws {
        let submission = profile.submission(for: question)
        let before = try await tmux.capture(pane)
        try await send(question)
        try await until("the answer to \(question.prefix(30))") { screen, state in
            guard state.kind == .idle, screen != before, let box = self.profile.composerText(screen) else { return false }
            return !AgentDriver.holds(box, submission) && Self.endsWithCompletion(screen)
        }
    }

    /// Whether the last row above the input box (blank and transient rows aside) is a
    /// completion row (`✻ Cooked for 0s · done 8:04 AM`).
    static func endsWithCompletion(_ screen: String) -> Bool {
        let rows = screen.components(separatedBy: "\n")
        let isRule = { (row: String) in row.count >= 10 && row.allSatisfy { $0 == "─" } }
        guard let bottom = rows.lastIndex(where: isRule), let top = rows[..<bottom].lastIndex(where: isRule) else { return false }
        let last = rows[..<top].last { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !CaptureMask.isTransient($0) }
        return last?.range(of: #"^✻ \p{L}+ for \d"#, options: .regularExpression) != nil
    }

    /// Asks `question` and waits for the third retry row.
    func retryRow(_ question: String) async throws {
        try await idle()
        try await send(question)
        try await until("attempt 3/10") { screen, _ in screen.contains("attempt 3/10") }
    }

    /// Asks `question` and waits for the error that ends the turn.
    func finalError(_ question: String) async throws {
        try await idle()
        try await send(question)
        try await until("API error") { $1.kind == .error }
    }
}
