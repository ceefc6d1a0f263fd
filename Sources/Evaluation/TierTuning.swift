import Routing

/// Which configured tiers `escalator tune` fits a `min_p` for, and the fit over several tiers.
///
/// The local tier stands for the dataset's first tier. A configured remote tier is tuned when
/// the dataset has a tier of the same name. With two or more such tiers, thresholds on the one
/// score are swept together (``TierCutSweep``): each matched tier's `min_p` except the dearest
/// one's comes from the cut above it. The dearest matched tier takes what falls below the next
/// cheaper tier's `min_p`; where it stops and a dearer tier begins the data cannot say, so its
/// `min_p` is kept, as is every tier the dataset has no outcomes for. With fewer than two matched
/// tiers only local's `min_p` is fitted (against the dataset's top tier, or the one matched tier).
public struct TierTuningPlan: Sendable, Equatable {
    /// A configured tier and the dataset tier whose outcomes stand for it.
    public struct Match: Sendable, Equatable {
        public var name: String
        public var datasetTier: Int
    }

    /// The tiers routing is fitted over, cheapest first (dataset order); the first is local.
    public var matched: [Match]
    /// The tiers whose `min_p` is fitted, cheapest first.
    public var tuned: [String]
    /// The configured tiers whose `min_p` stays as it is, in table order.
    public var kept: [String]

    /// The plan for a dataset with tiers `datasetTiers` (cost order) and the configured tiers
    /// `configured` (any order; `local` among them).
    public init(datasetTiers: [String], configured: [String]) {
        let remote = datasetTiers.indices.dropFirst().filter { configured.contains(datasetTiers[$0]) && datasetTiers[$0] != Tier.localName }
        if remote.count >= 2 {
            matched = [Match(name: Tier.localName, datasetTier: 0)] + remote.map { Match(name: datasetTiers[$0], datasetTier: $0) }
            tuned = matched.dropLast().map(\.name)
        } else {
            let top = remote.first ?? datasetTiers.count - 1
            matched = [Match(name: Tier.localName, datasetTier: 0), Match(name: datasetTiers[top], datasetTier: top)]
            tuned = [Tier.localName]
        }
        let tuned = tuned
        kept = configured.filter { !tuned.contains($0) }
    }

    /// True when remote tiers' `min_p` are fitted too.
    public var isMultiTier: Bool { tuned.count >= 2 }

    /// One plain sentence on what was tuned against what, and what was kept and why.
    public func summary(datasetTiers: [String]) -> String {
        let dearest = matched.last!.name
        var out = "tiers tuned: \(tuned.joined(separator: ", "))"
        out += isMultiTier ? " (swept together over the dataset's \(matched.map(\.name).joined(separator: ", ")) outcomes)"
                           : " (local against the dataset's \(dearest) tier)"
        let noData = kept.filter { name in !matched.contains { $0.name == name } }
        var reasons: [String] = []
        if kept.contains(dearest), isMultiTier || datasetTiers.contains(dearest) {
            reasons.append("\(dearest) (the dearest tier in the data: where a dearer tier takes over, the data cannot say)")
        }
        if !noData.isEmpty {
            reasons.append("\(noData.joined(separator: ", ")) (no outcomes in the dataset, whose tiers are \(datasetTiers.joined(separator: ", ")))")
        }
        if !reasons.isEmpty { out += "; kept their min_p: " + reasons.joined(separator: "; ") }
        return out + "\n"
    }
}

/// Routing over several tiers by cuts on one score, swept on a train split: an item whose score
/// is ≥ `thresholds[j]` goes to tier j + 1 or above (tiers cheapest first). Every nondecreasing
/// choice of cuts among the scores' distinct values (at most `maxCandidates` per cut) is tried
/// and the one that best meets the target is kept.
public struct TierCutSweep: Sendable {
    /// One choice of cuts and what it realises on a set of items.
    public struct Point: Sendable, Equatable {
        /// One threshold per tier after the first, ascending (`.infinity`: no item goes there).
        public var thresholds: [Double]
        /// Fraction of items per tier.
        public var shares: [Double]
        /// Fraction of items leaving the first tier.
        public var rate: Double { 1 - shares[0] }
        /// Reported quality.
        public var quality: Double
        /// Performance gap recovered between the first tier and the last.
        public var pgr: Double
        /// Mean dollars per 1,000 questions (nil without costs).
        public var costPer1k: Double?
    }

