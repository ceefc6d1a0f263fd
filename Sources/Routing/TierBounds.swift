/// The cheapest and the most expensive tier a question may use (`--min-tier`, `--max-tier`,
/// `[routing] min_tier`/`max_tier`). The policy's choice is clamped into them, and fallbacks never
/// leave them except to answer locally as the last resort.
public struct TierBounds: Sendable, Equatable, Codable {
    public var min: Tier
    public var max: Tier

    public init(min: Tier, max: Tier) {
        self.min = min
        self.max = max
    }

    /// Every tier of `table`.
    public init(_ table: TierTable) {
        self.init(min: table.cheapest, max: table.dearest)
    }

    /// Checks that `min` is not above `max`.
    public func validate(order table: TierTable) throws {
        guard min <= max else {
            throw RoutingError(problem: "the minimum tier (\(min)) is above the maximum tier (\(max))",
                               fix: "choose --min-tier at or below --max-tier (order: \(table.names.joined(separator: " < ")))")
        }
    }

    public func contains(_ tier: Tier) -> Bool { min <= tier && tier <= max }

    /// `tier` moved into the bounds.
    public func clamp(_ tier: Tier) -> Tier { Swift.max(min, Swift.min(max, tier)) }
}
