/// A place a question can be answered: the local model (`local`) or a remote agent on one model.
/// The tiers and their order (cheapest first) come from the configured ``TierTable``; a tier is
/// identified by its name, and `rank` is its position in that table.
public struct Tier: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public var name: String
    /// Position in cost order (0 = cheapest) in the table the tier came from.
    public var rank: Int

    public init(name: String, rank: Int) {
        self.name = name
        self.rank = rank
    }

    /// The name of the tier answered by the local model (llama-server); every table has it, first.
    public static let localName = "local"

    /// The local tier (always the cheapest).
    public static let local = Tier(name: localName, rank: 0)

    public var description: String { name }
    public var isLocal: Bool { name == Self.localName }

    public static func < (a: Tier, b: Tier) -> Bool { (a.rank, a.name) < (b.rank, b.name) }

    /// Tiers are the same tier when their names are: a tier read back from the ledger does not
    /// know the rank it had in the table it was routed with.
    public static func == (a: Tier, b: Tier) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// A tier named in a record (ledger, attempts): its rank in the default table if it is one of
    /// those, else ranked after them.
    public static func recorded(_ name: String) -> Tier {
        TierTable.defaults.tiers.first { $0.name == name } ?? Tier(name: name, rank: TierTable.defaults.tiers.count)
    }

    public init(from decoder: any Decoder) throws {
        self = Tier.recorded(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}
