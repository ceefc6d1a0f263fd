import Foundation
import Routing
import TestSupport
import Testing

/// `escalator` end to end on the real Claude Code CLI 2.1.332 in local tmux, against the API
/// stand-in: first run (trust dialog), the tier's model at the API, safe delivery, refused input,
/// a rate limit falling back to the next tier, and `doctor`.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: RealPart.shouldRun(ClaudeCodeFixture.executable != nil && TmuxFixture.tmuxExecutable != nil)))
struct RealAgentCLITests {
    final class Setup: @unchecked Sendable {
        var env: CLIEnvironment
        let standin: APIStandin

        init(script: String) throws {
            standin = try APIStandin.start(script: script)
            do {
                env = try CLIEnvironment(prefix: "real-agent")
                try env.useClaudeCode(baseURL: standin.baseURL)
            } catch {
                standin.stop()
                throw error
            }
        }

        func run(_ arguments: [String], stdin: String? = nil) throws -> RunResult { try env.run(arguments, stdin: stdin) }

        func messages(withText text: String) throws -> [APIStandin.LoggedRequest] {
            try standin.requests().filter { !$0.path.contains("count_tokens") && $0.lastUserText?.contains(text) == true }
        }

        func stop() {
            env.remove()
            standin.stop()
        }
    }

    static func script(_ reply: String, rules: [String] = []) -> String {
        let quoted = String(decoding: try! JSONSerialization.data(withJSONObject: [reply]), as: UTF8.self).dropFirst().dropLast()
        return "{\"default\": {\"reply\": \(quoted)}, \"rules\": [\(rules.joined(separator: ","))]}"
    }

