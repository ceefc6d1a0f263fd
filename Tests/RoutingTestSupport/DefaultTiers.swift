import Routing

/// The default tiers by name, for tests that route to them (the library has no fixed tiers).
/// One copy for every test target that routes (RoutingTests, EvaluationTests, EscalatorCLITests).
extension Tier {
    public static let sonnet = TierTable.defaults.tiers[1]
    public static let opus = TierTable.defaults.tiers[2]
}

extension Thresholds {
    /// The default tiers' thresholds with local at `localMin`, sonnet at `sonnetMin`, opus at 0.
    public static func threeTier(localMin: Double = 0.6, sonnetMin: Double = 0.3) -> Thresholds {
        Thresholds([.init(tier: "local", minP: localMin), .init(tier: "sonnet", minP: sonnetMin), .init(tier: "opus", minP: 0)])
    }
}

extension Settings {
    /// The min_p of the tier called `tier`.
    public func minP(_ tier: String) -> Double? { tiers.definitions.first { $0.name == tier }?.minP }
}
