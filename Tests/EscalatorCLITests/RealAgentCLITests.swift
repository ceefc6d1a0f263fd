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
    }
}
