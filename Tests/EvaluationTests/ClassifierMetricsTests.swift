import Testing
@testable import Evaluation

@Suite struct ClassifierMetricsTests {
    /// Positives score 0.9 and 0.3, negatives 0.8, 0.3, 0.1. Of the 6 pairs the positive wins
    /// (0.9,0.8) (0.9,0.3) (0.9,0.1) (0.3,0.1), ties (0.3,0.3) for half, loses (0.3,0.8):
    /// AUROC = 4.5 / 6 = 0.75.
    @Test func aurocWithTiesByHand() {
        let auroc = ClassifierMetrics.auroc(scores: [0.9, 0.8, 0.3, 0.3, 0.1], labels: [true, false, true, false, false])
        #expect(auroc.map { abs($0 - 0.75) < 1e-12 } == true)
        #expect(ClassifierMetrics.auroc(scores: [0.1, 0.2], labels: [true, true]) == nil)
    }

    /// ((1 - 0.9)^2 + (0 - 0.2)^2) / 2 = (0.01 + 0.04) / 2 = 0.025.
    @Test func brierByHand() {
        #expect(abs(ClassifierMetrics.brier(scores: [0.9, 0.2], labels: [true, false]) - 0.025) < 1e-12)
    }

    /// Bin [0.1, 0.2): mean score 0.15, positive rate 0.5 -> 0.35; bin [0.8, 0.9): 0.85 vs 1 ->
    /// 0.15; each holds half the items: ECE = 0.5 * 0.35 + 0.5 * 0.15 = 0.25.
    @Test func eceByHand() {
        let ece = ClassifierMetrics.ece(scores: [0.15, 0.15, 0.85, 0.85], labels: [false, true, true, true], bins: 10)
        #expect(abs(ece - 0.25) < 1e-12)
    }

    @Test func brierAndECEOnlyForProbabilities() {
        let metrics = ClassifierMetrics(scores: [1, 5, 3], labels: [false, true, true])
        #expect(metrics.brier == nil)
        #expect(metrics.ece == nil)
        #expect(metrics.auroc == 1)
    }
}
