import Foundation
import TestSupport
import Testing
@testable import Routing
import RoutingTestSupport

/// `log`, `stats` and `feedback` through the built binary, on a ledger filled with the library
/// API in an isolated HOME/XDG (no llama-server needed).
@Suite struct LedgerCLITests {
    static let thresholds = Thresholds.threeTier(localMin: 0.6, sonnetMin: 0.3)

    static func answer(_ id: String, routed: Tier, used: Tier, totalMs: Double, cost: Double) -> RoutedAnswer {
        let assessment = Assessment(strategy: "digit-scale", pLocalCorrect: 0.42, rawScore: 0.42, calibration: "identity",
                                    distribution: ["1": 0.25, "9": 0.75], allowedMass: 0.9, fellBackToSampled: false,
                                    sampledToken: "9", promptTokens: 50, cachedTokens: 0, generatedTokens: 1,
                                    elapsedMs: 12, promptMs: 10, predictedMs: 1)
        return RoutedAnswer(
            id: id, question: "Question \(id)\nsecond line", route: Route(tier: routed, reason: "→ \(routed.name)", score: 0.42,
                                                                        thresholds: thresholds),
            assessment: assessment, tierUsed: used, answer: "Answer \(id)", costUsd: cost,
            timingsMs: .init(assess: 12, answer: totalMs - 12, total: totalMs), degraded: routed != used,
            degradedReason: routed != used ? "no remote agent is configured for \(routed.name); answered locally" : nil,
            costEstimatedUsd: cost)
    }

    /// An environment whose default ledger holds: l1 (local, 100 ms), l2 (routed to sonnet,
    /// answered locally: degraded, 300 ms), s1 (sonnet, 2000 ms, $0.02), then a failure f1.
    static func filled() throws -> (CLIEnvironment, Ledger) {
        let env = try CLIEnvironment()
        let ledger = try Ledger(path: env.home.file("data/escalator/ledger.sqlite"))
        let t0 = Date(timeIntervalSince1970: 1_764_000_000)
        try ledger.record(answer("l1", routed: .local, used: .local, totalMs: 100, cost: 0), at: t0)
        try ledger.record(answer("l2", routed: .sonnet, used: .local, totalMs: 300, cost: 0), at: t0 + 1)
        try ledger.record(answer("s1", routed: .sonnet, used: .sonnet, totalMs: 2000, cost: 0.02), at: t0 + 2)
        try ledger.recordFailure(id: "f1", question: "broken?", thresholds: thresholds, error: "llama-server is down",
                                 totalMs: 5, at: t0 + 3)
        return (env, ledger)
    }

    @Test func logPrintsTheMostRecentQuestionsAsJSONAndAsATable() throws {
        let (env, _) = try Self.filled()
        defer { env.remove() }
        let json = try env.run(["log", "--json", "--last", "2"])
        #expect(json.status == 0, "\(json.stderr)")
        let lines = json.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let objects = try lines.map(jsonObject)
        #expect(objects.map { $0["id"] as? String } == ["s1", "f1"])
        #expect(objects[0]["tier_used"] as? String == "sonnet")
        #expect((objects[0]["timings_ms"] as? [String: Any])?["total"] as? Double == 2000)
        #expect((objects[0]["route"] as? [String: Any])?["tier"] as? String == "sonnet")
        #expect((objects[0]["assessment"] as? [String: Any])?["p_local_correct"] as? Double == 0.42)
        #expect(objects[1]["error"] as? String == "llama-server is down")
        #expect(objects[1]["tier_used"] == nil)

        let table = try env.run(["log"])
        #expect(table.status == 0, "\(table.stderr)")
        let rows = table.stdout.split(separator: "\n").map(String.init)
        #expect(rows.count == 5, "\(table.stdout)")
        #expect(rows[1].contains("l1") && rows[1].contains("local") && rows[1].contains("0.42") && rows[1].contains("100"))
        #expect(rows[2].contains("l2") && rows[2].contains("local*"))
        #expect(rows[3].contains("s1") && rows[3].contains("0.0200") && rows[3].contains("Question s1 second line"))
        #expect(rows[4].contains("f1") && rows[4].contains("failed"))
    }

