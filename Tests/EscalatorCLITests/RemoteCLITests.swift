import Foundation
import TestSupport
import Testing

/// `escalator ask --tier sonnet|opus` through a local tmux session running claude-sim, as the
/// demo runs it; and the fallback when the agent fails.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(LlamaServerFixture.isAvailable && TmuxFixture.tmuxExecutable != nil)))
struct RemoteCLITests {
    struct Setup {
        var env: CLIEnvironment
        let socket: String
        let record: String
        init(simFlags: [String] = []) throws {
            env = try CLIEnvironment()
            record = env.home.file("record.jsonl")
            env.useAgent(command: ([BuiltProducts.executable("claude-sim"), "--think-ms", "100", "--record", record] + simFlags)
                .joined(separator: " "))
            socket = env.tmuxSocket!
        }
        /// Stops exactly this test's tmux server.
        func stop() { env.remove() }
        func expected(_ question: String, model: String) throws -> String {
            try runBinary(BuiltProducts.executable("claude-sim"), ["--print-answer", "--model", model, "--", question]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test func escalatesToTheSonnetAndOpusSessions() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let s = try Setup()
        defer { s.stop() }
        for (tier, model) in [("sonnet", "sonnet"), ("opus", "opus")] {
            let question = "Explain \(tier) routing in one line."
            let r = try s.env.run(["ask", "--json", "--tier", tier, "--local-url", server.url, question])
            #expect(r.status == 0, "\(r.stderr)")
            let o = try jsonObject(r.stdout)
            #expect(o["tier_used"] as? String == tier)
            #expect(o["degraded"] as? Bool == false)
            #expect(o["answer"] as? String == (try s.expected(question, model: model)))
        }
        let sessions = try runBinary(TmuxFixture.tmuxExecutable!, ["-L", s.socket, "list-sessions", "-F", "#{session_name}"]).stdout
        #expect(Set(sessions.split(separator: "\n").map(String.init)) == ["escalator-sonnet", "escalator-opus"])
        let attach = try s.env.run(["attach", "opus", "--print"])
        #expect(attach.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "tmux -L \(s.socket) attach-session -t escalator-opus")
    }

    @Test func agentErrorIsRetriedOnceOnTheSameTier() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let s = try Setup(simFlags: ["--api-error-at", "1"])
        defer { s.stop() }
        let question = "What is 2+2?"
        let r = try s.env.run(["ask", "--json", "--tier", "opus", "--local-url", server.url, question])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try jsonObject(r.stdout)
        #expect(o["tier_used"] as? String == "opus")
        #expect(o["degraded"] as? Bool == false)
        #expect(o["answer"] as? String == (try s.expected(question, model: "opus")))
        let attempts = try #require(o["attempts"] as? [[String: Any]])
        #expect(attempts.map { $0["tier"] as? String } == ["opus", "opus"])
        #expect((attempts[0]["error"] as? String)?.contains("API error") == true, "\(attempts)")
        #expect(attempts[1]["error"] == nil)
    }

    @Test func missingAgentCommandIsDegradedNotAFailure() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        var s = try Setup()
        defer { s.stop() }
        s.env.variables["ESCALATOR_REMOTE_COMMAND"] = "no-such-agent-binary --flag"
        let r = try s.env.run(["ask", "--json", "--tier", "sonnet", "--local-url", server.url, "Hello?"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try jsonObject(r.stdout)
        #expect(o["tier_used"] as? String == "local")
        #expect((o["degraded_reason"] as? String)?.contains("no remote agent") == true)
    }
}
