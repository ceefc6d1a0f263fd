import Foundation
import Logging
import Remote
import TestSupport
import Testing
@testable import Agents

/// The driver against claude-sim in a real tmux server on a private socket (local transport).
@Suite(.serialized, .enabled(if: RealPart.shouldRun(TmuxFixture.tmuxExecutable != nil)))
struct AgentDriverTests {
    final class Harness {
        let fixture: TmuxFixture
        let tmux: Tmux
        let record: String
        init() throws {
            fixture = try TmuxFixture()
            tmux = Tmux(transport: LocalTransport(), socket: .path(fixture.socketPath), executable: fixture.tmuxPath)
            record = fixture.directory.file("record.jsonl")
        }
        func driver(_ simFlags: [String] = [], model: String? = "sonnet", policy: AgentPolicy = AgentPolicy(answerTimeout: .seconds(30), startTimeout: .seconds(20)),
                    profile: any AgentProfile = ClaudeCodeProfile(settleTime: .milliseconds(300)), session: String = "escalator-sonnet") -> AgentDriver {
            let command = [BuiltProducts.executable("claude-sim"), "--think-ms", "100", "--record", record] + simFlags
            return AgentDriver(tmux: tmux, profile: profile, spec: AgentSessionSpec(name: session, command: command, model: model, width: 100, height: 40),
                               policy: policy)
        }
        /// The record file's events of one kind, in order.
        func events(_ kind: String) -> [[String: Any]] {
            guard let text = try? String(contentsOfFile: record, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .filter { $0["kind"] as? String == kind }
        }
        func prompts() -> [String] {
            events("prompt").compactMap { ($0["base64"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } }
        }
        func expectedAnswer(_ question: String, model: String) throws -> String {
            try runBinary(BuiltProducts.executable("claude-sim"), ["--print-answer", "--model", model, "--", question]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func stop() { fixture.stop() }
    }

    @Test func roundTripReturnsTheExactAnswerAndTypesTheExactBytes() async throws {
        let h = try Harness()
        defer { h.stop() }
        let question = "Why is the sky blue? Answer with \"quotes\", $(no expansion) and `ticks`; then C-c Enter."
        let answer = try await h.driver().ask(question)
        #expect(answer.text == (try h.expectedAnswer(question, model: "sonnet")))
        #expect(h.prompts().filter { !$0.hasPrefix("/") } == [question])
        let second = try await h.driver().ask("And the sunset?")
        #expect(second.text == (try h.expectedAnswer("And the sunset?", model: "sonnet")))
        #expect(!second.retried)
    }

    @Test(arguments: ["default", "sonnet", "opus", "haiku"])
    func switchesModelByAliasFromEachStart(start: String) async throws {
        let h = try Harness()
        defer { h.stop() }
        for target in ["opus", "sonnet"] {
            let d = h.driver(["--model", start], model: target, session: "s-\(target)")
            let answer = try await d.ask("Which model are you?")
            #expect(answer.text == (try h.expectedAnswer("Which model are you?", model: target)), "from \(start) to \(target)")
        }
    }

    @Test(arguments: ["default", "sonnet", "opus", "haiku"])
    func switchesModelWithThePickerFromEachCursor(start: String) async throws {
        let h = try Harness()
        defer { h.stop() }
        for target in ["opus", "haiku", "sonnet"] where target != start {
            let d = h.driver(["--model", start], model: nil, session: "p-\(target)")
            let pane = try await d.prepare()
            var permissions: [String] = []
            try await d.waitUntilReady(pane, permissions: &permissions)
            let result = try await d.switchUsingPicker(target, pane: pane)
            guard case .switched(let label)? = result else {
                Issue.record("picker switch from \(start) to \(target) gave \(String(describing: result))")
                continue
            }
            #expect(label.lowercased().contains(target))
        }
    }

    @Test(arguments: [AgentPolicy.Permission.deny, .approve])
    func permissionPromptsFollowThePolicy(policy: AgentPolicy.Permission) async throws {
        let h = try Harness()
        defer { h.stop() }
        let d = h.driver(["--permission-every", "1"], policy: AgentPolicy(permission: policy, answerTimeout: .seconds(30), startTimeout: .seconds(20)))
        let answer = try await d.ask("List the files here.")
        #expect(answer.permissions.allSatisfy { $0.hasPrefix(policy.rawValue) })
        let labels = h.events("permission").map { ($0["label"] as? String ?? "").lowercased() }
        #expect(!labels.isEmpty && labels.allSatisfy { $0.hasPrefix(policy == .approve ? "yes" : "no") }, "sim recorded \(labels)")
        if policy == .approve {
            #expect(answer.permissions.count == 1)
            #expect(answer.text == (try h.expectedAnswer("List the files here.", model: "sonnet")))
        } else {
            // Denial interrupts the turn; the driver asks once to go on without the tool. This
            // sim asks for a tool on every prompt, so that is denied too, and the driver stops there.
            #expect(answer.permissions.count == 2)
            #expect(h.prompts().filter { $0 == ClaudeCodeProfile().continueWithoutToolsPrompt }.count == 1)
        }
    }

    @Test func permissionPolicyStopFailsTheQuestionAndLeavesThePrompt() async throws {
        let h = try Harness()
        defer { h.stop() }
        let d = h.driver(["--permission-every", "1"], policy: AgentPolicy(permission: .stop, answerTimeout: .seconds(30), startTimeout: .seconds(20)))
        let error = try await #require(throws: AgentError.self) { _ = try await d.ask("List the files here.") }
        #expect(error.code == .permissionStopped)
        #expect(h.events("permission").isEmpty)
        #expect(ClaudeCodeProfile().parse(try await h.tmux.capture(try await d.prepare())).kind == .permission)
    }

    @Test func trustDialogIsAcceptedByLabelOrStops() async throws {
        let h = try Harness()
        defer { h.stop() }
        let answer = try await h.driver(["--trust"]).ask("Hello?")
        #expect(!answer.text.isEmpty)
        #expect((h.events("trust").first?["label"] as? String)?.lowercased().hasPrefix("yes") == true)
        let refusing = h.driver(["--trust"], policy: AgentPolicy(trust: .stop, answerTimeout: .seconds(30), startTimeout: .seconds(20)), session: "refuse")
        let error = try await #require(throws: AgentError.self) { _ = try await refusing.ask("Hello?") }
        #expect(error.code == .dialogStopped)
    }

    @Test func usageLimitAndAPIErrorAreTypedErrors() async throws {
        let h = try Harness()
        defer { h.stop() }
        let limited = h.driver(["--limit-after", "1"], session: "limited")
        _ = try await limited.ask("First question.")
        let before = Date()
        let limit = try await #require(throws: AgentError.self) { _ = try await limited.ask("Second question.") }
        #expect(limit.code == .usageLimit)
        // The limit message and its reset time: the next 10pm in New York (claude-sim's wording).
        #expect(limit.limitText == "You've hit your limit · resets 10pm (America/New_York)")
        let reset = try #require(limit.limitReset)
        #expect(reset.zone.identifier == "America/New_York" && reset.zoneSource == .shown)
        var newYork = Calendar(identifier: .gregorian)
        newYork.timeZone = reset.zone
        #expect(newYork.dateComponents([.hour, .minute], from: reset.date) == DateComponents(hour: 22, minute: 0))
        #expect(reset.date > before && reset.date.timeIntervalSince(before) <= 25 * 3600, "\(reset.date)")
        // The limit menu names no reset time: the error carries the menu's words and no reset.
        let menu = h.driver(["--limit-after", "0", "--limit-menu"], session: "limit-menu")
        let blocked = try await #require(throws: AgentError.self) { _ = try await menu.ask("Any question.") }
        #expect(blocked.code == .usageLimit && blocked.limitReset == nil)
        #expect(blocked.limitText?.contains("Session limit reached") == true, "\(blocked)")
        let failing = h.driver(["--api-error-at", "1"], session: "failing")
        let api = try await #require(throws: AgentError.self) { _ = try await failing.ask("Anything.") }
        #expect(api.code == .apiError)
    }

    @Test func crashedAgentIsRestartedAndTheQuestionAskedOnce() async throws {
        let h = try Harness()
        defer { h.stop() }
        let d = h.driver(["--crash-after", "1"])
        _ = try await d.ask("First question.")
        let answer = try await d.ask("Second question.")
        #expect(answer.retried)
        #expect(answer.text == (try h.expectedAnswer("Second question.", model: "sonnet")))
        // Typed once into the crashed agent, once into the restarted one: never twice into one live agent.
        #expect(h.prompts().filter { $0 == "Second question." }.count == 2)
        #expect(h.events("exit").count == 1)
    }

    @Test func costIsReadBeforeAndAfterTheQuestion() async throws {
        let h = try Harness()
        defer { h.stop() }
        let d = h.driver(policy: AgentPolicy(answerTimeout: .seconds(30), startTimeout: .seconds(20), readCost: true))
        _ = try await d.ask("Warm up.")
        let question = "How much does this answer cost?"
        let answer = try await d.ask(question)
        // claude-sim charges $0.00003 per byte of the plain answer, printed with 4 decimals.
        let expected = Double(try h.expectedAnswer(question, model: "sonnet").utf8.count) * 0.00003
        let delta = try #require(answer.costDeltaUsd)
        #expect(abs(delta - expected) < 0.00011, "delta \(delta), expected about \(expected)")
        #expect(h.prompts().filter { $0 == "/cost" }.count == 4)
    }

    @Test func cancellingInterruptsTheAgentWithEscape() async throws {
        let h = try Harness()
        defer { h.stop() }
        let d = h.driver(["--think-ms", "8000"])
        let question = "Take your time."
        let asking = Task { try await d.ask(question) }
        try await waitUntil("the question to reach claude-sim", timeout: 30) { h.prompts().contains(question) }
        asking.cancel()
        _ = await asking.result
        let pane = try await d.prepare()
        let profile = ClaudeCodeProfile()
        // Interrupted before any output, the CLI (2.1.332, and claude-sim) takes the question back
        // into its input box; the next question must not be appended to it.
        try await waitUntil("the turn to be interrupted", timeout: 15) {
            let screen = try await h.tmux.capture(pane)
            return profile.parse(screen).kind == .idle && profile.composerText(screen) == question
        }
        let next = try await d.ask("And now a quick one.")
        #expect(next.text == (try h.expectedAnswer("And now a quick one.", model: "sonnet")))
        #expect(h.prompts().filter { !$0.hasPrefix("/") } == [question, "And now a quick one."])
    }

    @Test func markerProfileWorksWithAPlainProgram() async throws {
        let h = try Harness()
        defer { h.stop() }
        // A plain line REPL that does what it is asked: prints a reply, then the marker line.
        let repl = #"""
        import re, sys
        for line in sys.stdin:
            question = line.split(" When you have finished")[0].strip()
            print("You said: " + question[::-1], flush=True)
            m = re.search(r'"(ESCALATOR-END-[0-9A-F]+)"', line)
            print(m.group(1) if m else "no marker", flush=True)
        """#
        let d = AgentDriver(tmux: h.tmux, profile: MarkerProfile(settleTime: .milliseconds(200)),
                            spec: AgentSessionSpec(name: "plain", command: ["/usr/bin/env", "python3", "-u", "-c", repl], model: nil),
                            policy: AgentPolicy(clearBeforeQuestion: false, answerTimeout: .seconds(20), startTimeout: .seconds(10)))
        let answer = try await d.ask("hello from escalator")
        #expect(answer.text == "You said: " + String("hello from escalator".reversed()))
        let again = try await d.ask("second")
        #expect(again.text == "You said: dnoces")
    }
}
