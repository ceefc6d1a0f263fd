import Foundation
import Remote
import TestSupport
import Testing
@testable import Agents

/// Turn ends, exact answers and the accepted prompt from the real Claude Code 2.1.332's own
/// hooks (`--settings` with escalator's hooks), against the API stand-in; the screen as the
/// fallback when hooks are off.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: RealPart.shouldRun(RealClaudeCode.available)))
struct RealClaudeCodeHookTests {
    /// Markdown the screen renders away: a fence with a language tag and indentation, inline
    /// code, both kinds of list, a table and a long URL.
    static let markdown = """
        Here is the fix:

        ```swift
        func total(_ xs: [Int]) -> Int {
            xs.reduce(0, +)
        }
        ```

        Call `total(_:)` with your array.

        - first point
        - second point

        1. one
        2. two

        | Tier | Price |
        |------|-------|
        | sonnet | $2 |

        See https://example.com/a/very/long/path/that/keeps/going/and/going/until/it/is/wider/than/eighty/columns/index.html
        """

    @Test(arguments: [80, 200])
    func markdownAnswersComeBackExactFromTheStopHook(width: Int) async throws {
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: Self.markdown))
        defer { real.stop() }
        let question = "Show me the fix at width \(width)"
        let answer = try await real.driver(width: width).ask(question)
        #expect(answer.answerSource == .hook)
        #expect(answer.text == Self.markdown, "at \(width) columns")
        #expect(answer.acceptedPrompt == question)
        #expect(answer.deliveryVerified == true)
        // The spool record is on the agent's host, one file per event.
        let spool = (real.home.path as NSString).appendingPathComponent(".cache/escalator/hooks/escalator-sonnet")
        // (The hook signals first and spools right after: wait for the record, with a deadline.)
        let files = { (try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? [] }
        try await waitUntil("the turn's events spooled", timeout: 10) {
            files().contains { $0.hasPrefix("Stop-") && $0.hasSuffix(".json") } && files().contains { $0.hasPrefix("UserPromptSubmit-") }
                && !files().contains { $0.hasPrefix(".in.") }
        }
        let stop = try #require(files().first { $0.hasPrefix("Stop-") })
        let record = try String(contentsOfFile: (spool as NSString).appendingPathComponent(stop), encoding: .utf8)
        #expect(HookEvent(json: record)?.lastAssistantMessage == Self.markdown, "the spooled Stop event: \(record.prefix(300))")
        // The hooks live in the session's --settings only, never in the user's own settings
        // (which the CLI itself writes, e.g. the saved model).
        let userSettings = (real.home.path as NSString).appendingPathComponent(".claude/settings.json")
        let saved = (try? String(contentsOfFile: userSettings, encoding: .utf8)) ?? ""
        #expect(!saved.contains("escalator-hook"), "escalator's hooks were written into \(userSettings): \(saved)")
    }

    @Test func multiLineQuestionsAreVerifiedByTheAcceptedPrompt() async throws {
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "Two lines seen."))
        defer { real.stop() }
        let question = "First line of the question\nsecond line, with `code` and a # hash"
        let answer = try await real.driver().ask(question)
        #expect(answer.text == "Two lines seen.")
        #expect(answer.answerSource == .hook)
        #expect(answer.deliveryVerified == true, "accepted: \(answer.acceptedPrompt ?? "nil")")
    }

    @Test func withHooksOffTheScreenStillAnswersAndSaysSo() async throws {
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: Self.markdown))
        defer { real.stop() }
        let answer = try await real.driver(policy: AgentPolicy(answerTimeout: .seconds(90), startTimeout: .seconds(45), hooks: false))
            .ask("Show me the fix from the screen")
        #expect(answer.answerSource == .screen)
        #expect(answer.acceptedPrompt == nil && answer.deliveryVerified == nil)
        // Read as drawn: the code is there, its fence is not (what the hook path fixes).
        #expect(answer.text.contains("xs.reduce(0, +)"))
        #expect(!answer.text.contains("```swift"))
        let spool = (real.home.path as NSString).appendingPathComponent(".cache/escalator/hooks")
        #expect(!FileManager.default.fileExists(atPath: spool), "hooks ran although they were off")
    }

    @Test func anAPIErrorTurnIsATypedErrorFromStopFailure() async throws {
        let failing = "{\"match\": \"[bad]\", \"status\": 400, \"error_type\": \"invalid_request_error\", \"error_message\": \"prompt is malformed\"}"
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "Recovered.", rules: [failing]))
        defer { real.stop() }
        let driver = real.driver()
        let start = ContinuousClock.now
        await #expect {
            _ = try await driver.ask("Please send a [bad] request")
        } throws: { error in
            guard let error = error as? AgentError else { return false }
            return [.apiError, .apiUnavailable].contains(error.code) && error.message.contains("StopFailure")
        }
        #expect(ContinuousClock.now - start < .seconds(60))
        // The next question works.
        let next = try await driver.ask("And now a good one")
        #expect(next.text == "Recovered.")
        #expect(next.answerSource == .hook)
    }

    @Test func staleEventsAndOtherSessionsNeverAnswerForUs() async throws {
        let rules = ["{\"match\": \"[one]\", \"reply\": \"Answer one.\", \"think_ms\": 800}",
                     "{\"match\": \"[two]\", \"reply\": \"Answer two.\", \"think_ms\": 200}"]
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "Default.", rules: rules))
        defer { real.stop() }
        let one = real.driver("escalator-one"), two = real.driver("escalator-two")
        // A killed escalator's last events (another prompt id) are left in the options.
        for driver in [one, two] {
            _ = try await driver.prepare()
            let spool = driver.hookSpool
            try await real.tmux.setGlobalOption(spool.optionName(.userPromptSubmit),
                                                to: #"{"hook_event_name":"UserPromptSubmit","prompt_id":"stale","prompt":"old"}"#)
            try await real.tmux.setGlobalOption(spool.optionName(.stop),
                                                to: #"{"hook_event_name":"Stop","prompt_id":"stale","last_assistant_message":"STALE"}"#)
        }
        async let a = one.ask("Question [one] for the first session")
        async let b = two.ask("Question [two] for the second session")
        let (first, second) = try await (a, b)
        #expect(first.text == "Answer one." && first.answerSource == .hook)
        #expect(second.text == "Answer two." && second.answerSource == .hook)
        #expect(first.acceptedPrompt == "Question [one] for the first session")
        #expect(second.acceptedPrompt == "Question [two] for the second session")
    }
}
