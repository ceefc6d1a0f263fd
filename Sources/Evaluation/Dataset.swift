/// Questions with per-tier outcomes, the input every metric is computed from. Tiers are in cost
/// order: the first is the local model, the last the top remote tier.
public struct Dataset: Sendable, Equatable {
    /// The tiers in cost order (at least two).
    public var tiers: [DatasetTier]
    /// The questions, in file order.
    public var items: [DatasetItem]
    /// Where the data came from (free text, kept in the header).
    public var source: String?

    /// Creates a dataset, checking that there are at least two tiers and every item has an
    /// outcome (and, if given, a cost) for each, with unique ids.
    public init(tiers: [DatasetTier], items: [DatasetItem], source: String? = nil) throws {
        guard tiers.count >= 2 else {
            throw EvaluationError(.format, "a dataset needs at least 2 tiers, found \(tiers.count); list them in cost order in the header's \"tiers\"")
        }
        let names = Set(tiers.map(\.name))
        guard names.count == tiers.count else {
            throw EvaluationError(.format, "tier names repeat in \(tiers.map(\.name)); give each tier a unique name")
        }
        var seen = Set<String>()
        for item in items {
            guard item.outcomes.count == tiers.count else {
                throw EvaluationError(.format, "item \(item.id) has \(item.outcomes.count) outcomes for \(tiers.count) tiers; give one outcome per tier")
            }
            if let cost = item.costUSD, cost.count != tiers.count {
                throw EvaluationError(.format, "item \(item.id) has \(cost.count) costs for \(tiers.count) tiers; give one cost per tier or none")
            }
            guard item.outcomes.allSatisfy(\.isFinite) else {
                throw EvaluationError(.format, "item \(item.id) has a non-finite outcome; use numbers")
            }
            guard seen.insert(item.id).inserted else {
                throw EvaluationError(.format, "item id \(item.id) appears twice; ids must be unique")
            }
        }
        self.tiers = tiers
        self.items = items
        self.source = source
    }

    /// True when every outcome is 0 or 1 (graded benchmarks); qualities are then reported in
    /// percent, as RouteLLM does, and raw means otherwise.
    public var isBinary: Bool {
        items.allSatisfy { $0.outcomes.allSatisfy { $0 == 0 || $0 == 1 } }
    }

    /// The factor from mean outcome to reported quality: 100 for 0/1 outcomes, else 1.
    public var qualityScale: Double { isBinary ? 100 : 1 }

    /// The dollar cost of answering `item` with tier `tier`: its own cost, else the tier price,
    /// else nil.
    public func cost(of itemIndex: Int, tier: Int) -> Double? {
        if let c = items[itemIndex].costUSD { return c[tier] }
        return tiers[tier].priceUSD
    }

    /// True when every item has a cost for every tier (per item or by price).
    public var hasCosts: Bool {
        tiers.allSatisfy { $0.priceUSD != nil } || items.allSatisfy { $0.costUSD != nil }
            || items.indices.allSatisfy { i in tiers.indices.allSatisfy { cost(of: i, tier: $0) != nil } }
    }
}
