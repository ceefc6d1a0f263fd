import Foundation
import TestSupport
import Testing

/// `escalator assess` and `ask` as a user runs them, against a real llama-server.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(LlamaServerFixture.isAvailable)))
struct AssessAskCLITests {
    @Test func assessJSONIsAValidAssessment() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let env = try CLIEnvironment()
        defer { env.remove() }
        let r = try env.run(["assess", "--json", "--local-url", server.url, "What is the capital of France?"])
        #expect(r.status == 0, "\(r.stderr)")
        let a = try jsonObject(r.stdout)
        let distribution = try #require(a["distribution"] as? [String: Double])
        #expect(Set(distribution.keys) == Set((1...9).map(String.init)))
        #expect(abs(distribution.values.reduce(0, +) - 1) < 1e-9)
        let p = try #require(a["p_local_correct"] as? Double)
        // digit-scale: P = (9 − E[d]) / 8, recomputed here from the printed distribution.
        let expected = distribution.reduce(0.0) { $0 + Double(Int($1.key)!) * $1.value }
        #expect(abs(p - (9 - expected) / 8) < 1e-9)
        #expect(a["strategy"] as? String == "digit-scale")
        #expect(a["generated_tokens"] as? Int == 1)
    }

    @Test func askJSONHasEveryField() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let env = try CLIEnvironment()
        defer { env.remove() }
        // Thresholds that send everything to a remote tier, to see the degraded marking.
        let r = try env.run(["ask", "--json", "--local-url", server.url, "--set", "thresholds.local_min=1",
                             "--set", "thresholds.sonnet_min=1"], stdin: "What is 2+2?\n")
        #expect(r.status == 0, "\(r.stderr)")
        let o = try jsonObject(r.stdout)
        for key in ["id", "question", "route", "assessment", "answer", "cost_usd", "timings_ms", "degraded", "tier_used"] {
            #expect(o[key] != nil, "missing \(key)")
        }
        #expect(o["question"] as? String == "What is 2+2?")
        let route = try #require(o["route"] as? [String: Any])
        #expect(route["tier"] as? String == "opus")
        #expect((route["reason"] as? String)?.contains("sonnet_min 1.00") == true)
        let thresholds = try #require(route["thresholds"] as? [String: Double])
        #expect(thresholds == ["local_min": 1, "sonnet_min": 1, "opus_min": 0])
        #expect(o["tier_used"] as? String == "local")
        #expect(o["degraded"] as? Bool == true)
        #expect((o["degraded_reason"] as? String)?.isEmpty == false)
        #expect((o["answer"] as? String)?.isEmpty == false)
        let t = try #require(o["timings_ms"] as? [String: Double])
        #expect(t["total"]! >= t["assess"]! + t["answer"]! - 1)
    }

    @Test func askLocalTierSkipsTheAssessment() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let env = try CLIEnvironment()
        defer { env.remove() }
        let r = try env.run(["ask", "--json", "--tier", "local", "--local-url", server.url, "Name a colour."])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try jsonObject(r.stdout)
        #expect(o["assessment"] == nil || o["assessment"] is NSNull)
        #expect(o["degraded"] as? Bool == false)
        #expect((o["route"] as? [String: Any])?["tier"] as? String == "local")
    }

    @Test func questionLongerThanTheContextIsAOneLineError() async throws {
        let server = try LlamaServerFixture(context: 512, parallel: 1)
        defer { server.stop() }
        let env = try CLIEnvironment()
        defer { env.remove() }
        let r = try env.run(["assess", "--local-url", server.url], stdin: String(repeating: "tell me more ", count: 600))
        #expect(r.status != 0)
        #expect(r.stderr.contains("too long"))
        #expect(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}

/// Bad input needs no server: every case is one line on stderr naming the fix, and exit ≠ 0.
@Suite struct BadInputCLITests {
    func expectOneLineError(_ r: RunResult, mentioning words: [String]) {
        #expect(r.status != 0)
        let lines = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(r.stderr)")
        for word in words { #expect(r.stderr.contains(word), "stderr lacks \(word): \(r.stderr)") }
    }

    @Test func emptyQuestion() throws {
        let env = try CLIEnvironment()
        defer { env.remove() }
        expectOneLineError(try env.run(["ask"], stdin: "  \n"), mentioning: ["empty"])
        expectOneLineError(try env.run(["assess", ""]), mentioning: ["empty"])
    }

    @Test func unknownTier() throws {
        let env = try CLIEnvironment()
        defer { env.remove() }
        expectOneLineError(try env.run(["ask", "--tier", "gpt9", "hello"]), mentioning: ["unknown tier", "auto"])
    }

    @Test func missingAndBrokenConfig() throws {
        let env = try CLIEnvironment()
        defer { env.remove() }
        expectOneLineError(try env.run(["ask", "--config", env.home.file("nope.toml"), "hi"]), mentioning: ["does not exist", "escalator init"])
        let broken = env.home.file("broken.toml")
        try "[thresholds]\nlocal_min = [oops\n".write(toFile: broken, atomically: true, encoding: .utf8)
        expectOneLineError(try env.run(["ask", "--config", broken, "hi"]), mentioning: ["line", broken])
        let unreadable = env.home.file("dir.toml")
        try FileManager.default.createDirectory(atPath: unreadable, withIntermediateDirectories: true)
        expectOneLineError(try env.run(["ask", "--config", unreadable, "hi"]), mentioning: [unreadable])
    }

    @Test func serverDownWithManagedOff() throws {
        let env = try CLIEnvironment()
        defer { env.remove() }
        let port = try freeLoopbackPort()
        expectOneLineError(try env.run(["assess", "--local-url", "http://127.0.0.1:\(port)", "hi"]), mentioning: ["managed"])
    }

    @Test func badSettingValue() throws {
        let env = try CLIEnvironment()
        defer { env.remove() }
        expectOneLineError(try env.run(["ask", "--set", "thresholds.local_min=2", "hi"]), mentioning: ["local_min", "probability"])
    }
}
