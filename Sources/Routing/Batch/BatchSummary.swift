/// The end of a batch in numbers: per tier that answered, the count, cost and latency; then
/// errors, degraded answers, the total cost against the budget, and the throughput.
public struct BatchSummary: Sendable, Encodable {
    public struct TierLine: Sendable, Encodable {
        public var tier: String
        public var answered: Int
        public var degraded: Int
        public var costUsd: Double
        public var latencyP50Ms: Double?
        public var latencyP90Ms: Double?
    }

    public var tiers: [TierLine]
    public var answered: Int
    public var errors: Int
    public var degraded: Int
    public var skippedAlreadyAnswered: Int
    public var demotedByBudget: Int
    public var costUsd: Double
    public var budgetUsd: Double?
    public var wallMs: Double
    /// Questions answered per minute of wall time.
    public var perMinute: Double

    public init(results: [BatchResult], skippedAlreadyAnswered: Int, demotedByBudget: Int, budgetUsd: Double?, wallMs: Double,
                tiers order: [Tier]) {
        let answers = results.compactMap(\.answer)
        tiers = order.sorted().map { tier in
            let here = answers.filter { $0.tierUsed == tier }
            let latencies = here.map(\.timingsMs.total).sorted()
            return TierLine(tier: tier.name, answered: here.count, degraded: here.filter(\.degraded).count,
                            costUsd: here.reduce(0) { $0 + $1.costUsd },
                            latencyP50Ms: LedgerStats.percentile(latencies, 0.5),
                            latencyP90Ms: LedgerStats.percentile(latencies, 0.9))
        }
        answered = answers.count
        errors = results.count - answers.count
        degraded = answers.filter(\.degraded).count
        self.skippedAlreadyAnswered = skippedAlreadyAnswered
        self.demotedByBudget = demotedByBudget
        costUsd = answers.reduce(0) { $0 + $1.costUsd }
        self.budgetUsd = budgetUsd
        self.wallMs = wallMs
        perMinute = wallMs > 0 ? Double(answers.count) / (wallMs / 60_000) : 0
    }

}