    @Test func statsReportsEachTier() throws {
        let (env, _) = try Self.filled()
        defer { env.remove() }
        let r = try env.run(["stats", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try jsonObject(r.stdout)
        #expect(o["questions"] as? Int == 4 && o["answered"] as? Int == 3 && o["failed"] as? Int == 1 && o["degraded"] as? Int == 1)
        let tiers = try #require(o["tiers"] as? [[String: Any]])
        #expect(tiers.map { $0["tier"] as? String } == ["local", "sonnet", "opus"])
        #expect(tiers.map { $0["count"] as? Int } == [2, 1, 0])
        #expect(abs((tiers[0]["share"] as? Double ?? 0) - 2.0 / 3) < 1e-9)
        // local 100 and 300 ms: p50 200, p90 at rank 0.9 → 280.
        #expect(tiers[0]["latency_p50_ms"] as? Double == 200)
        #expect(abs((tiers[0]["latency_p90_ms"] as? Double ?? 0) - 280) < 1e-9)
        #expect(tiers[1]["cost_usd"] as? Double == 0.02 && tiers[1]["routed"] as? Int == 2)

        let text = try env.run(["stats"])
        #expect(text.status == 0 && text.stdout.contains("sonnet") && text.stdout.contains("66.7%"))
    }

    @Test func feedbackRecordsTheOutcome() throws {
        let (env, ledger) = try Self.filled()
        defer { env.remove() }
        let ok = try env.run(["feedback", "l1", "--correct"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try ledger.record(id: "l1")?.outcome?.correct == true)
        #expect(try env.run(["feedback", "s1", "--wrong"]).status == 0)
        #expect(try ledger.record(id: "s1")?.outcome?.correct == false)
        #expect(try env.run(["feedback", "l2", "--score", "0.25"]).status == 0)
        #expect(try ledger.record(id: "l2")?.outcome == .init(correct: nil, score: 0.25, at: try #require(ledger.record(id: "l2")?.outcome?.at)))
        let stats = try jsonObject(try env.run(["stats", "--json"]).stdout)
        let outcomes = try #require(stats["outcomes"] as? [String: Any])
        #expect(outcomes["count"] as? Int == 3 && outcomes["accuracy"] as? Double == 0.5 && outcomes["mean_score"] as? Double == 0.25)
        // --ledger points at another database.
        let other = try Ledger(path: env.home.file("other.sqlite"))
        try other.record(Self.answer("x1", routed: .local, used: .local, totalMs: 1, cost: 0))
        #expect(try env.run(["feedback", "--ledger", other.path, "x1", "--correct"]).status == 0)
        #expect(try other.record(id: "x1")?.outcome?.correct == true)
    }

    @Test(arguments: [
        (["feedback", "nope", "--correct"], "nope"),
        (["feedback", "l1", "--correct", "--wrong"], "exactly one"),
        (["feedback", "l1"], "exactly one"),
        (["feedback", "l1", "--score", "1.5"], "0 to 1"),
        (["feedback", "l1", "--score", "abc"], "0 to 1"),
        (["feedback", "l1", "--correct", "--score", "0.5"], "exactly one"),
        (["log", "--last", "0"], "positive"),
    ])
    func badInputFailsWithOneLine(arguments: [String], mention: String) throws {
        let (env, ledger) = try Self.filled()
        defer { env.remove() }
        let r = try env.run(arguments)
        #expect(r.status != 0)
        let message = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!message.contains("\n") && message.contains(mention), "\(r.stderr)")
        #expect(try ledger.rows(withOutcome: true).isEmpty)
    }

    @Test func unusableLedgerPathIsNamed() throws {
        let env = try CLIEnvironment()
        defer { env.remove() }
        let file = env.home.file("plain-file")
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try env.run(["log", "--ledger", file + "/ledger.sqlite"])
        #expect(r.status != 0 && r.stderr.contains(file) && r.stderr.contains("--ledger"))
    }

    @Test func helpTeachesWithExamples() throws {
        let env = try CLIEnvironment()
        defer { env.remove() }
        for command in ["log", "stats", "feedback"] {
            let r = try env.run([command, "--help"])
            #expect(r.status == 0 && r.stdout.contains("Examples:") && r.stdout.contains("--ledger"), "\(command)")
        }
    }
}

/// `ask` records what it did: failures without a server, answers with one.
@Suite(.serialized) struct AskLedgerCLITests {
    @Test func askRecordsAFailureWithItsError() throws {
        let env = try CLIEnvironment()
        defer { env.remove() }
        let port = try freeLoopbackPort()
        let r = try env.run(["ask", "--tier", "sonnet", "--local-url", "http://127.0.0.1:\(port)", "  Is it down?  "])
        #expect(r.status != 0)
        let rows = try Ledger(path: env.home.file("data/escalator/ledger.sqlite")).all()
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.question == "Is it down?" && row.tierUsed == nil && row.answer == nil)
        #expect(row.route?.tier == .sonnet && row.thresholds == Thresholds.threeTier())
        #expect(row.error?.contains("managed") == true && r.stderr.contains(row.error ?? "?"))
        #expect(row.timingsMs.total != nil)
    }

    /// Separate escalator processes started together on a new ledger (as batch workers are):
    /// each records its question, none is lost to a lock.
    @Test func concurrentProcessesEachRecordTheirQuestion() throws {
        let env = try CLIEnvironment()
        defer { env.remove() }
        let port = try freeLoopbackPort()
        let processes = try (0..<6).map { i -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: BuiltProducts.executable("escalator"))
            p.arguments = ["ask", "--tier", "local", "--local-url", "http://127.0.0.1:\(port)", "question \(i)"]
            p.environment = env.variables
            p.standardInput = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus != 0 })
        let rows = try Ledger(path: env.home.file("data/escalator/ledger.sqlite")).all()
        #expect(Set(rows.map(\.question)) == Set((0..<6).map { "question \($0)" }))
        #expect(rows.allSatisfy { $0.error != nil })
    }

    @Test(.enabled(if: RealPart.shouldRun(LlamaServerFixture.isAvailable)))
    func askRecordsTheAnswerItPrinted() throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let env = try CLIEnvironment()
        defer { env.remove() }
        // Thresholds of 0 keep the question local, with its assessment.
        let r = try env.run(["ask", "--json", "--local-url", server.url, "--set", "thresholds.local_min=0",
                             "--set", "thresholds.sonnet_min=0", "What is 2+2?"])
        #expect(r.status == 0, "\(r.stderr)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let printed = try decoder.decode(RoutedAnswer.self, from: Data(r.stdout.utf8))
        let ledger = try Ledger(path: env.home.file("data/escalator/ledger.sqlite"))
        let row = try #require(try ledger.record(id: printed.id))
        #expect(row.routedAnswer == printed)
        #expect(row.assessment != nil && row.error == nil)
        #expect(try ledger.all().count == 1)
    }
}
