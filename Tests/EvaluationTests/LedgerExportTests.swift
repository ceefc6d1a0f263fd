import Foundation
@testable import Routing
import TestSupport
import Testing
@testable import Evaluation
import RoutingTestSupport

@Suite struct LedgerExportTests {
    func answer(_ id: String, tier: Tier, raw: Double?) -> RoutedAnswer {
        let assessment = raw.map {
            Assessment(strategy: "digit-scale", pLocalCorrect: $0, rawScore: $0, calibration: "identity", distribution: ["1": 1],
                       allowedMass: 1, fellBackToSampled: false, sampledToken: "1", promptTokens: 10, cachedTokens: 0,
                       generatedTokens: 1, elapsedMs: 1, promptMs: 1, predictedMs: 0)
        }
        let thresholds = Thresholds.threeTier()
        return RoutedAnswer(id: id, question: "q \(id)", route: Route(tier: tier, reason: "r", score: raw, thresholds: thresholds),
                            assessment: assessment, tierUsed: tier, answer: "a", costUsd: 0,
                            timingsMs: .init(assess: 1, answer: 1, total: 2), degraded: false, degradedReason: nil)
    }

    @Test func exportsOnlyJudgedLocalAnswersWithScoresFromTheRawAssessment() throws {
        let dir = try TemporaryDirectory(prefix: "ledger-export")
        defer { dir.remove() }
        let ledger = try Ledger(path: dir.file("ledger.sqlite"))
        try ledger.record(answer("a", tier: .local, raw: 0.8))
        try ledger.record(answer("b", tier: .local, raw: 0.3))
        try ledger.record(answer("c", tier: .opus, raw: 0.1))     // judged, but escalated
        try ledger.record(answer("d", tier: .local, raw: nil))    // judged, not assessed
        try ledger.record(answer("e", tier: .local, raw: 0.5))    // not judged
        try ledger.setOutcome(id: "a", correct: true, score: nil)
        try ledger.setOutcome(id: "b", correct: nil, score: 0.25)
        try ledger.setOutcome(id: "c", correct: false, score: nil)
        try ledger.setOutcome(id: "d", correct: true, score: nil)

        let export = try LedgerExport(records: try ledger.rows(withOutcome: true), topOutcome: 0.9)
        let byID = Dictionary(uniqueKeysWithValues: export.dataset.items.map { ($0.id, $0.outcomes) })
        #expect(byID == ["a": [1, 0.9], "b": [0.25, 0.9]])
        #expect(abs(export.scores.scores["a"]! - 0.2) < 1e-12)
        #expect(abs(export.scores.scores["b"]! - 0.7) < 1e-12)
        #expect(export.skippedEscalated == 1 && export.skippedUnassessed == 1)
        #expect(export.dataset.tiers.map(\.name) == ["local", "opus"])
    }

    @Test func nothingJudgedIsAClearError() throws {
        let dir = try TemporaryDirectory(prefix: "ledger-export")
        defer { dir.remove() }
        let ledger = try Ledger(path: dir.file("ledger.sqlite"))
        try ledger.record(answer("a", tier: .local, raw: 0.8))
        let error = try #require(throws: EvaluationError.self) { _ = try LedgerExport(records: try ledger.rows(withOutcome: true)) }
        #expect(error.description.contains("escalator feedback"))
    }
}
