import Foundation
import Remote
import TestSupport
import Testing
@testable import Agents

/// The driver on the real Claude Code CLI 2.1.332 in tmux, against the API stand-in. Every test
/// starts from a new HOME: the folder-trust dialog is met as a new user meets it.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: RealPart.shouldRun(RealClaudeCode.available)))
struct RealClaudeCodeTests {
    @Test func firstRunAcceptsTrustAndAnswersOnTheTiersModel() async throws {
        let reply = "Paris is the capital of France."
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: reply))
        defer { real.stop() }
        let question = "What is the capital of France?"
        let answer = try await real.driver().ask(question)
        #expect(answer.text == reply)
        #expect(answer.delivery == .plain)
        #expect(answer.permissionMode == .manual)
        let asked = try real.messages(withText: question)
        #expect(asked.count == 1, "the question reached the API \(asked.count) times")
        #expect(asked.first?.model == "claude-sonnet-5-5")
        #expect(real.screen("escalator-sonnet").contains("manual mode on"), "started in manual permission mode")
    }

    @Test func declinedTrustIsATypedErrorWithNothingSent() async throws {
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "never"))
        defer { real.stop() }
        let start = ContinuousClock.now
        await #expect {
            _ = try await real.driver(policy: AgentPolicy(trust: .decline, answerTimeout: .seconds(60), startTimeout: .seconds(45)))
                .ask("Should this be sent?")
        } throws: { ($0 as? AgentError)?.code == .untrusted && "\($0)".contains("isn't trusted") }
        #expect(ContinuousClock.now - start < .seconds(40), "declining must not wait out a timeout")
        #expect(try real.messages(withText: "Should this be sent?").isEmpty)
    }

    @Test func eachTierIsOnItsModelAsTheStandinSeesIt() async throws {
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "Model answer."))
        defer { real.stop() }
        let driver = real.driver("escalator-switch", model: nil)
        for (step, (alias, id)) in [("sonnet", "claude-sonnet-5-5"), ("opus", "claude-opus-5-5"), ("haiku", "claude-haiku-5-5"),
                                    ("sonnet", "claude-sonnet-5-5")].enumerated() {
            let d = AgentDriver(tmux: driver.tmux, profile: driver.profile,
                                spec: AgentSessionSpec(name: "escalator-switch", command: real.cli.command, model: alias,
                                                       workingDirectory: real.cli.workspace),
                                policy: driver.policy)
            let question = "Step \(step): which model answers as \(alias) now?"
            let answer = try await d.ask(question)
            #expect(answer.text == "Model answer.")
            #expect(try real.messages(withText: question).map(\.model) == [id], "asked \(alias)")
        }
    }

    @Test(arguments: [80, 120, 200])
    func answersAreReadWholeAtEachWidth(width: Int) async throws {
        let paragraphs = """
            The build fails because the linker cannot find the symbol that the test target expects, which happens when a module is compiled with a different set of flags than the one that links against it.

            To fix it, clean the build folder, make sure both targets use the same Swift language mode, and build again.

            That is all there is to it.
            """
        let list = """
            Here are the steps:

            - Install the toolchain from the official site and make sure that the swift binary is on your PATH before you open a new terminal window.
            - Run the tests.

            And in order:

            1. Clone the repository.
            2. Build it with the release configuration, which enables whole-module optimisation and takes noticeably longer than a debug build.
            3. Ship it.
            """
        let table = "| Tier | Price |\n|---|---|\n| sonnet | $2 |\n| opus | $4 |"
        let long = (1...120).map { String(format: "Line %03d of a long answer that scrolls off the screen.", $0) }.joined(separator: "\n\n")
        let replies = ["short": "Four.", "paragraphs": paragraphs, "list": list, "table": table, "long": long]
        let rules = replies.map { "{\"match\": \"[\($0.key)]\", \"reply\": \(RealClaudeCode.json($0.value))}" }
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "?", rules: rules))
        defer { real.stop() }
        let driver = real.driver(width: width)
        for name in ["short", "paragraphs", "list", "long"] {
            let answer = try await driver.ask("Please answer [\(name)] at width \(width)")
            #expect(answer.text == replies[name], "\(name) at \(width) columns")
        }
        let drawn = try await driver.ask("Please answer [table] at width \(width)")
        for cell in ["Tier", "Price", "sonnet", "$2", "opus", "$4"] {
            #expect(drawn.text.contains(cell), "table cell \(cell) at \(width): \(drawn.text)")
        }
    }

    @Test func permissionPromptsFollowThePolicyInManualMode() async throws {
        let canary = try TemporaryDirectory(prefix: "canary")
        defer { canary.remove() }
        let file = canary.file("approved")
        let tool = "{\"match\": \"[tool]\", \"tool_use\": {\"name\": \"Bash\", \"input\": {\"command\": \"touch \(file)\", \"description\": \"Create a file\"}}, \"after_tool_reply\": \"Created it.\"}"
        let without = "{\"match\": \"without using that tool\", \"reply\": \"Answered without the tool.\"}"
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "plain", rules: [without, tool]))
        defer { real.stop() }

        let denied = try await real.driver(policy: AgentPolicy(permission: .deny, answerTimeout: .seconds(90), startTimeout: .seconds(45)))
            .ask("Please run the [tool] for me")
        #expect(denied.permissions.contains { $0.hasPrefix("deny") })
        #expect(denied.text == "Answered without the tool.")
        #expect(!FileManager.default.fileExists(atPath: file), "a denied tool ran")

        await #expect {
            _ = try await real.driver(policy: AgentPolicy(permission: .stop, answerTimeout: .seconds(90), startTimeout: .seconds(45)))
                .ask("Please run the [tool] again")
        } throws: { ($0 as? AgentError)?.code == .permissionStopped }
        #expect(!FileManager.default.fileExists(atPath: file))
        // The prompt stopped for a person: close it as a person would before the next test step.
        _ = try runBinary(real.tmuxFixture.tmuxPath, ["-S", real.tmuxFixture.socketPath, "send-keys", "-t", "=escalator-sonnet:", "Escape"])

        let approved = try await real.driver(policy: AgentPolicy(permission: .approve, answerTimeout: .seconds(90), startTimeout: .seconds(45)))
            .ask("Please run the [tool] once more")
        #expect(approved.permissions.contains { $0.hasPrefix("approve") })
        #expect(approved.text == "Created it.")
        #expect(FileManager.default.fileExists(atPath: file), "the approved tool did not run")
    }

    @Test(arguments: [(529, "overloaded_error", AgentError.Code.apiUnavailable), (429, "rate_limit_error", AgentError.Code.rateLimited)])
    func apiErrorsAreTypedAndStopBeforeTheCLIsOwnRetriesRunOut(status: Int, type: String, code: AgentError.Code) async throws {
        let rule = "{\"match\": \"[fail]\", \"status\": \(status), \"error_type\": \"\(type)\", \"error_message\": \"scripted \(status)\", \"retry_after_s\": 1}"
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "fine", rules: [rule]))
        defer { real.stop() }
        let driver = real.driver()
        _ = try await driver.ask("Warm up first")
        let start = ContinuousClock.now
        await #expect { _ = try await driver.ask("This will [fail] with \(status)") } throws: { ($0 as? AgentError)?.code == code }
        let elapsed = ContinuousClock.now - start
        let tries = try real.messages(withText: "This will [fail] with \(status)").count
        #expect(elapsed < .seconds(60), "took \(elapsed)")
        #expect(tries <= 5, "\(tries) requests for one failing question")
        // The turn was interrupted and the input box emptied: the next question works.
        #expect(try await driver.ask("And now a normal question").text == "fine")
    }

    @Test func aDeadAPIIsTypedAndBounded() async throws {
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "alive"))
        defer { real.stop() }
        let driver = real.driver()
        _ = try await driver.ask("Is it alive?")
        real.standin.stop()
        let start = ContinuousClock.now
        await #expect { _ = try await driver.ask("Anyone there?") } throws: { ($0 as? AgentError)?.code == .apiUnavailable }
        #expect(ContinuousClock.now - start < .seconds(60))
    }

    @Test func aTimeoutInterruptsTheTurnAndTheNextQuestionWorks() async throws {
        let slow = "{\"match\": \"[slow]\", \"think_ms\": 60000, \"reply\": \"too late\"}"
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "quick", rules: [slow]))
        defer { real.stop() }
        let driver = real.driver(policy: AgentPolicy(answerTimeout: .seconds(10), startTimeout: .seconds(45)))
        _ = try await driver.ask("Warm up")
        let start = ContinuousClock.now
        await #expect { _ = try await driver.ask("A [slow] question") } throws: { ($0 as? AgentError)?.code == .timeout }
        #expect(ContinuousClock.now - start < .seconds(25))
        let state = ClaudeCodeProfile().parse(real.screen("escalator-sonnet"))
        #expect(state.kind != .busy, "the agent kept working after the timeout: \(state)")
        let next = try await driver.ask("A quick one")
        #expect(next.text == "quick")
        #expect(try real.messages(withText: "A quick one").count == 1)
    }

    @Test func cancellingInterruptsAndNothingLeaksIntoTheNextQuestion() async throws {
        let slow = "{\"match\": \"[slow]\", \"think_ms\": 20000, \"reply\": \"too late\"}"
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "fresh", rules: [slow]))
        defer { real.stop() }
        let driver = real.driver()
        let asking = Task { try await driver.ask("What is 5 times 5? [slow]") }
        try await real.waitForQuestion("What is 5 times 5? [slow]")
        asking.cancel()
        _ = try? await asking.value
        let next = try await driver.ask("What is 6 times 6?")
        #expect(next.text == "fresh")
        let request = try #require(try real.messages(withText: "What is 6 times 6?").last)
        #expect(!request.userTexts.contains { $0.contains("5 times 5") }, "the interrupted question leaked: \(request.userTexts)")
        // The CLI records the /clear it ran as `<command-name>/clear</command-name>`; /clear typed
        // into a composer still holding the old question would arrive as text ("…5?/clear").
        #expect(!request.userTexts.contains { $0.contains("/clear") && !$0.contains("<command-name>/clear</command-name>") },
                "\(request.userTexts)")
    }

    @Test func aKilledCLIIsRestartedAndTheSecondDeliveryIsReported() async throws {
        let slow = "{\"match\": \"[slow]\", \"think_ms\": 4000, \"reply\": \"after restart\"}"
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "ok", rules: [slow]))
        defer { real.stop() }
        let driver = real.driver()
        _ = try await driver.ask("Start the agent")
        let question = "Survive a crash? [slow]"
        let asking = Task { try await driver.ask(question) }
        try await real.waitForQuestion(question)
        let pid = try #require(try real.panePID("escalator-sonnet"))
        kill(pid, SIGKILL)
        let answer = try await asking.value
        #expect(answer.text == "after restart")
        #expect(answer.retried)
        #expect(answer.retryReason?.contains("exited") == true)
        #expect(try real.messages(withText: question).count == 2, "the restarted agent got it once more")
    }

    @Test func aKilledTmuxServerIsRestartedAndReported() async throws {
        let slow = "{\"match\": \"[slow]\", \"think_ms\": 4000, \"reply\": \"new server\"}"
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "ok", rules: [slow]))
        defer { real.stop() }
        let driver = real.driver()
        _ = try await driver.ask("Start the agent")
        let question = "Survive the tmux server? [slow]"
        let asking = Task { try await driver.ask(question) }
        try await real.waitForQuestion(question)
        _ = try runBinary(real.tmuxFixture.tmuxPath, ["-S", real.tmuxFixture.socketPath, "kill-server"])
        let answer = try await asking.value
        #expect(answer.text == "new server")
        #expect(answer.retried)
    }

    @Test func twoDriversOnOneSessionTakeTurns() async throws {
        let slow = "{\"match\": \"[turn]\", \"think_ms\": 1500, \"reply\": \"{{echo}}\"}"
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "ok", rules: [slow]))
        defer { real.stop() }
        _ = try await real.driver().ask("Start the agent")
        let other = Tmux(transport: LocalTransport(), socket: .path(real.tmuxFixture.socketPath), executable: real.tmuxFixture.tmuxPath)
        let first = real.driver()
        let second = AgentDriver(tmux: other, profile: first.profile, spec: first.spec, policy: first.policy)
        async let a = first.ask("First [turn]")
        async let b = second.ask("Second [turn]")
        let (x, y) = try await (a, b)
        #expect(x.text == "First [turn]")
        #expect(y.text == "Second [turn]")
        let one = try #require(try real.messages(withText: "First [turn]").first)
        let two = try #require(try real.messages(withText: "Second [turn]").first)
        #expect(try real.messages(withText: "First [turn]").count == 1 && real.messages(withText: "Second [turn]").count == 1)
        #expect(one.finishedAtMs <= two.receivedAtMs || two.finishedAtMs <= one.receivedAtMs, "two turns overlapped in one session")
    }
}
