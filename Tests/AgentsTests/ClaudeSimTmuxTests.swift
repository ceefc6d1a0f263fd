import Agents
import Foundation
import Testing
import TestSupport

/// Runs the built `claude-sim` in a real tmux pane, drives it as a person would and reads it
/// with the parser. Skipped when tmux is missing (failed in CI).
@Suite("claude-sim in tmux", .serialized)
struct ClaudeSimTmuxTests {
    let profile = ClaudeCodeProfile()
    let sim = BuiltProducts.executable("claude-sim")

    /// Starts claude-sim with `arguments` (plus a record file); nil when tmux is missing.
    func start(_ arguments: [String], columns: Int = 100, rows: Int = 40, environment: [String] = []) throws -> (SimPane, String)? {
        #expect(FileManager.default.isExecutableFile(atPath: sim), "build claude-sim first: \(sim)")
        let record = NSTemporaryDirectory() + "claude-sim-record-\(UUID().uuidString.prefix(8)).jsonl"
        guard let pane = try SimPane.start(environment + [sim, "--record", record, "--cwd", "/work/demo"] + arguments,
                                            columns: columns, rows: rows) else { return nil }
        pane.cleanup.append(record)
        return (pane, record)
    }

    func expectedAnswer(_ question: String, model: String) throws -> String {
        let result = try runBinary(sim, ["--print-answer", "--model", model, "--", question])
        #expect(result.status == 0, "\(result.stderr)")
        return String(result.stdout.dropLast())  // print's newline
    }

