/// Dollar cost per item and tier, and whether escalated items also pay for the tiers below
/// (cascade accounting: the local model answers first, as in AutoMix and FrugalGPT).
public struct CostModel: Sendable {
    /// `costs[item][tier]` in US dollars.
    public var costs: [[Double]]
    /// True when routing to tier k also pays tiers 0..<k.
    public var cascade: Bool

    /// Costs from the dataset's per-item `cost_usd` or tier prices; nil when some are missing.
    public init?(dataset: Dataset, cascade: Bool = false) {
        var costs: [[Double]] = []
        costs.reserveCapacity(dataset.items.count)
        for i in dataset.items.indices {
            var row: [Double] = []
            for t in dataset.tiers.indices {
                guard let c = dataset.cost(of: i, tier: t) else { return nil }
                row.append(c)
            }
            costs.append(row)
        }
        self.costs = costs
        self.cascade = cascade
    }

    /// Creates a cost model from explicit costs.
    public init(costs: [[Double]], cascade: Bool = false) {
        self.costs = costs
        self.cascade = cascade
    }

    /// What answering `item` with `tier` costs under this accounting.
    public func charge(item: Int, tier: Int) -> Double {
        cascade ? costs[item][0...tier].reduce(0, +) : costs[item][tier]
    }

    /// Mean cost per query of routing every item to `tier`.
    public func meanCost(tier: Int) -> Double {
        costs.indices.reduce(0) { $0 + charge(item: $1, tier: tier) } / Double(costs.count)
    }

    /// Mean cost per query when `escalate[i]` sends item i to `top`, else to tier 0.
    public func meanCost(escalate: [Bool], top: Int) -> Double {
        escalate.indices.reduce(0) { $0 + charge(item: $1, tier: escalate[$1] ? top : 0) } / Double(costs.count)
    }
}
