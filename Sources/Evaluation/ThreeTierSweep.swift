/// Routing over three tiers with two thresholds on one score: below `lower` stay local, from
/// `lower` up to `upper` go to the middle tier, from `upper` up go to the top tier.
public struct ThreeTierPoint: Sendable, Equatable {
    /// Items with score >= lower leave the local tier.
    public var lower: Double
    /// Items with score >= upper go to the top tier (`.infinity`: none do).
    public var upper: Double
    /// Percent of items per tier.
    public var sharePercent: [Double]
    /// Mean cost per query (dollars, or tier-rank units when the dataset has no costs).
    public var cost: Double
    /// Reported quality.
    public var quality: Double
}

/// Sweeps both thresholds over the score's distinct values (at most `maxCandidates` quantile
/// positions each) and keeps the Pareto frontier of cost against quality.
public struct ThreeTierSweep: Sendable {
    /// Every swept pair.
    public var candidateCount: Int
    /// Points no other point beats on both cost (lower) and quality (higher), ascending by cost.
    public var frontier: [ThreeTierPoint]
    /// True when costs are dollars; false when tier rank (0, 1, 2) stands in for cost.
    public var dollars: Bool

    /// Sweeps `scores` over tiers `tiers` (three indices into the dataset, cheapest first).
    public init(dataset: Dataset, scores: [Double], tiers: [Int] = [0, 1, 2], cost: CostModel?,
                maxCandidates: Int = 200) throws {
        guard tiers.count == 3, tiers.allSatisfy(dataset.tiers.indices.contains) else {
            throw EvaluationError(.option, "a three-tier sweep needs three tier indices of a dataset with at least 3 tiers; this one has \(dataset.tiers.count)")
        }
        let n = scores.count
        let scale = dataset.qualityScale
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Prefix sums (in ascending score order) of quality and cost per tier.
        var quality = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: 3)
        var money = quality
        for (pos, item) in order.enumerated() {
            for k in 0..<3 {
                quality[k][pos + 1] = quality[k][pos] + dataset.items[item].outcomes[tiers[k]]
                money[k][pos + 1] = money[k][pos] + (cost?.charge(item: item, tier: tiers[k]) ?? Double(k))
            }
        }
        // Candidate cut positions: starts of tie blocks, plus n (nobody above the cut).
        var cuts: [Int] = []
        for pos in 0..<n where pos == 0 || scores[order[pos]] != scores[order[pos - 1]] { cuts.append(pos) }
        if cuts.count > maxCandidates {
            let step = Double(cuts.count - 1) / Double(maxCandidates - 1)
            cuts = Array(Set((0..<maxCandidates).map { cuts[Int((Double($0) * step).rounded())] })).sorted()
        }
        cuts.append(n)
        var all: [ThreeTierPoint] = []
        for (a, i1) in cuts.enumerated() {
            for i2 in cuts[a...] {
                let q = quality[0][i1] + (quality[1][i2] - quality[1][i1]) + (quality[2][n] - quality[2][i2])
                let c = money[0][i1] + (money[1][i2] - money[1][i1]) + (money[2][n] - money[2][i2])
                let threshold: (Int) -> Double = { $0 < n ? scores[order[$0]] : .infinity }
                all.append(ThreeTierPoint(lower: threshold(i1), upper: threshold(i2),
                                          sharePercent: [i1, i2 - i1, n - i2].map { Double($0) / Double(n) * 100 },
                                          cost: c / Double(n), quality: q / Double(n) * scale))
            }
        }
        candidateCount = all.count
        frontier = Self.paretoFrontier(all)
        dollars = cost != nil
    }

    /// The points not dominated on (lower cost, higher quality), ascending by cost.
    public static func paretoFrontier(_ points: [ThreeTierPoint]) -> [ThreeTierPoint] {
        let sorted = points.sorted { $0.cost != $1.cost ? $0.cost < $1.cost : $0.quality > $1.quality }
        var result: [ThreeTierPoint] = []
        var best = -Double.infinity
        for p in sorted where p.quality > best {
            result.append(p)
            best = p.quality
        }
        return result
    }
}
