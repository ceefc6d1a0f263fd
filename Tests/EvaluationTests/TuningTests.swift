import Foundation
import Testing
@testable import Evaluation

@Suite struct TuningTests {
    /// On the hand curve (shares 0/25/75/100 at quality 50/75/100/75, PGR 0/1/2/1):
    /// rate 0.3 -> the 25 % point (score >= 0.9); PGR 0.9 -> first point with PGR >= 0.9, the
    /// 25 % point; PGR 1.5 -> the 75 % point (score >= 0.5); PGR 3 is unreachable.
    @Test func choosesThresholdsByHand() throws {
        let outcomes = try Fixtures.handOutcomes()
        let curve = try DeferralCurve(outcomes, grid: .exact)
        let tuner = ThresholdTuner()
        let rate = try tuner.choose(target: .rate(0.3), curve: curve, outcomes: outcomes, cost: nil)
        #expect(rate.threshold == 0.9 && !rate.strict && rate.sharePercent == 25)
        #expect(try tuner.choose(target: .quality(0.9), curve: curve, outcomes: outcomes, cost: nil).sharePercent == 25)
        #expect(try tuner.choose(target: .quality(1.5), curve: curve, outcomes: outcomes, cost: nil).threshold == 0.5)
        #expect(throws: EvaluationError.self) { try tuner.choose(target: .quality(3), curve: curve, outcomes: outcomes, cost: nil) }
        // Remote $1 per question: escalating 25 % costs $250 per 1k, 75 % costs $750.
        let cost = CostModel(costs: Array(repeating: [0, 1], count: 4))
        #expect(try tuner.choose(target: .budget(usdPer1k: 300), curve: curve, outcomes: outcomes, cost: cost).sharePercent == 25)
        #expect(try tuner.choose(target: .budget(usdPer1k: 100), curve: curve, outcomes: outcomes, cost: cost).sharePercent == 0)
        #expect(throws: EvaluationError.self) { try tuner.choose(target: .budget(usdPer1k: 100), curve: curve, outcomes: outcomes, cost: nil) }
    }

    /// With two score levels, Platt scaling fits the smoothed target means exactly: at score 0
    /// one of five is positive, targets 6/7 (positives) and 1/7: (6/7 + 4/7) / 5 = 2/7; at
    /// score 1 four of five: (24/7 + 1/7) / 5 = 5/7.
    @Test func plattFitsTwoLevelsByHand() {
        let scores: [Double] = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
        let labels = [true, false, false, false, false, true, true, true, true, false]
        let map = CalibrationMap.fitPlatt(scores: scores, labels: labels)
        #expect(abs(map.apply(0) - 2.0 / 7) < 1e-9)
        #expect(abs(map.apply(1) - 5.0 / 7) < 1e-9)
    }

    /// Labels 0, 1, 0, 1 at scores 0.1..0.4: the middle pair violates monotonicity and pools to
    /// 0.5 at x = 0.25, giving steps (0.1, 0), (0.25, 0.5), (0.4, 1).
    @Test func isotonicPoolsViolatorsByHand() {
        let map = CalibrationMap.fitIsotonic(scores: [0.1, 0.2, 0.3, 0.4], labels: [false, true, false, true])
        guard case let .isotonic(x, y) = map else { Issue.record("expected isotonic"); return }
        #expect(x.count == 3 && abs(x[1] - 0.25) < 1e-12)
        #expect(y == [0, 0.5, 1])
        #expect(abs(map.apply(0.175) - 0.25) < 1e-12)
        #expect(map.apply(0) == 0 && map.apply(1) == 1)
    }

    @Test func tomlFragmentByHand() throws {
        let settings = ThresholdSettings(escalateAt: 0.4, calibration: .platt(a: 1.5, b: -0.5), strategy: "verbal")
        // p_wrong at the threshold: 1 / (1 + e^-(1.5 * 0.4 - 0.5)) = 1 / (1 + e^-0.1).
        let pWrong = 1 / (1 + exp(-0.1))
        let fragment = settings.tomlFragment()
        let pLine = try #require(fragment.split(separator: "\n").first { $0.hasPrefix("escalate_at_p_wrong = ") })
        #expect(abs(Double(pLine.dropFirst("escalate_at_p_wrong = ".count))! - pWrong) < 1e-12)
        #expect(fragment.replacingOccurrences(of: String(pLine), with: "P") == """
        [thresholds]
        strategy = "verbal"
        # escalate when the raw score is >= escalate_at
        escalate_at = 0.4
        # the same threshold as a calibrated probability that the local answer is wrong
        P

        [calibration]
        method = "platt"
        # p_wrong = 1 / (1 + exp(-(a * score + b)))
        a = 1.5
        b = -0.5

        """)
        let strict = ThresholdSettings(escalateAt: 1)
        #expect(strict.tomlFragment().contains("escalate_at = 1.0\n"))
        #expect(ThresholdSettings(escalateAt: 1, strict: true).tomlFragment().contains("escalate_at = \(1.0.nextUp)\n"))
    }

    /// End to end on a dataset where the score is the oracle gain: every split must escalate
    /// exactly the items that gain, so test PGR is best-of-both over the gap (>= 1), and the
    /// realised rate equals the share of gaining items in the test split.
    @Test func tuneReportsOnHeldOutSplit() throws {
        var rng = SplitMix64(seed: 9)
        let local = (0..<200).map { _ in rng.nextUnit() < 0.6 ? 1.0 : 0.0 }
        let top = (0..<200).map { _ in rng.nextUnit() < 0.8 ? 1.0 : 0.0 }
        let dataset = try Fixtures.dataset(local: local, top: top, prices: [0, 0.01])
        let gains = zip(local, top).map { $1 - $0 }
        let tuner = ThresholdTuner(trainFraction: 0.5, seed: 3, calibration: .none, bootstrap: Bootstrap(resamples: 100, seed: 3))
        let result = try tuner.tune(dataset: dataset, scores: gains, target: .quality(1.0), cost: CostModel(dataset: dataset))
        #expect(result.settings.escalateAt == 1)
        #expect(result.train.count == 100 && result.test.count == 100)
        #expect(result.test.pgr.value >= 1)
        #expect(result.test.rate.lower <= result.test.rate.value && result.test.rate.value <= result.test.rate.upper)
        let cost = try #require(result.test.costPer1k)
        #expect(abs(cost.value - result.test.rate.value * 10) < 1e-9)
    }
}
