import Foundation
import LlamaClient
import Routing
import TestSupport
import Testing

/// Each fallback of the router, through the built `escalator` with a real llama-server, real
/// tmux and claude-sim (and a closed loopback port for an unreachable host).
@Suite(.serialized, .enabled(if: RealPart.shouldRun(LlamaServerFixture.isAvailable && TmuxFixture.tmuxExecutable != nil)))
struct FallbackCLITests {
    /// An isolated environment whose remote tiers run `command` in tmux on a private socket.
    struct Setup {
        var env: CLIEnvironment
        init(command: String) throws {
            env = try CLIEnvironment()
            env.useAgent(command: command)
        }
        func stop() { env.remove() }
        func ask(_ arguments: [String]) throws -> [String: Any] {
            let r = try env.run(["ask", "--json"] + arguments)
            #expect(r.status == 0, "\(r.stderr)")
            return try jsonObject(r.stdout)
        }
    }

    static var sim: String { BuiltProducts.executable("claude-sim") }

    /// A command that starts claude-sim in usage-limit mode in the sessions whose name contains
    /// one of `limited`, and a normal claude-sim elsewhere (the tmux session name tells them apart).
    static func simLimited(in limited: [String]) -> String {
        let cases = limited.map { "*\($0)*) exec \(sim) --think-ms 100 --limit-after 0;;" }.joined(separator: " ")
        return "/bin/sh -c 'case \"$(tmux display-message -p \"#S\")\" in \(cases) *) exec \(sim) --think-ms 100;; esac'"
    }

    static func tiers(_ o: [String: Any]) -> [String?] {
        ((o["attempts"] as? [[String: Any]]) ?? []).map { $0["tier"] as? String }
    }