    @Test func askOnTheRealCLIFromAFirstRun() throws {
        let s = try Setup(script: Self.script("Four."))
        defer { s.stop() }
        let r = try s.run(["ask", "--json", "--tier", "opus", "What is 2+2?"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try jsonObject(r.stdout)
        #expect(o["tier_used"] as? String == "opus")
        #expect(o["answer"] as? String == "Four.")
        #expect(o["degraded"] as? Bool == false)
        let agent = try #require(o["agent"] as? [String: Any])
        #expect(agent["permission_mode"] as? String == "manual")
        #expect(agent["delivery"] as? String == "plain")
        // Read from the CLI's Stop hook, and the accepted prompt checked, in the output and the ledger.
        #expect(agent["answer_source"] as? String == "hook")
        #expect(agent["delivery_verified"] as? Bool == true)
        let id = try #require(o["id"] as? String)
        let row = try #require(try Ledger(path: s.env.home.file("data/escalator/ledger.sqlite")).record(id: id))
        #expect(row.answerSource == "hook" && row.deliveryVerified == true)
        let asked = try s.messages(withText: "What is 2+2?")
        #expect(asked.map(\.lastUserText) == ["What is 2+2?"])
        #expect(asked.map(\.model) == ["claude-opus-5-5"])
    }

    /// `cost_measured_usd` is the turn's usage as the stand-in reported it for every request of
    /// the turn × the 2.1.332 picker's prices (Opus $4/$20; cache read 0.1×, 5-minute write
    /// 1.25× of the input price), and it is the cost counted; config prices override the picker's.
    @Test func theMeasuredCostIsTheServedUsageTimesThePickersPrices() throws {
        let usage = "{\"match\": \"[usage]\", \"reply\": \"Measured.\", \"usage\": {\"input_tokens\": 1234, "
            + "\"output_tokens\": 56, \"cache_read_input_tokens\": 7890, \"cache_creation_input_tokens\": 321}}"
        let s = try Setup(script: Self.script("Four.", rules: [usage]))
        defer { s.stop() }
        let picker: [String: (Double, Double)] = ["opus": (4, 20), "sonnet": (2, 10), "haiku": (0.10, 0.50), "fable": (8, 40)]
        func expected(_ served: [APIStandin.LoggedRequest], opus: (Double, Double)) throws -> Double {
            try served.reduce(0) { sum, request in
                let u = try #require(request.usage)
                let model = request.model ?? ""
                let price = model.contains("opus") ? opus : try #require(picker.first { model.contains($0.key) }?.value)
                return sum + (Double(u.inputTokens) * price.0 + Double(u.cacheReadInputTokens) * price.0 * 0.1
                              + Double(u.cacheCreationInputTokens) * price.0 * 1.25 + Double(u.outputTokens) * price.1) / 1e6
            }
        }
        var seen = 0
        for (question, extra, source, opus) in [
            ("What does this cost? [usage]", [String](), "picker claude-code 2.1.332", (4.0, 20.0)),
            ("And with my own prices? [usage]", ["--set", "tiers.opus.input_price=1", "--set", "tiers.opus.output_price=2"],
             "config", (1.0, 2.0)),
        ] {
            let r = try s.run(["ask", "--json", "--tier", "opus"] + extra + [question])
            #expect(r.status == 0, "\(r.stderr)")
            let o = try jsonObject(r.stdout)
            #expect(o["answer"] as? String == "Measured.")
            let all = try s.standin.requests().filter { !$0.path.contains("count_tokens") }
            let served = Array(all.dropFirst(seen))
            seen = all.count
            let measured = try #require(o["cost_measured_usd"] as? Double, "\(r.stdout)")
            #expect(abs(measured - (try expected(served, opus: opus))) < 1e-12, "served: \(served.map { ($0.model, $0.usage) })")
            #expect(o["cost_usd"] as? Double == measured)
            let m = try #require(o["measurement"] as? [String: Any])
            #expect(m["price_source"] as? String == source)
            #expect(m["requests"] as? Int == served.count)
            let tokens = try #require(m["usage"] as? [String: Any])
            #expect(tokens["input_tokens"] as? Int == served.compactMap(\.usage).reduce(0) { $0 + $1.inputTokens })
            #expect(tokens["cache_read_tokens"] as? Int == served.compactMap(\.usage).reduce(0) { $0 + $1.cacheReadInputTokens })
            // The ledger row carries the same tokens and source beside the estimate.
            let id = try #require(o["id"] as? String)
            let row = try #require(try Ledger(path: s.env.home.file("data/escalator/ledger.sqlite")).record(id: id))
            #expect(row.costMeasuredUsd == measured && row.costEstimatedUsd > 0)
            #expect(row.measurement?.priceSource == source && row.measurement?.requests == served.count)
            #expect(row.measurement?.usage.outputTokens == served.compactMap(\.usage).reduce(0) { $0 + $1.outputTokens })
        }
    }

    /// A batch's budget spends each answer's measured cost as it arrives: the plan fits three
    /// escalations by their estimates, but the first turn's measured cost (the stand-in reports a
    /// 100k-token prompt, as the CLI's own system prompt makes real turns) uses the budget up,
    /// so the other two are answered locally.
    @Test(.enabled(if: RealPart.shouldRun(LlamaServerFixture.isAvailable)))
    func aBatchBudgetSpendsMeasuredCostsAsTheyArrive() throws {
        let big = "{\"match\": \"[q]\", \"reply\": \"Escalated.\", \"usage\": {\"input_tokens\": 100000, \"output_tokens\": 50}}"
        let s = try Setup(script: Self.script("Escalated.", rules: [big]))
        defer { s.stop() }
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let input = s.env.home.file("q.jsonl"), out = s.env.home.file("out.jsonl")
        try (1...3).map { "{\"id\": \"q\($0)\", \"question\": \"Question \($0) [q]\"}" }.joined(separator: "\n")
            .write(toFile: input, atomically: true, encoding: .utf8)
        let common = ["--local-url", server.url, "--budget", "0.10", "--remote-sessions", "1", "--progress", "none",
                      "--set", "tiers.local.min_p=1", "--set", "tiers.sonnet.min_p=1"]   // every question wants opus
        let dry = try s.run(["batch", input, "--output", out, "--dry-run", "--json"] + common)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("\"opus\""), "the plan escalates: \(dry.stdout)")
        let r = try s.run(["batch", input, "--output", out] + common)
        // (A local answer of the 270M model can come back empty: that question then fails, and the
        // batch exits 1 naming it; the budget's decisions are what is checked here.)
        #expect(r.status == 0 || r.stderr.contains("questions failed"), "\(r.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { try jsonObject(String($0)) }
        #expect(lines.count == 3)
        let escalated = lines.filter { $0["tier_used"] as? String == "opus" }
        #expect(escalated.count == 1, "\(lines.map { ($0["id"] ?? "", $0["tier_used"] ?? "", $0["cost_usd"] ?? "") })")
        let measured = try #require(escalated.first?["cost_measured_usd"] as? Double)
        #expect(measured > 0.10 && measured > (escalated.first?["cost_estimated_usd"] as? Double ?? 1))
        for o in lines where o["tier_used"] as? String != "opus" {
            let route = o["route"] as? [String: Any]
            #expect(route?["tier"] as? String == "local" && (route?["reason"] as? String)?.contains("budget used up") == true, "\(o)")
        }
        // The stand-in served exactly one turn.
        #expect(try s.messages(withText: "[q]").count == 1)
    }

    @Test func aQuestionThatLooksLikeACommandIsSentAsText() throws {
        let s = try Setup(script: Self.script("It is text."))
        defer { s.stop() }
        let r = try s.run(["ask", "--json", "--tier", "sonnet", "/model opus"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try jsonObject(r.stdout)
        #expect(o["answer"] as? String == "It is text.")
        #expect((o["agent"] as? [String: Any])?["delivery"] as? String == "guarded-paste")
        let asked = try s.messages(withText: "/model opus")
        #expect(asked.count == 1)
        #expect(asked.first?.lastUserText?.hasPrefix("\n\n<pasted_content id=\"") == true)
        // The saved default model did not change: the next sonnet question is still asked of sonnet.
        let next = try s.run(["ask", "--json", "--tier", "sonnet", "Which model is this?"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try s.messages(withText: "Which model is this?").map(\.model) == ["claude-sonnet-5-5"])
    }

    @Test func undeliverableQuestionsExitOneWithNothingSent() throws {
        let s = try Setup(script: Self.script("never"))
        defer { s.stop() }
        let escape = try s.run(["ask", "--tier", "sonnet", "colour \u{1B}[31mred"])
        #expect(escape.status == 1)
        #expect(escape.stderr.contains("U+001B (ESC)"), "\(escape.stderr)")
        let bidi = try s.run(["ask", "--tier", "sonnet", "\u{202E}reversed"])
        #expect(bidi.status == 1)
        #expect(bidi.stderr.contains("U+202E"), "\(bidi.stderr)")
        // Invalid UTF-8 on standard input is refused with its position, not repaired.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BuiltProducts.executable("escalator"))
        p.arguments = ["ask", "--tier", "sonnet"]
        p.environment = s.env.variables
        let input = Pipe(), err = Pipe()
        p.standardInput = input
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        input.fileHandleForWriting.write(Data([0x61, 0x62, 0xFF, 0x63]))
        try input.fileHandleForWriting.close()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
        #expect(stderr.contains("not valid UTF-8 at character 3"), "\(stderr)")
        #expect(try s.standin.requests().filter { !$0.path.contains("count_tokens") }.isEmpty, "something reached the API")
    }

    @Test func aRateLimitedTierFallsBackToTheNextQuickly() throws {
        let limited = "{\"model\": \"claude-sonnet-5-5\", \"status\": 429, \"error_type\": \"rate_limit_error\", \"error_message\": \"slow down\", \"retry_after_s\": 1}"
        let s = try Setup(script: Self.script("From opus.", rules: [limited]))
        defer { s.stop() }
        let start = Date()
        let r = try s.run(["ask", "--json", "--min-tier", "sonnet", "--local-url", "http://127.0.0.1:9", "Route me somewhere"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try jsonObject(r.stdout)
        #expect(o["tier_used"] as? String == "opus")
        #expect(o["answer"] as? String == "From opus.")
        #expect(o["degraded"] as? Bool == true)
        let attempts = try #require(o["attempts"] as? [[String: Any]])
        #expect(attempts.first?["tier"] as? String == "sonnet")
        #expect((attempts.first?["error"] as? String)?.contains("rate limited") == true, "\(attempts)")
        #expect(attempts.filter { $0["tier"] as? String == "sonnet" }.count == 1, "a 429 is not retried on the same tier")
        #expect(Date().timeIntervalSince(start) < 120)
    }

    /// Tiers are data: a config file adds fable and haiku tiers, and `--tier fable` / `--tier
    /// haiku` switch the real CLI to those models (the stand-in sees their model ids).
    @Test func configuredTiersSwitchTheRealCLIToTheirModels() throws {
        let s = try Setup(script: Self.script("From the configured tier."))
        defer { s.stop() }
        let config = s.env.home.file("tiers.toml")
        try """
        [tiers.haiku]
        model = "haiku"
        min_p = 0.45

        [tiers.fable]
        model = "fable"
        input_price = 8.0
        output_price = 40.0
        min_p = 0.0
        """.write(toFile: config, atomically: true, encoding: .utf8)
        for (tier, id) in [("fable", "claude-fable-5-2"), ("haiku", "claude-haiku-5-5")] {
            let question = "Which model answers the \(tier) tier?"
            let r = try s.run(["ask", "--json", "--config", config, "--tier", tier, question])
            #expect(r.status == 0, "\(r.stderr)")
            let o = try jsonObject(r.stdout)
            #expect(o["tier_used"] as? String == tier)
            #expect(o["answer"] as? String == "From the configured tier.")
            #expect((o["agent"] as? [String: Any])?["session"] as? String == "escalator-\(tier)")
            #expect(try s.messages(withText: question).map(\.model) == [id])
        }
        // An unknown tier names the configured ones, and nothing reaches the API.
        let before = try s.standin.requests().count
        let unknown = try s.run(["ask", "--config", config, "--tier", "gpt", "Anyone?"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("local, haiku, sonnet, opus, fable"), "\(unknown.stderr)")
        #expect(try s.standin.requests().count == before)
    }

    @Test func doctorReportsTheAgentsVersionAndModes() throws {
        let s = try Setup(script: Self.script("unused"))
        defer { s.stop() }
        let r = try s.run(["doctor"])
        #expect(r.stdout.contains("2.1.332 (Claude Code)"), "\(r.stdout)")
        #expect(r.stdout.contains("permission mode manual"))
        #expect(r.stdout.contains("not read yet for claude-code 2.1.332"), "\(r.stdout)")
        // After an escalation the picker's prices are known, and doctor lists them.
        #expect(try s.run(["ask", "--tier", "opus", "Any question"]).status == 0)
        let after = try s.run(["doctor"])
        let prices = after.stdout.split(separator: "\n").first { $0.contains("model prices") }.map(String.init) ?? ""
        #expect(prices.contains("from the /model picker of claude-code 2.1.332"), "\(after.stdout)")
        #expect(prices.contains("Opus 5.5 $4/$20") && prices.contains("Sonnet 5.5 $2/$10") && prices.contains("Haiku 5.5 $0.10/$0.50"),
                "\(prices)")
    }
}
