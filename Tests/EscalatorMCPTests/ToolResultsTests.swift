import Foundation
import MCP
@testable import Routing
import RoutingTestSupport
import Testing
@testable import EscalatorMCP

/// The shape of tool results and the progress messages.
@Suite struct ToolResultsTests {
    static func answer(degradedReason: String? = nil, measured: Double? = 0.0123) -> RoutedAnswer {
        let thresholds = Thresholds.threeTier()
        return RoutedAnswer(
            id: "20261204-010203-abcdef", question: "Q?",
            route: Route(tier: .opus, reason: "pLocalCorrect 0.10 < sonnet_min 0.30 → opus", score: 0.1, thresholds: thresholds),
            assessment: nil, tierUsed: degradedReason == nil ? .opus : .sonnet, answer: "The answer.\n```swift\nlet x = 1\n```",
            costUsd: measured ?? 0.002, timingsMs: .init(assess: 10, answer: 12_000, total: 12_010),
            degraded: degradedReason != nil, degradedReason: degradedReason, costEstimatedUsd: 0.002, costMeasuredUsd: measured,
            attempts: [Attempt(tier: .opus, error: nil, ms: 12_000)])
    }

    @Test(arguments: [nil, "opus: usage limit; answered by sonnet"] as [String?])
    func askResultCarriesTheAnswerAndTheDecision(reason: String?) throws {
        let routed = Self.answer(degradedReason: reason)
        let result = try ToolResults.ask(routed)
        #expect(result.isError == false)
        guard case .text(let first, _, _) = result.content.first, case .text(let second, _, _) = result.content.last else {
            Issue.record("expected two text blocks: \(result.content)")
            return
        }
        #expect(first == routed.answer)
        #expect(second.hasPrefix("escalator decision: {"))
        let s = try #require(result.structuredContent?.objectValue)
        #expect(Set(s.keys) == ["id", "answer", "tier_used", "route_tier", "reason", "p_local_correct", "cost_usd",
                                "cost_estimated_usd", "cost_measured_usd", "degraded", "degraded_reason", "attempts", "total_ms"])
        #expect(s["answer"]?.stringValue == routed.answer)
        #expect(s["id"]?.stringValue == routed.id)
        #expect(s["tier_used"]?.stringValue == routed.tierUsed.name)
        #expect(s["route_tier"]?.stringValue == "opus")
        #expect(s["reason"]?.stringValue == routed.route.reason)
        #expect(s["p_local_correct"]?.isNull == true)
        #expect(s["cost_usd"]?.doubleValue == routed.costUsd)
        #expect(s["degraded"]?.boolValue == routed.degraded)
        #expect(s["degraded_reason"] == (reason.map(Value.string) ?? .null))
        // The JSON text block is the same decision.
        let decoded = try JSONDecoder().decode(Value.self, from: Data(second.dropFirst("escalator decision: ".count).utf8))
        var withoutAnswer = s
        withoutAnswer.removeValue(forKey: "answer")
        #expect(decoded.objectValue == withoutAnswer)
    }

    @Test func failuresAreToolErrors() {
        let r = ToolResults.failure("ask: missing \"question\" — send one")
        #expect(r.isError == true)
        #expect(r.content == [.text(text: "ask: missing \"question\" — send one", annotations: nil, _meta: nil)])
    }

    @Test(arguments: [
        (nil, 0, false, 4.6, "assessing the question (5 s)"),
        (Tier.local, 0, false, 1.2, "answering locally (1 s)"),
        (Tier.local, 230, false, 2.0, "answering locally: 230 characters so far (2 s)"),
        (Tier.opus, 0, false, 12.4, "escalated to opus: waiting for the agent (12 s)"),
        (Tier.opus, 0, true, 12.4, "sent to opus: waiting for the agent (12 s)"),
        (Tier.sonnet, 40, false, 61, "sonnet answered: recording (61 s)"),
    ] as [(Tier?, Int, Bool, Double, String)])
    func progressMessages(tier: Tier?, characters: Int, forced: Bool, seconds: Double, message: String) {
        let route = tier.map { Route(tier: $0, reason: "r", score: nil, thresholds: .threeTier()) }
        #expect(QuestionProgress.message(route: route, characters: characters, forced: forced, seconds: seconds) == message)
    }

    @Test func progressGrowsWithTimeAndFollowsTheQuestion() {
        let start = ContinuousClock.now
        let progress = QuestionProgress(choice: .forced(.opus), start: start)
        let token = ProgressToken.integer(7)
        let a = progress.snapshot(token: token, now: start + .milliseconds(5_000))
        progress.routed(Route(tier: .opus, reason: "forced", score: nil, thresholds: .threeTier()))
        let b = progress.snapshot(token: token, now: start + .milliseconds(10_040))
        #expect(a.progressToken == token && b.progressToken == token)
        #expect(a.progress == 5 && b.progress == 10)
        #expect(a.message == "assessing the question (5 s)")
        #expect(b.message == "sent to opus: waiting for the agent (10 s)")
        #expect(a.total == nil)
    }

    @Test func reportingSendsAtTheIntervalUntilTheBodyEnds() async throws {
        let progress = QuestionProgress(choice: .auto)
        let sent = SentUpdates()
        let value = try await progress.reporting(token: .string("t"), every: .milliseconds(50), send: { await sent.add($0) }) {
            // Until three updates went out (the body waits on a condition, with a deadline).
            let deadline = ContinuousClock.now + .seconds(10)
            while await sent.count < 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            return 42
        }
        #expect(value == 42)
        let after = await sent.count
        #expect(after >= 3)
        try await Task.sleep(for: .milliseconds(200))
        #expect(await sent.count == after, "no update after the body returned")
        let values = await sent.values.map(\.progress)
        #expect(values == values.sorted())
    }
}

actor SentUpdates {
    var values: [ProgressNotification.Parameters] = []
    var count: Int { values.count }
    func add(_ update: ProgressNotification.Parameters) { values.append(update) }
}