    /// The records of kind `kind` in the record file.
    func records(_ path: String, kind: String) throws -> [[String: Any]] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["kind"] as? String == kind ? object : nil
        }
    }

    func promptBytes(_ path: String) throws -> [Data] {
        try records(path, kind: "prompt").compactMap { ($0["base64"] as? String).flatMap { Data(base64Encoded: $0) } }
    }

    /// Sends `question` through the profile's submission and waits for the idle answer.
    @discardableResult
    func ask(_ pane: SimPane, _ question: String, until kind: ScreenState.Kind = .idle) async throws -> ScreenState {
        try await pane.waitFor("composer ready") { $0.kind == .idle }
        let submission = profile.submission(for: question)
        try await pane.perform(submission.steps)
        return try await pane.waitFor("\(kind) after \(question.prefix(20))", after: submission) { state in
            state.kind == kind && (kind != .idle || state.answer != nil)
        }
    }

    // MARK: Renderers, platforms and answers

    /// (renderer, platform): claude-sim draws 2.1.332 only; the fullscreen renderer is its
    /// default, the classic one what escalator starts the CLI with.
    static let looks = [("fullscreen", "linux"), ("fullscreen", "macos"), ("classic", "linux"), ("classic", "macos")]

    @Test("answer equals --print-answer and the record holds the typed bytes",
          arguments: looks.map { "\($0.0)/\($0.1)" })
    func answersInEachLook(_ lookAndPlatform: String) async throws {
        let parts = lookAndPlatform.split(separator: "/").map(String.init)
        let environment = parts[0] == "classic" ? ["/usr/bin/env", "CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN=1"] : []
        guard let (pane, record) = try start(["--platform", parts[1], "--model", "sonnet", "--think-ms", "400"],
                                             environment: environment) else { return }
        defer { pane.stop() }
        let question = "How do I read a file in Swift?"
        let state = try await ask(pane, question)
        #expect(state.answer == (try expectedAnswer(question, model: "sonnet")))
        let screen = try pane.capture()
        #expect(screen.contains(parts[1] == "macos" ? "⏺ " : "● "))
        #expect(screen.contains(" ▐▛███▛█   Claude Code v2.1.332"))
        #expect(try pane.run(["display-message", "-p", "-t", SimPane.target, "#{alternate_on}"]).hasPrefix(parts[0] == "classic" ? "0" : "1"))
        #expect(try promptBytes(record) == [Data(question.utf8)])
    }

    @Test func busyThenIdleWithSpinnerAndCompletionLine() async throws {
        guard let (pane, _) = try start(["--think-ms", "2500", "--spinner-verb", "Schlepping"]) else { return }
        defer { pane.stop() }
        try await pane.waitFor("idle") { $0.kind == .idle }
        let submission = profile.submission(for: "Slow one")
        try await pane.perform(submission.steps)
        let busy = try await pane.waitFor("busy", after: submission) { $0.kind == .busy }
        #expect(busy.detail?.contains("Schlepping…") == true)
        let idle = try await pane.waitFor("idle", after: submission) { $0.kind == .idle }
        #expect(idle.detail?.contains(" for ") == true)
        #expect(idle.answer == (try expectedAnswer("Slow one", model: "default")))
    }

    @Test func pastedMultiLinePromptIsRecordedByteForByte() async throws {
        guard let (pane, record) = try start(["--think-ms", "300"]) else { return }
        defer { pane.stop() }
        let question = "  Line one with trailing spaces   \nline two\twith a tab\n\nünïcødé ✓ and \"quotes\" $(not run)\n"
        let state = try await ask(pane, question)
        // The documented delivery (README "Safe delivery"): a question that starts with a space
        // goes in after three line feeds, tabs as four spaces, the trailing line feed dropped.
        let delivered = "\n\n\n  Line one with trailing spaces   \nline two    with a tab\n\nünïcødé ✓ and \"quotes\" $(not run)"
        #expect(try promptBytes(record) == [Data(delivered.utf8)])
        #expect(state.answer == (try expectedAnswer(delivered, model: "default")))
    }

    @Test func longPromptWrapsAndIsRecorded() async throws {
        guard let (pane, record) = try start(["--think-ms", "300"], columns: 80, rows: 45) else { return }
        defer { pane.stop() }
        let question = String(repeating: "why is the sky blue and not green ", count: 8) + "?"
        let state = try await ask(pane, question)
        #expect(state.answer == (try expectedAnswer(question, model: "default")))
        #expect(try promptBytes(record) == [Data(question.utf8)])
    }

    @Test func olderAnswerAboveNewAnswer() async throws {
        guard let (pane, _) = try start(["--think-ms", "200", "--model", "haiku"], rows: 60) else { return }
        defer { pane.stop() }
        try await ask(pane, "First?")
        let second = try await ask(pane, "Second?")
        #expect(second.answer == (try expectedAnswer("Second?", model: "haiku")))
    }

    // MARK: Dialogs and prompts

    @Test func trustDialogChosenByLabel() async throws {
        guard let (pane, record) = try start(["--trust"]) else { return }
        defer { pane.stop() }
        let dialog = try await pane.waitFor("trust dialog") { $0.kind == .dialog }
        let menu = try #require(dialog.menu)
        #expect(menu.options.map(\.label) == ["No, exit", "Yes, I trust this folder"])
        #expect(menu.cursor == 0)
        let yes = try #require(menu.index(ofLabel: "Yes, I trust"))
        try await pane.perform(profile.select(yes, in: menu))
        try await pane.waitFor("idle after trust") { $0.kind == .idle }
        #expect(try records(record, kind: "trust").first?["label"] as? String == "Yes, I trust this folder")
    }

    @Test func trustDeclinedByEscExits() async throws {
        guard let (pane, record) = try start(["--trust"]) else { return }
        defer { pane.stop() }
        let dialog = try await pane.waitFor("trust dialog") { $0.kind == .dialog }
        #expect(dialog.dialogKind == .trust)
        #expect(dialog.menu?.title == "Accessing workspace:")
        #expect(dialog.menu?.options.map(\.label) == ["No, exit", "Yes, I trust this folder"])
        try await pane.perform(profile.cancelSteps)
        try await waitUntil("pane dead") { try pane.paneExit().dead }
        #expect(try records(record, kind: "trust").first?["label"] as? String == "No, exit")
        #expect(try records(record, kind: "exit").first?["status"] as? Int == 1)
    }

    @Test func permissionApprovedThenAnswerSkipsToolRows() async throws {
        guard let (pane, record) = try start(["--permission-mode", "default", "--permission-every", "1", "--think-ms", "600"]) else { return }
        defer { pane.stop() }
        let prompt = try await ask(pane, "Run something", until: .permission)
        let menu = try #require(prompt.menu)
        #expect(menu.question == "Do you want to proceed?")
        #expect(menu.options.map(\.label).first == "Yes")
        #expect(menu.footer == "Esc to cancel · Tab to amend")
        try await pane.perform(profile.select(1, in: menu))
        let submission = profile.submission(for: "Run something")
        let idle = try await pane.waitFor("answer after approval", after: submission) { $0.kind == .idle && $0.answer != nil }
        #expect(idle.answer == (try expectedAnswer("Run something", model: "default")))
        #expect(try pane.capture().contains("  Ran 1 shell command"))
        let decision = try records(record, kind: "permission").first
        #expect(decision?["choice"] as? Int == 2)
    }

    @Test func permissionAnsweredByDigitAndRefusedByEsc() async throws {
        guard let (pane, record) = try start(["--permission-mode", "default", "--permission-every", "1", "--think-ms", "400"]) else { return }
        defer { pane.stop() }
        let first = try await ask(pane, "One", until: .permission)
        #expect(first.menu?.options.map(\.label) == ["Yes", "Yes, and always allow access to /work/demo from this project",
                                                      "Yes, and switch to auto mode · auto mode handles these prompts for you", "No"])
        try pane.type("1")
        try await pane.waitFor("answer") { $0.kind == .idle && $0.answer != nil }
        try await ask(pane, "Two", until: .permission)
        try pane.key("Escape")
        let refused = try await pane.waitFor("interrupted", after: profile.submission(for: "Two")) {
            $0.kind == .idle && $0.detail?.contains("Interrupted") == true
        }
        #expect(refused.answer == nil)
        #expect(try records(record, kind: "permission").map { $0["choice"] as? Int } == [1, 0])
    }

    // MARK: /model

    @Test func pickerSelectsSonnetThenAnswersAsSonnet() async throws {
        guard let (pane, _) = try start(["--think-ms", "200"]) else { return }
        defer { pane.stop() }
        try await pane.waitFor("idle") { $0.kind == .idle }
        try await pane.perform(profile.command(try #require(profile.modelCommand(nil))).steps)
        let picker = try #require(try await pane.waitFor("picker") { $0.kind == .picker }.picker)
        #expect(picker.options.map(\.label) == ["Default (recommended)", "Opus", "Fable", "Sonnet", "Haiku"])
        #expect(picker.current == 0)
        #expect(picker.cursor == 0)
        #expect(picker.footer == "s to use this session only · Enter to save · Esc to cancel")
        try pane.key("Down")
        let moved = try #require(try await pane.waitFor("cursor moved") { $0.picker?.cursor == 1 }.picker)
        #expect(moved.current == 0)
        try await pane.perform(profile.select(try #require(moved.index(ofLabel: "Sonnet")), in: moved))
        try await pane.waitFor("idle after switch") { $0.kind == .idle }
        #expect(profile.modelSwitchResult(try pane.capture()) == .switched(label: "Sonnet 5.5"))
        let state = try await ask(pane, "Which model?")
        #expect(state.answer == (try expectedAnswer("Which model?", model: "sonnet")))
    }

    @Test func newerPickerSessionOnlyAndEsc() async throws {
        guard let (pane, _) = try start(["--model", "haiku"]) else { return }
        defer { pane.stop() }
        try await pane.waitFor("idle") { $0.kind == .idle }
        try await pane.perform(profile.command("/model").steps)
        let picker = try #require(try await pane.waitFor("picker") { $0.kind == .picker }.picker)
        #expect(picker.current == 4 && picker.cursor == 4)
        #expect(picker.footer?.contains("s to use this session only") == true)
        try await pane.perform(profile.selectForSession(1, in: picker))
        try await pane.waitFor("idle after s") { $0.kind == .idle }
        #expect(profile.modelSwitchResult(try pane.capture()) == .switched(label: "Opus 5.5"))
        try await pane.perform(profile.command("/model").steps)
        let again = try #require(try await pane.waitFor("picker with Opus current") { $0.picker?.current == 1 }.picker)
        try await pane.perform(profile.cancelSteps)
        try await pane.waitFor("idle after esc") { $0.kind == .idle }
        #expect(profile.modelSwitchResult(try pane.capture()) == .kept(label: "Opus 5.5"))
        _ = again
    }

    @Test func directModelAliases() async throws {
        guard let (pane, _) = try start([]) else { return }
        defer { pane.stop() }
        try await pane.waitFor("idle") { $0.kind == .idle }
        try await pane.perform(profile.command("/model haiku").steps)
        try await waitUntil("haiku set") { profile.modelSwitchResult(try pane.capture()) == .switched(label: "Haiku 5.5") }
        try await pane.perform(profile.command("/model default").steps)
        try await waitUntil("default set") { profile.modelSwitchResult(try pane.capture()) == .switched(label: "Opus 5.5 (default)") }
        try await pane.perform(profile.command("/model gpt-9").steps)
        try await waitUntil("rejected") { profile.modelSwitchResult(try pane.capture()) == .rejected(message: "Model 'gpt-9' not found") }
    }

    // MARK: Limits, errors, crash

    @Test func usageLimitAfterOneQuestion() async throws {
        guard let (pane, _) = try start(["--limit-after", "1", "--think-ms", "200"]) else { return }
        defer { pane.stop() }
        try await ask(pane, "Fine")
        let limited = try await ask(pane, "Too many", until: .limit)
        #expect(limited.detail == "You've hit your limit · resets 10pm (America/New_York)")
    }

    @Test func limitMenuIsABlockingLimitState() async throws {
        guard let (pane, record) = try start(["--limit-after", "0", "--limit-menu", "--think-ms", "200"]) else { return }
        defer { pane.stop() }
        let state = try await ask(pane, "Any", until: .limit)
        #expect(state.isBlocking)
        let menu = try #require(state.menu)
        #expect(menu.options.first?.label == "Stop and wait for limit to reset")
        try await pane.perform(profile.select(0, in: menu))
        let row = try await pane.waitFor("limit row", after: profile.submission(for: "Any")) { $0.kind == .limit && $0.menu == nil }
        #expect(row.detail?.contains("You've hit your limit") == true)
        #expect(try records(record, kind: "limit-menu").first?["label"] as? String == "Stop and wait for limit to reset")
    }

    @Test func switchModelConfirmAfterAnAnswer() async throws {
        // --confirm-switch is accepted for old command lines; 2.1.332 always asks.
        guard let (pane, _) = try start(["--confirm-switch", "--think-ms", "200"]) else { return }
        defer { pane.stop() }
        try await pane.waitFor("idle") { $0.kind == .idle }
        // No answer yet: the switch is immediate.
        try await pane.perform(profile.command("/model sonnet").steps)
        try await waitUntil("sonnet") { profile.modelSwitchResult(try pane.capture()) == .switched(label: "Sonnet 5.5") }
        try await ask(pane, "Hello")
        try await pane.perform(profile.command("/model haiku").steps)
        let confirm = try await pane.waitFor("confirm") { $0.kind == .dialog }
        let menu = try #require(confirm.menu)
        #expect(menu.title == "Switch model?")
        #expect(confirm.dialogKind == .switchModel)
        #expect(menu.options.map(\.label) == ["Yes, switch to Haiku 5.5", "No, go back"])
        let yes = try #require(menu.index(ofLabel: "Yes, switch to"))
        try await pane.perform(profile.select(yes, in: menu))
        try await waitUntil("haiku") {
            profile.modelSwitchResult(try pane.capture()) == .switched(label: "Haiku 5.5")
        }
    }

    @Test func apiErrorAtSecondQuestion() async throws {
        guard let (pane, _) = try start(["--api-error-at", "2", "--api-error", "529", "--think-ms", "200"]) else { return }
        defer { pane.stop() }
        try await ask(pane, "Fine")
        let failed = try await ask(pane, "Overloaded", until: .error)
        #expect(failed.detail?.hasPrefix("API Error: 529 Overloaded") == true)
        #expect(failed.errorKind == .overloaded)
        #expect(profile.composerText(try pane.capture()) == "Resend your message to try again")
    }

    @Test func apiRetryRowsThenTheFinalError() async throws {
        guard let (pane, _) = try start(["--api-error-at", "1", "--api-error", "429", "--api-retries", "3",
                                         "--retry-ms", "1000", "--think-ms", "100"]) else { return }
        defer { pane.stop() }
        try await pane.waitFor("idle") { $0.kind == .idle }
        let submission = profile.submission(for: "Busy API")
        try await pane.perform(submission.steps)
        let first = try await pane.waitFor("a bare retry row", after: submission) { $0.retryAttempt == 1 }
        #expect(first.kind == .busy)
        #expect(profile.retryStatus(try pane.capture())?.cause == .other)
        let third = try await pane.waitFor("the third retry row", after: submission) { $0.retryAttempt == 3 }
        #expect(third.errorKind == .rateLimit && third.retryOf == 10)
        let failed = try await pane.waitFor("the final error", after: submission) { $0.kind == .error }
        #expect(failed.detail == "API Error: Request rejected (429) · Rate limited")
    }

    @Test func crashAfterOneQuestion() async throws {
        guard let (pane, record) = try start(["--crash-after", "1", "--think-ms", "200"]) else { return }
        defer { pane.stop() }
        try await ask(pane, "Fine")
        try await pane.perform(profile.submission(for: "Boom").steps)
        // tmux 3.3 sometimes never reaps the pane (pane_dead_status stays empty), so the
        // status comes from the record the simulator writes just before exiting.
        try await waitUntil("pane dead") { try pane.paneExit().dead }
        let exit = try #require(try records(record, kind: "exit").first)
        #expect(exit["status"] as? Int == 3)
        #expect(try pane.capture().contains("claude-sim: simulated crash after 1 question(s)"))
        if let status = try pane.paneExit().status { #expect(status == 3) }
    }

    // MARK: /cost, /clear, resize, interrupt, marker profile

    @Test func costGrowsPerAnswer() async throws {
        guard let (pane, _) = try start(["--think-ms", "200"]) else { return }
        defer { pane.stop() }
        func cost() async throws -> Double {
            try await pane.perform(profile.command("/cost").steps)
            var value: Double?
            try await waitUntil("cost block") {
                let lines = try pane.capture().split(separator: "\n")
                guard let last = lines.last(where: { $0.contains("Total cost:") }),
                      let dollar = last.firstIndex(of: "$") else { return false }
                value = Double(last[last.index(after: dollar)...])
                return value != nil
            }
            try await pane.run(["send-keys", "-t", SimPane.target, "-l", "--", "/clear"])
            try pane.key("Enter")
            try await waitUntil("cleared") { !(try pane.capture().contains("Total cost:")) }
            return value ?? -1
        }
        try await pane.waitFor("idle") { $0.kind == .idle }
        #expect(try await cost() == 0)
        try await ask(pane, "Costly")
        let one = try await cost()
        try await ask(pane, "Costly")
        let two = try await cost()
        #expect(one > 0)
        #expect(abs(two - 2 * one) < 0.0002)
        let cleared = profile.parse(try pane.capture())
        #expect(cleared.kind == .idle && cleared.answer == nil)
    }

    @Test func resizeRedrawsAtTheNewWidth() async throws {
        guard let (pane, _) = try start(["--think-ms", "200"]) else { return }
        defer { pane.stop() }
        let question = "Resize me"
        let before = try await ask(pane, question)
        try pane.run(["resize-window", "-t", SimPane.target, "-x", "70", "-y", "40"])
        try await waitUntil("rule redrawn at 70") {
            try pane.capture().split(separator: "\n").contains { $0 == Substring(String(repeating: "─", count: 70)) }
        }
        // The repaint may still be arriving; wait for a settled frame with the same answer.
        let after = try await pane.waitFor("answer re-read at 70 columns", after: profile.submission(for: question)) {
            $0.kind == .idle && $0.answer == before.answer
        }
        #expect(after.answer == (try expectedAnswer(question, model: "default")))
        let rows = try pane.capture().split(separator: "\n")
        #expect(rows.allSatisfy { $0.count <= 70 })
        #expect(rows.contains { $0.count > 60 && $0.hasPrefix("  ") })
    }

    @Test func escBeforeAnyOutputPutsTheQuestionBack() async throws {
        guard let (pane, _) = try start(["--think-ms", "20000"]) else { return }
        defer { pane.stop() }
        try await ask(pane, "Never finishes", until: .busy)
        try pane.key("Escape")
        let state = try await pane.waitFor("interrupted") { $0.kind == .idle }
        // As 2.1.332 does: the echo goes, the question is back in the input box.
        #expect(state.echoCount == 0)
        #expect(profile.composerText(try pane.capture()) == "Never finishes")
        try pane.key("C-u")
        try await waitUntil("the box emptied by Ctrl-U") { profile.composerText(try pane.capture()) == "" }
    }

    @Test func escAfterAToolCallEndsTheTurnInterrupted() async throws {
        guard let (pane, _) = try start(["--permission-every", "1", "--think-ms", "6000"]) else { return }
        defer { pane.stop() }
        try await ask(pane, "Use a tool", until: .busy)
        // Auto mode: the tool runs without a prompt.
        try await waitUntil("the tool call") { try pane.capture().contains("● Running echo sim-1") }
        try pane.key("Escape")
        let state = try await pane.waitFor("interrupted") { $0.kind == .idle }
        #expect(state.detail?.contains("Interrupted · What should Claude do instead?") == true)
    }

    @Test func timerAppearsInSpinnerAfterThreshold() async throws {
        guard let (pane, _) = try start(["--think-ms", "20000", "--timer-after-ms", "1000"]) else { return }
        defer { pane.stop() }
        try await ask(pane, "Slow", until: .busy)
        let state = try await pane.waitFor("live counter") { $0.kind == .busy && $0.detail?.contains("tokens") == true }
        #expect(state.detail?.range(of: #"… \(\d+s · ↓ \d+ tokens\)$"#, options: .regularExpression) != nil, "\(String(describing: state.detail))")
    }

    @Test func fullscreenDrawsOnTheAlternateScreen() async throws {
        guard let (pane, _) = try start(["--fullscreen", "--think-ms", "200", "--platform", "macos"]) else { return }
        defer { pane.stop() }
        let state = try await ask(pane, "Alternate?")
        #expect(state.answer == (try expectedAnswer("Alternate?", model: "default")))
        #expect(try pane.run(["display-message", "-p", "-t", SimPane.target, "#{alternate_on}"]).hasPrefix("1"))
    }

    @Test func ctrlCTwiceExitsCleanly() async throws {
        guard let (pane, record) = try start([]) else { return }
        defer { pane.stop() }
        try await pane.waitFor("idle") { $0.kind == .idle }
        try pane.key("C-c")
        try await waitUntil("exit hint") { try pane.capture().contains("Press Ctrl-C again to exit") }
        try pane.key("C-c")
        try await waitUntil("pane dead") { try pane.paneExit().dead }
        #expect(try records(record, kind: "exit").first?["status"] as? Int == 0)
        if let status = try pane.paneExit().status { #expect(status == 0) }
    }

    @Test func backspaceEditsBeforeSubmit() async throws {
        guard let (pane, record) = try start(["--think-ms", "200"]) else { return }
        defer { pane.stop() }
        try await pane.waitFor("idle") { $0.kind == .idle }
        try pane.type("Helloo")
        try pane.key("BSpace")
        try pane.type(" wörld")
        try pane.key("BSpace")
        try await waitUntil("typed text shown") { try pane.capture().contains("Hello wörl") }
        try pane.key("Enter")
        try await pane.waitFor("answer", after: profile.submission(for: "Hello wörl")) { $0.kind == .idle && $0.answer != nil }
        #expect(try promptBytes(record) == [Data("Hello wörl".utf8)])
    }

    @Test func markerProfileReadsTheSimulator() async throws {
        guard let (pane, _) = try start(["--think-ms", "300"]) else { return }
        defer { pane.stop() }
        try await pane.waitFor("idle") { $0.kind == .idle }
        let marker = MarkerProfile(makeMarker: { "ESCALATOR-END-1234ABCD" })
        let submission = marker.submission(for: "What is a marker?")
        try await pane.perform(submission.steps)
        let done = try await pane.waitFor("marker", profile: marker, after: submission) { $0.kind == .idle }
        let expected = try expectedAnswer(submission.text, model: "default")
        #expect(expected.hasSuffix("\nESCALATOR-END-1234ABCD"))
        let firstWords = String(expected.prefix(40))
        #expect(done.answer?.hasPrefix("● " + firstWords) == true, "\(String(describing: done.answer))")
        #expect(done.answer?.contains("ESCALATOR-END-1234ABCD") == false)
        // The Claude Code profile reads the same screen, marker line included.
        let claude = profile.parse(try pane.capture(), after: Submission(prompt: submission.prompt, text: submission.text, steps: []))
        #expect(claude.answer == expected)
    }
}
