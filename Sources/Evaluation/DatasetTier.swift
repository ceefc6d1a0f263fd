/// One model tier a question can be routed to (e.g. local, Sonnet, Opus), listed in cost order.
public struct DatasetTier: Sendable, Equatable, Hashable {
    /// The tier's name, as used for the keys of each item's `outcomes` and `cost_usd`.
    public var name: String
    /// A flat price per query in US dollars, used when an item has no `cost_usd` of its own.
    public var priceUSD: Double?

    /// Creates a tier named `name` with an optional flat per-query price.
    public init(name: String, priceUSD: Double? = nil) {
        self.name = name
        self.priceUSD = priceUSD
    }
}
