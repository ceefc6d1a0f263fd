/// Quality against escalation share as the threshold sweeps over the scores: RouteLLM's
/// deferral curve. Points are sorted by escalation share (0 % to 100 %).
public struct DeferralCurve: Sendable, Equatable {
    /// The points, ascending by `sharePercent`.
    public var points: [CurvePoint]
    /// Reported quality with no escalation.
    public var localQuality: Double
    /// Reported quality with every item escalated.
    public var topQuality: Double

    /// Builds the curve of `outcomes` on `grid`. `weights` (a count per item, for bootstrap
    /// resamples) default to one each. Throws on the decile grid when edges repeat.
    public init(_ outcomes: ScoredOutcomes, grid: ThresholdGrid, weights: [Int]? = nil) throws {
        let sorted = SortedOutcomes(outcomes, weights: weights)
        try self.init(sorted: sorted, grid: grid)
    }

    /// Builds the curve from pre-sorted outcomes (bootstrap reuses one sort).
    init(sorted: SortedOutcomes, grid: ThresholdGrid) throws {
        let n = Double(sorted.totalWeight)
        let scale = sorted.qualityScale
        localQuality = sorted.localTotal / n * scale
        topQuality = sorted.topTotal / n * scale
        switch grid {
        case .exact:
            points = Self.exactPoints(sorted, n: n, scale: scale)
        case .deciles:
            let present = sorted.weights.allSatisfy { $0 == 1 } ? sorted.scores
                : sorted.scores.indices.flatMap { [Double](repeating: sorted.scores[$0], count: sorted.weights[$0]) }
            let edges = try DecileEdges.uniqueEdges(ofSorted: present)
            var points: [CurvePoint] = []
            for (k, threshold) in edges.enumerated() {
                let strict = k == edges.count - 1
                let first = strict ? sorted.firstIndex(above: threshold) : sorted.firstIndex(atLeast: threshold)
                let escalated = sorted.suffixWeight[first]
                let total = sorted.localTotal + sorted.suffixGain[first]
                points.append(CurvePoint(threshold: threshold, strict: strict, escalated: escalated,
                                         sharePercent: Double(escalated) / n * 100, quality: total / n * scale))
            }
            // Stable sort by share, as RouteLLM's `sorted(..., key=strong_pct)`.
            self.points = points.enumerated().sorted {
                $0.element.sharePercent != $1.element.sharePercent ? $0.element.sharePercent < $1.element.sharePercent : $0.offset < $1.offset
            }.map(\.element)
        }
    }

    /// The exact grid in one pass from the highest score down: first the 0 % point (`> max`),
    /// then one point per block of tied scores (`>= score`). Shares come out ascending and
    /// distinct, which is the order RouteLLM's sort gives; quality sums match `suffixGain`.
    private static func exactPoints(_ sorted: SortedOutcomes, n: Double, scale: Double) -> [CurvePoint] {
        var points: [CurvePoint] = []
        points.reserveCapacity(sorted.scores.count + 1)
        guard let top = sorted.scores.indices.last(where: { sorted.weights[$0] > 0 }) else { return points }
        points.append(CurvePoint(threshold: sorted.scores[top], strict: true, escalated: 0, sharePercent: 0,
                                 quality: (sorted.localTotal + sorted.suffixGain[top + 1]) / n * scale))
        var i = top
        while i >= 0 {
            let value = sorted.scores[i]
            while i > 0 && sorted.scores[i - 1] == value { i -= 1 }
            if sorted.suffixWeight[i] != points[points.count - 1].escalated {
                let escalated = sorted.suffixWeight[i]
                points.append(CurvePoint(threshold: value, strict: false, escalated: escalated,
                                         sharePercent: Double(escalated) / n * 100,
                                         quality: (sorted.localTotal + sorted.suffixGain[i]) / n * scale))
            }
            i -= 1
        }
        return points
    }

    /// Creates a curve from given points (sorted here by share).
    public init(points: [CurvePoint], localQuality: Double, topQuality: Double) {
        self.points = points.sorted { $0.sharePercent < $1.sharePercent }
        self.localQuality = localQuality
        self.topQuality = topQuality
    }

    /// Performance gap recovered at `quality`: 0 at the local tier, 1 at the top tier.
    public func pgr(_ quality: Double) -> Double {
        let gap = topQuality - localQuality
        return gap != 0 ? (quality - localQuality) / gap : .nan
    }

    /// True when quality never decreases as the share grows.
    public var isNonDecreasing: Bool {
        zip(points, points.dropFirst()).allSatisfy { $1.quality >= $0.quality }
    }
}

/// Items sorted ascending by score with suffix sums, so every threshold is a binary search.
struct SortedOutcomes: Sendable {
    var scores: [Double]
    var weights: [Int]
    /// suffixWeight[i] = total weight of positions i..<n (one extra slot holding 0).
    var suffixWeight: [Int]
    /// suffixGain[i] = weighted sum of (top - local) over positions i..<n.
    var suffixGain: [Double]
    var localTotal: Double
    var topTotal: Double
    var totalWeight: Int
    var qualityScale: Double
    /// Original item index per sorted position.
    var order: [Int]

    init(_ outcomes: ScoredOutcomes, weights: [Int]? = nil) {
        let order = outcomes.scores.indices.sorted { outcomes.scores[$0] < outcomes.scores[$1] }
        self.init(outcomes, order: order, weights: weights)
    }

    /// `order` must sort `outcomes.scores` ascending; `weights` are per original item.
    init(_ outcomes: ScoredOutcomes, order: [Int], weights: [Int]?) {
        let n = order.count
        self.order = order
        qualityScale = outcomes.qualityScale
        scores = order.map { outcomes.scores[$0] }
        self.weights = weights.map { w in order.map { w[$0] } } ?? [Int](repeating: 1, count: n)
        suffixWeight = [Int](repeating: 0, count: n + 1)
        suffixGain = [Double](repeating: 0, count: n + 1)
        var local = 0.0, top = 0.0
        // Totals in file order (as RouteLLM sums), gains from the top score down.
        if let weights {
            for i in 0..<outcomes.count {
                local += Double(weights[i]) * outcomes.local[i]
                top += Double(weights[i]) * outcomes.top[i]
            }
        } else {
            for i in 0..<outcomes.count {
                local += outcomes.local[i]
                top += outcomes.top[i]
            }
        }
        localTotal = local
        topTotal = top
        var i = n - 1
        while i >= 0 {
            let item = order[i]
            let w = self.weights[i]
            suffixWeight[i] = suffixWeight[i + 1] + w
            suffixGain[i] = suffixGain[i + 1] + Double(w) * (outcomes.top[item] - outcomes.local[item])
            i -= 1
        }
        totalWeight = suffixWeight[0]
    }

    /// First sorted position whose score is >= `threshold`.
    func firstIndex(atLeast threshold: Double) -> Int {
        var lo = 0, hi = scores.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if scores[mid] >= threshold { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// First sorted position whose score is > `threshold`.
    func firstIndex(above threshold: Double) -> Int {
        var lo = 0, hi = scores.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if scores[mid] > threshold { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