    /// Dataset tier indices, cheapest first.
    public var tiers: [Int]

    public init(tiers: [Int]) { self.tiers = tiers }

    /// What `thresholds` realise on `items` of `dataset` with `scores` (aligned with the dataset).
    public func evaluate(_ thresholds: [Double], dataset: Dataset, scores: [Double], items: [Int], cost: CostModel?) -> Point {
        var counts = [Double](repeating: 0, count: tiers.count)
        var quality = 0.0, local = 0.0, top = 0.0, dollars = 0.0
        for i in items {
            let k = thresholds.filter { scores[i] >= $0 }.count
            counts[k] += 1
            let outcomes = dataset.items[i].outcomes
            quality += outcomes[tiers[k]]
            local += outcomes[tiers[0]]
            top += outcomes[tiers[tiers.count - 1]]
            if let cost { dollars += cost.charge(item: i, tier: tiers[k]) }
        }
        let n = Double(items.count)
        return Point(thresholds: thresholds, shares: counts.map { $0 / n }, quality: quality / n * dataset.qualityScale,
                     pgr: top != local ? (quality - local) / (top - local) : .nan, costPer1k: cost.map { _ in dollars / n * 1000 })
    }

    /// The cuts on `items` that meet `target`: the best quality at or under the rate or budget,
    /// or the cheapest reaching the PGR (cost in dollars, else the tiers' ranks).
    public func fit(target: TuningTarget, dataset: Dataset, scores: [Double], items: [Int], cost: CostModel?,
                    maxCandidates: Int? = nil) throws -> Point {
        if case .budget = target, cost == nil {
            throw EvaluationError(.option, "--budget needs dollar costs; give the dataset tier prices (price_usd) or per-item cost_usd")
        }
        var values = Array(Set(items.map { scores[$0] })).sorted()
        let cap = maxCandidates ?? [200, 60, 25, 14][min(tiers.count - 2, 3)]
        if values.count > cap {
            let step = Double(values.count - 1) / Double(cap - 1)
            values = Array(Set((0..<cap).map { values[Int((Double($0) * step).rounded())] })).sorted()
        }
        values.append(.infinity)
        // Prefix sums over the items in ascending score order, per tier: a cut is a position.
        let order = items.sorted { scores[$0] < scores[$1] }
        let n = order.count, d = tiers.count
        var quality = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: d)
        var money = quality
        for (pos, item) in order.enumerated() {
            for k in 0..<d {
                quality[k][pos + 1] = quality[k][pos] + dataset.items[item].outcomes[tiers[k]]
                money[k][pos + 1] = money[k][pos] + (cost?.charge(item: item, tier: tiers[k]) ?? Double(k))
            }
        }
        let positions = values.map { v in order.firstIndex { scores[$0] >= v } ?? n }
        let local = quality[0][n], top = quality[d - 1][n]
        var best: (cuts: [Int], key: (Double, Double))?
        func consider(_ cuts: [Int]) {
            let bounds = [0] + cuts.map { positions[$0] } + [n]
            var q = 0.0, spend = 0.0
            for k in 0..<d {
                q += quality[k][bounds[k + 1]] - quality[k][bounds[k]]
                spend += money[k][bounds[k + 1]] - money[k][bounds[k]]
            }
            let rate = Double(n - bounds[1]) / Double(n)
            let pgr = top != local ? (q - local) / (top - local) : .nan
            let per = cost == nil ? spend / Double(n) : spend / Double(n) * 1000
            let key: (Double, Double)?  // larger is better, lexicographically
            switch target {
            case let .rate(r): key = rate <= r + 1e-12 ? (q, -per) : nil
            case let .quality(g): key = pgr >= g ? (-per, q) : nil
            case let .budget(b): key = per <= b + 1e-12 ? (q, -per) : nil
            }
            if let key, best == nil || key > best!.key { best = (cuts, key) }
        }
        func sweep(_ prefix: [Int], from start: Int) {
            if prefix.count == d - 1 { return consider(prefix) }
            for j in start..<values.count { sweep(prefix + [j], from: j) }
        }
        sweep([], from: 0)
        guard let best else {
            throw EvaluationError(.undefined, "no choice of thresholds over the tiers meets \(target) on the train split; loosen the target")
        }
        return evaluate(best.cuts.map { values[$0] }, dataset: dataset, scores: scores, items: items, cost: cost)
    }
}
