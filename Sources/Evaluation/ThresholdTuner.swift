/// Fits an escalation threshold (and optionally a calibration map) on a seeded train split and
/// reports how it does on the held-out test split, with bootstrap intervals.
public struct ThresholdTuner: Sendable {
    /// Which calibration to fit for probability scores.
    public enum Calibration: String, Sendable, CaseIterable {
        case none, platt, isotonic
    }

    /// Fraction of items in the train split (0 < fraction < 1).
    public var trainFraction: Double
    /// Seed of the split and of the bootstrap.
    public var seed: UInt64
    /// Calibration to fit when the scores are probabilities.
    public var calibration: Calibration
    /// Bootstrap plan for the test-split intervals.
    public var bootstrap: Bootstrap

    /// Creates a tuner.
    public init(trainFraction: Double = 0.5, seed: UInt64 = 0, calibration: Calibration = .platt,
                bootstrap: Bootstrap = Bootstrap()) {
        self.trainFraction = trainFraction
        self.seed = seed
        self.calibration = calibration
        self.bootstrap = bootstrap
    }

    /// Realised numbers of a threshold on one split.
    public struct SplitResult: Sendable, Equatable {
        /// Items in the split.
        public var count: Int
        /// Fraction of items escalated (0...1).
        public var rate: ConfidenceInterval
        /// Reported quality of the routed answers.
        public var quality: ConfidenceInterval
        /// Performance gap recovered relative to this split's local and top quality.
        public var pgr: ConfidenceInterval
        /// Dollars per 1,000 questions, when the dataset has costs.
        public var costPer1k: ConfidenceInterval?
    }

    /// Calibration quality on the test split, before and after the fitted map.
    public struct CalibrationCheck: Sendable, Equatable {
        /// Brier score and ECE of the raw and the calibrated score.
        public var brierRaw: Double
        public var brierCalibrated: Double
        public var eceRaw: Double
        public var eceCalibrated: Double
    }

    /// Everything `escalator tune` reports.
    public struct Result: Sendable {
        /// What was asked for.
        public var target: TuningTarget
        /// The fitted threshold and calibration.
        public var settings: ThresholdSettings
        /// Realised numbers on the train split (no intervals) and the test split.
        public var train: SplitResult
        public var test: SplitResult
        /// Calibration before and after, when a map was fitted.
        public var calibrationCheck: CalibrationCheck?
    }

