import Dispatch
import Synchronization

/// Seeded nonparametric bootstrap over items: resample with replacement, recompute a
/// statistic, report percentile intervals. Deterministic for a given seed.
public struct Bootstrap: Sendable {
    /// Number of resamples.
    public var resamples: Int
    /// Seed of the SplitMix64 generator.
    public var seed: UInt64
    /// Interval level, e.g. 0.95.
    public var level: Double

    /// Creates a bootstrap plan.
    public init(resamples: Int = 1000, seed: UInt64 = 0, level: Double = 0.95) {
        self.resamples = resamples
        self.seed = seed
        self.level = level
    }

    /// Calls `body` with the per-item counts of each resample (`count` items drawn with
    /// replacement), one resample at a time.
    public func forEachResample(count: Int, _ body: ([Int]) throws -> Void) rethrows {
        var rng = SplitMix64(seed: Self.chunkSeed(seed, 0))
        var weights = [Int](repeating: 0, count: count)
        for r in 0..<resamples {
            if r % Self.chunkSize == 0 { rng = SplitMix64(seed: Self.chunkSeed(seed, r / Self.chunkSize)) }
            for i in 0..<count { weights[i] = 0 }
            for _ in 0..<count { weights[rng.nextIndex(below: count)] += 1 }
            try body(weights)
        }
    }

    /// Intervals for several curve statistics at once; `statistics` maps a curve to values
    /// (NaN when undefined on a resample). Uses the exact grid on every resample. Draws the same
    /// resamples as `apgrAndCPTIntervals` (counts are drawn per position in descending score
    /// order), so the two agree up to rounding.
    public func curveIntervals(_ outcomes: ScoredOutcomes,
                               statistics: (DeferralCurve) -> [Double]) throws -> [ConfidenceInterval] {
        let full = statistics(try DeferralCurve(outcomes, grid: .exact))
        let order = outcomes.scores.indices.sorted { outcomes.scores[$0] < outcomes.scores[$1] }
        let descending = outcomes.scores.indices.sorted { outcomes.scores[$0] > outcomes.scores[$1] }
        var samples = [[Double]](repeating: [], count: full.count)
        var itemWeights = [Int](repeating: 0, count: outcomes.count)
        try forEachResample(count: outcomes.count) { positionWeights in
            for (pos, item) in descending.enumerated() { itemWeights[item] = positionWeights[pos] }
            let sorted = SortedOutcomes(outcomes, order: order, weights: itemWeights)
            let values = statistics(try DeferralCurve(sorted: sorted, grid: .exact))
            for (k, v) in values.enumerated() { samples[k].append(v) }
        }
        return full.indices.map { ConfidenceInterval(value: full[$0], samples: samples[$0], level: level) }
    }

    /// Intervals of APGR and of CPT at `levels` on the exact grid: the same statistics and
    /// resamples as `curveIntervals`, computed by `CurveResampler` without building curve points
    /// and spread over the available cores (the report's hot path). Deterministic for a seed.
    public func apgrAndCPTIntervals(_ outcomes: ScoredOutcomes, levels: [Double]) throws -> (apgr: ConfidenceInterval, cpt: [ConfidenceInterval]) {
        let curve = try DeferralCurve(outcomes, grid: .exact)
        let resampler = CurveResampler(outcomes, levels: levels)
        let chunks = (resamples + Self.chunkSize - 1) / Self.chunkSize
        let results = Mutex<[Int: CurveResampler.Samples]>([:])
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let count = min(Self.chunkSize, resamples - chunk * Self.chunkSize)
            var rng = SplitMix64(seed: Self.chunkSeed(seed, chunk))
            let samples = resampler.run(resamples: count, rng: &rng)
            results.withLock { $0[chunk] = samples }
        }
        let all = results.withLock { $0 }
        let ordered = (0..<chunks).compactMap { all[$0] }
        let apgrSamples = ordered.flatMap(\.apgr)
        return (ConfidenceInterval(value: curve.apgr, samples: apgrSamples, level: level),
                levels.indices.map { k in
                    ConfidenceInterval(value: curve.cpt(levels[k]), samples: ordered.flatMap { $0.cpt[k] }, level: level)
                })
    }

    /// Resamples are drawn in chunks of this many, each chunk from its own generator, so the
    /// result does not depend on how many threads run them.
    static let chunkSize = 50

    /// The seed of chunk `chunk`'s generator.
    static func chunkSeed(_ seed: UInt64, _ chunk: Int) -> UInt64 {
        var mixer = SplitMix64(seed: seed ^ (UInt64(chunk) &* 0xD1B5_4A32_D192_ED03))
        return mixer.next()
    }

    /// Interval of a statistic of per-item weights (e.g. a mean quality on a fixed routing).
    public func interval(count: Int, statistic: ([Int]?) -> Double) -> ConfidenceInterval {
        let value = statistic(nil)
        var samples: [Double] = []
        forEachResample(count: count) { samples.append(statistic($0)) }
        return ConfidenceInterval(value: value, samples: samples, level: level)
    }
}
