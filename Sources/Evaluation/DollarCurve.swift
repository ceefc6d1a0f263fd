/// A cost-quality point on a dollar axis: mean dollars per query and reported quality.
public struct DollarPoint: Sendable, Equatable {
    /// Mean cost per query in US dollars.
    public var costUSD: Double
    /// Reported quality.
    public var quality: Double

    /// Creates a point.
    public init(costUSD: Double, quality: Double) {
        self.costUSD = costUSD
        self.quality = quality
    }
}

/// The two-tier deferral curve on a dollar axis, with RouterBench's AIQ and AutoMix's ΔIBC.
public struct DollarCurve: Sendable {
    /// The router's points, one per exact-grid threshold, ascending by share.
    public var points: [DollarPoint]
    /// Always-local point.
    public var local: DollarPoint
    /// Always-top point.
    public var top: DollarPoint
    /// The single tiers (every tier, routing all items to it), in tier order.
    public var tiers: [DollarPoint]

    /// Builds the router's dollar curve on the thresholds of `curve` (escalating to `topTier`).
    public init(outcomes: ScoredOutcomes, curve: DeferralCurve, dataset: Dataset, cost: CostModel, topTier: Int? = nil) {
        let top = topTier ?? dataset.tiers.count - 1
        let costs = Self.meanCosts(scores: outcomes.scores, points: curve.points, cost: cost, top: top)
        points = zip(curve.points, costs).map { DollarPoint(costUSD: $1, quality: $0.quality) }
        let scale = outcomes.qualityScale
        tiers = dataset.tiers.indices.map { t in
            DollarPoint(costUSD: cost.meanCost(tier: t),
                        quality: dataset.items.reduce(0) { $0 + $1.outcomes[t] } / Double(dataset.items.count) * scale)
        }
        local = tiers[0]
        self.top = tiers[top]
    }

    /// Mean cost per query at each curve point (escalating to `top`), via one sort and suffix
    /// sums instead of a pass over all items per point.
    static func meanCosts(scores: [Double], points: [CurvePoint], cost: CostModel, top: Int) -> [Double] {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        let sortedScores = order.map { scores[$0] }
        var suffixExtra = [Double](repeating: 0, count: order.count + 1)
        var baseTotal = 0.0
        for i in stride(from: order.count - 1, through: 0, by: -1) {
            let item = order[i]
            let base = cost.charge(item: item, tier: 0)
            baseTotal += base
            suffixExtra[i] = suffixExtra[i + 1] + cost.charge(item: item, tier: top) - base
        }
        let n = Double(order.count)
        return points.map { p in
            var lo = 0, hi = sortedScores.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if p.strict ? sortedScores[mid] > p.threshold : sortedScores[mid] >= p.threshold { hi = mid } else { lo = mid + 1 }
            }
            return (baseTotal + suffixExtra[lo]) / n
        }
    }

    /// AIQ of the router: its non-decreasing convex hull integrated over the tiers' cost range,
    /// divided by that range (RouterBench's definition).
    public var routerAIQ: Double { Self.aiq(points, range: costRange) }

    /// AIQ of the "zero router": random mixtures of single tiers (their hull).
    public var zeroRouterAIQ: Double { Self.aiq(tiers, range: costRange) }

    /// The cost range spanned by the single tiers.
    public var costRange: ClosedRange<Double> {
        let costs = tiers.map(\.costUSD)
        return costs.min()!...costs.max()!
    }

    /// AutoMix's ΔIBC (percent) of operating point `p`: how much more quality per dollar over
    /// the local tier it buys than the straight line to the top tier. nil when undefined.
    public func deltaIBC(_ p: DollarPoint) -> Double? {
        let baseCost = top.costUSD - local.costUSD, pointCost = p.costUSD - local.costUSD
        guard baseCost != 0, pointCost != 0 else { return nil }
        let base = (top.quality - local.quality) / baseCost
        guard base != 0 else { return nil }
        let ibc = (p.quality - local.quality) / pointCost
        return (ibc - base) / base * 100
    }

    /// The upper convex hull of `points`, made non-decreasing (flat after its best quality).
    public static func nonDecreasingHull(_ points: [DollarPoint]) -> [DollarPoint] {
        let sorted = points.sorted { $0.costUSD != $1.costUSD ? $0.costUSD < $1.costUSD : $0.quality > $1.quality }
        var hull: [DollarPoint] = []
        for p in sorted {
            if let last = hull.last, last.costUSD == p.costUSD { continue }
            while hull.count >= 2 {
                let a = hull[hull.count - 2], b = hull[hull.count - 1]
                let cross = (b.costUSD - a.costUSD) * (p.quality - a.quality) - (b.quality - a.quality) * (p.costUSD - a.costUSD)
                if cross >= 0 { hull.removeLast() } else { break }
            }
            hull.append(p)
        }
        if let best = hull.indices.max(by: { hull[$0].quality < hull[$1].quality }) {
            hull.removeSubrange((best + 1)...)
        }
        return hull
    }

    /// Mean of the non-decreasing hull of `points` over `range` (flat beyond its ends).
    public static func aiq(_ points: [DollarPoint], range: ClosedRange<Double>) -> Double {
        let hull = nonDecreasingHull(points)
        guard let first = hull.first, let last = hull.last else { return .nan }
        let width = range.upperBound - range.lowerBound
        guard width > 0 else { return last.quality }
        func value(_ c: Double) -> Double {
            if c <= first.costUSD { return first.quality }
            if c >= last.costUSD { return last.quality }
            let j = hull.firstIndex { $0.costUSD >= c }!
            let a = hull[j - 1], b = hull[j]
            return a.quality + (b.quality - a.quality) * (c - a.costUSD) / (b.costUSD - a.costUSD)
        }
        var xs = [range.lowerBound] + hull.map(\.costUSD).filter { range.contains($0) } + [range.upperBound]
        xs = Array(Set(xs)).sorted()
        var area = 0.0
        for (x0, x1) in zip(xs, xs.dropFirst()) { area += (x1 - x0) * (value(x0) + value(x1)) / 2 }
        return area / width
    }
}