    /// Tunes on `dataset` with `scores` (aligned with its items) for `target`; `cost` is needed
    /// for budget targets.
    public func tune(dataset: Dataset, scores: [Double], target: TuningTarget, cost: CostModel?,
                     strategy: String? = nil) throws -> Result {
        let (trainIndices, testIndices) = try split(count: dataset.items.count)
        let all = try ScoredOutcomes(scores: scores, local: dataset.items.map { $0.outcomes[0] },
                                     top: dataset.items.map { $0.outcomes[dataset.tiers.count - 1] },
                                     qualityScale: dataset.qualityScale)
        let train = try subset(all, trainIndices)
        let test = try subset(all, testIndices)
        let trainCurve = try DeferralCurve(train, grid: .exact)
        let point = try choose(target: target, curve: trainCurve, outcomes: train,
                               cost: cost.map { subsetCost($0, trainIndices) })

        var settings = ThresholdSettings(escalateAt: point.threshold, strict: point.strict, strategy: strategy)
        var check: CalibrationCheck?
        if calibration != .none, scores.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
            let map = calibration == .platt
                ? CalibrationMap.fitPlatt(scores: train.scores, labels: train.localWrong)
                : CalibrationMap.fitIsotonic(scores: train.scores, labels: train.localWrong)
            settings.calibration = map
            let calibrated = test.scores.map(map.apply)
            let labels = test.localWrong
            check = CalibrationCheck(
                brierRaw: ClassifierMetrics.brier(scores: test.scores, labels: labels),
                brierCalibrated: ClassifierMetrics.brier(scores: calibrated, labels: labels),
                eceRaw: ClassifierMetrics.ece(scores: test.scores, labels: labels, bins: 10),
                eceCalibrated: ClassifierMetrics.ece(scores: calibrated, labels: labels, bins: 10))
        }
        return Result(target: target, settings: settings,
                      train: evaluate(point, on: train, cost: cost.map { subsetCost($0, trainIndices) }, withIntervals: false),
                      test: evaluate(point, on: test, cost: cost.map { subsetCost($0, testIndices) }, withIntervals: true),
                      calibrationCheck: check)
    }

    /// The seeded train and test item indices (ascending) of `count` items.
    public func split(count n: Int) throws -> (train: [Int], test: [Int]) {
        guard trainFraction > 0, trainFraction < 1 else {
            throw EvaluationError(.option, "--split must be between 0 and 1 (exclusive), got \(trainFraction); e.g. --split 0.5")
        }
        var order = Array(0..<n)
        var rng = SplitMix64(seed: seed)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.nextIndex(below: i + 1)) }
        let trainCount = Int((Double(n) * trainFraction).rounded())
        guard trainCount >= 1, trainCount < n else {
            throw EvaluationError(.option, "a \(trainFraction) split of \(n) items leaves an empty split; use more items or a split nearer 0.5")
        }
        return (Array(order[..<trainCount]).sorted(), Array(order[trainCount...]).sorted())
    }

    /// The train-curve point that meets `target`.
    func choose(target: TuningTarget, curve: DeferralCurve, outcomes: ScoredOutcomes, cost: CostModel?) throws -> CurvePoint {
        switch target {
        case let .rate(r):
            guard r >= 0, r <= 1 else {
                throw EvaluationError(.option, "--target-rate must be a fraction between 0 and 1, got \(r); e.g. --target-rate 0.3")
            }
            return curve.points.last { $0.sharePercent <= r * 100 + 1e-9 } ?? curve.points[0]
        case let .quality(q):
            if let p = curve.points.first(where: { curve.pgr($0.quality) >= q }) { return p }
            let best = curve.points.map { curve.pgr($0.quality) }.filter { !$0.isNaN }.max() ?? .nan
            throw EvaluationError(.undefined, "no threshold reaches PGR \(q) on the train split (best \(best)); lower --target-quality")
        case let .budget(limit):
            guard let cost else {
                throw EvaluationError(.option, "--budget needs dollar costs; give the dataset tier prices (price_usd) or per-item cost_usd")
            }
            let dollars = try dollarsPer1k(curve: curve, outcomes: outcomes, cost: cost)
            guard let k = curve.points.indices.last(where: { dollars[$0] <= limit + 1e-12 }) else {
                throw EvaluationError(.undefined, "even escalating nothing costs $\(dollars.min() ?? .nan) per 1k questions, above --budget \(limit); raise the budget")
            }
            return curve.points[k]
        }
    }

    private func dollarsPer1k(curve: DeferralCurve, outcomes: ScoredOutcomes, cost: CostModel) throws -> [Double] {
        let top = cost.costs.first.map { $0.count - 1 } ?? 1
        return DollarCurve.meanCosts(scores: outcomes.scores, points: curve.points, cost: cost, top: top).map { $0 * 1000 }
    }

    private func evaluate(_ point: CurvePoint, on split: ScoredOutcomes, cost: CostModel?, withIntervals: Bool) -> SplitResult {
        let escalate = split.scores.map { point.strict ? $0 > point.threshold : $0 >= point.threshold }
        let top = cost.map { ($0.costs.first?.count ?? 2) - 1 } ?? 1
        func stats(_ weights: [Int]?) -> [Double] {
            var w = 0.0, esc = 0.0, routed = 0.0, local = 0.0, best = 0.0, dollars = 0.0
            for i in 0..<split.count {
                let weight = Double(weights?[i] ?? 1)
                guard weight > 0 else { continue }
                w += weight
                if escalate[i] { esc += weight }
                routed += weight * (escalate[i] ? split.top[i] : split.local[i])
                local += weight * split.local[i]
                best += weight * split.top[i]
                if let cost { dollars += weight * cost.charge(item: i, tier: escalate[i] ? top : 0) }
            }
            let gap = best - local
            return [esc / w, routed / w * split.qualityScale, gap != 0 ? (routed - local) / gap : .nan, dollars / w * 1000]
        }
        let full = stats(nil)
        var samples: [[Double]] = [[], [], [], []]
        if withIntervals {
            bootstrap.forEachResample(count: split.count) { weights in
                for (k, v) in stats(weights).enumerated() { samples[k].append(v) }
            }
        }
        func ci(_ k: Int) -> ConfidenceInterval {
            withIntervals ? ConfidenceInterval(value: full[k], samples: samples[k], level: bootstrap.level)
                : ConfidenceInterval(value: full[k], lower: .nan, upper: .nan)
        }
        return SplitResult(count: split.count, rate: ci(0), quality: ci(1), pgr: ci(2), costPer1k: cost == nil ? nil : ci(3))
    }

    private func subset(_ outcomes: ScoredOutcomes, _ indices: [Int]) throws -> ScoredOutcomes {
        try ScoredOutcomes(scores: indices.map { outcomes.scores[$0] }, local: indices.map { outcomes.local[$0] },
                           top: indices.map { outcomes.top[$0] }, qualityScale: outcomes.qualityScale)
    }

    private func subsetCost(_ cost: CostModel, _ indices: [Int]) -> CostModel {
        CostModel(costs: indices.map { cost.costs[$0] }, cascade: cost.cascade)
    }
}
