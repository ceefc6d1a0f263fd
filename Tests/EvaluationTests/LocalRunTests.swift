import Foundation
import Testing
@testable import Evaluation

/// The pure parts of `eval run`: item selection, the written dataset and scores, the summary.
@Suite struct LocalRunTests {
    static func source() throws -> Dataset {
        try Dataset(tiers: [DatasetTier(name: "weak", priceUSD: 0.1), DatasetTier(name: "strong", priceUSD: 1)], items: [
            DatasetItem(id: "a", question: "qa", gold: "42", outcomes: [1, 1]),
            DatasetItem(id: "b", question: "qb", outcomes: [0, 1]),
            DatasetItem(id: "c", question: "qc", gold: "B", outcomes: [0, 1]),
            DatasetItem(id: "d", question: "qd", gold: "7", outcomes: [1, 0]),
        ], source: "hand")
    }

    @Test func selectsGradableItemsWithinTheLimit() throws {
        let (indices, skipped) = LocalRun.selectItems(try Self.source(), limit: 3)
        #expect(indices == [0, 2, 3])
        #expect(skipped == 1)
        let first = LocalRun.selectItems(try Self.source(), limit: 1)
        #expect(first.indices == [0] && first.skipped == 0)
        let all = LocalRun.selectItems(try Self.source(), limit: 10)
        #expect(all.indices == [0, 2, 3] && all.skipped == 1)
    }

    @Test func datasetPutsLocalFirstAndKeepsRemoteOutcomes() throws {
        let source = try Self.source()
        let results = [
            LocalRun.Result(index: 0, answer: "42", correct: true, pLocalCorrect: 0.8, rawScore: 0.75, routedTier: "local"),
            LocalRun.Result(index: 2, answer: "(A)", correct: false, pLocalCorrect: 0.2, rawScore: 0.25, routedTier: "opus"),
        ]
        let written = try LocalRun.dataset(from: source, results: results, model: "m.gguf")
        #expect(written.tiers.map(\.name) == ["local", "weak", "strong"])
        #expect(written.items.map(\.id) == ["a", "c"])
        #expect(written.items.map(\.outcomes) == [[1, 1, 1], [0, 0, 1]])
        #expect(written.items[1].gold == "B")
        // It reads back through the native reader.
        let reread = try Dataset.parse(Data(written.jsonl().utf8), name: "run.jsonl")
        #expect(reread == written)
        let scores = LocalRun.scores(results, source: source)
        #expect(scores.order == ["a", "c"] && scores.scores["a"] == 0.25 && scores.scores["c"] == 0.75)

        let summary = LocalRun.Summary(results: results, skipped: 1)
        #expect(summary.items == 2 && summary.correct == 1 && summary.accuracy == 0.5)
        #expect(abs(summary.meanPLocalCorrect - 0.5) < 1e-12)
        #expect(summary.auroc == 1)  // the wrong answer has the higher score
        #expect(abs(summary.brier - (0.04 + 0.04) / 2) < 1e-12)
        #expect(summary.wouldEscalate == 1)
        let answers = LocalRun.answersJSONL(results, source: source)
        #expect(answers.contains(#""id":"c","gold":"B","extracted":"A","correct":false"#))
    }

    @Test func aurocUndefinedWithOneClass() {
        let results = [LocalRun.Result(index: 0, answer: "1", correct: false, pLocalCorrect: 0.7, rawScore: 0.7, routedTier: "local")]
        let summary = LocalRun.Summary(results: results, skipped: 0)
        #expect(summary.auroc == nil)
        #expect(summary.text().contains("AUROC: undefined (every answer was wrong)"))
    }
}