    @Test(arguments: [(["sonnet"], "opus"), (["sonnet", "opus"], "local")])
    func usageLimitMovesToTheNextTierThatWorks(limited: [String], answeredBy: String) async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let s = try Setup(command: Self.simLimited(in: limited))
        defer { s.stop() }
        let o = try s.ask(["--tier", "sonnet", "--local-url", server.url, "Explain TCP slow start."])
        #expect(o["tier_used"] as? String == answeredBy)
        #expect(o["degraded"] as? Bool == true)
        #expect((o["degraded_reason"] as? String)?.contains("usage limit") == true, "\(o["degraded_reason"] ?? "")")
        #expect(Self.tiers(o) == ["sonnet", "opus"] + (answeredBy == "local" ? ["local"] : []))
        #expect((o["answer"] as? String)?.isEmpty == false)
    }

    @Test func unreachableHostSkipsEveryRemoteTierAndAnswersLocally() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        var s = try Setup(command: "claude")
        defer { s.stop() }
        let closedPort = try freeLoopbackPort()
        s.env.variables["ESCALATOR_REMOTE_TRANSPORT"] = "ssh"
        s.env.variables["ESCALATOR_REMOTE_HOST"] = "127.0.0.1"
        s.env.variables["ESCALATOR_REMOTE_PORT"] = String(closedPort)
        let o = try s.ask(["--tier", "opus", "--local-url", server.url, "What is 6 * 7?"])
        #expect(o["tier_used"] as? String == "local")
        #expect(o["degraded"] as? Bool == true)
        let attempts = try #require(o["attempts"] as? [[String: Any]])
        #expect(Self.tiers(o) == ["opus", "sonnet", "local"])
        // The host was tried once; the other remote tier was skipped without trying.
        #expect((attempts[1]["error"] as? String)?.contains("unreachable") == true, "\(attempts)")
        #expect(attempts[1]["ms"] as? Double == 0)
    }

    @Test func llamaServerDownSkipsTheAssessmentAndUsesTheDefaultTier() async throws {
        let s = try Setup(command: "\(Self.sim) --think-ms 100")
        defer { s.stop() }
        let dead = "http://127.0.0.1:\(try freeLoopbackPort())"
        for (defaultTier, model) in [("sonnet", "sonnet"), ("opus", "opus")] {
            let question = "Why is the sky blue?"
            let o = try s.ask(["--local-url", dead, "--set", "routing.default_tier=\(defaultTier)", question])
            #expect(o["tier_used"] as? String == defaultTier)
            #expect(o["assessment"] == nil || o["assessment"] is NSNull)
            let route = try #require(o["route"] as? [String: Any])
            #expect((route["reason"] as? String)?.contains("not assessed") == true)
            #expect((route["reason"] as? String)?.hasSuffix("→ default tier \(defaultTier)") == true, "\(route)")
            #expect(o["degraded"] as? Bool == true)
            let expected = try runBinary(Self.sim, ["--print-answer", "--model", model, "--", question]).stdout
            #expect(o["answer"] as? String == expected.trimmingCharacters(in: .whitespacesAndNewlines))
            // Without a tokenizer the question's tokens are estimated at about 4 bytes each.
            #expect(o["question_tokens"] as? Int == CostEstimate.roughTokens(question))
        }
    }

    @Test func maxTierCapsTheRouteAndMinTierRaisesIt() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let s = try Setup(command: "\(Self.sim) --think-ms 100")
        defer { s.stop() }
        // local_min = 1 sends every assessed question up; --max-tier local keeps it here.
        let capped = try s.ask(["--local-url", server.url, "--set", "thresholds.local_min=1", "--set", "thresholds.sonnet_min=0",
                                "--max-tier", "local", "What is the capital of France?"])
        #expect(capped["tier_used"] as? String == "local")
        #expect(((capped["route"] as? [String: Any])?["reason"] as? String)?.contains("capped at local by max tier") == true)
        #expect(capped["degraded"] as? Bool == false)
        // local_min = 0 keeps every question local; --min-tier sonnet raises it.
        let raised = try s.ask(["--local-url", server.url, "--set", "thresholds.local_min=0", "--set", "thresholds.sonnet_min=0",
                                "--min-tier", "sonnet", "What is the capital of France?"])
        #expect(raised["tier_used"] as? String == "sonnet")
        #expect(((raised["route"] as? [String: Any])?["reason"] as? String)?.contains("raised to sonnet by min tier") == true)
        let bad = try s.env.run(["ask", "--min-tier", "opus", "--max-tier", "sonnet", "--local-url", server.url, "Hi?"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("minimum tier (opus) is above the maximum tier (sonnet)"), "\(bad.stderr)")
    }

    @Test func costIsEstimatedFromTokenCountsAndPrices() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let s = try Setup(command: "\(Self.sim) --think-ms 100")
        defer { s.stop() }
        let question = "Summarise the causes of the French Revolution."
        let o = try s.ask(["--tier", "sonnet", "--local-url", server.url, "--set", "prices.sonnet_input=2", "--set", "prices.sonnet_output=10",
                           question])
        let client = LlamaServerClient(configuration: LlamaClientConfiguration(baseURL: server.url))
        let questionTokens = try await client.tokenize(question).count
        let answerTokens = try await client.tokenize(try #require(o["answer"] as? String)).count
        #expect(o["question_tokens"] as? Int == questionTokens)
        #expect(o["answer_tokens"] as? Int == answerTokens)
        let expected = (Double(questionTokens) * 2 + Double(answerTokens) * 10) / 1_000_000
        let estimated = try #require(o["cost_estimated_usd"] as? Double)
        #expect(abs(estimated - expected) < 1e-12)
        #expect(o["cost_usd"] as? Double == estimated)   // no /cost read: the estimate counts
        // The ledger keeps the same numbers and the attempts.
        let record = try #require(try Ledger(path: s.env.home.file("data/escalator/ledger.sqlite")).last(1).first)
        #expect(record.costEstimatedUsd == estimated && record.questionTokens == questionTokens)
        #expect(record.attempts.map(\.tier.name) == ["sonnet"])
    }
}
