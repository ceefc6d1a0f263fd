/// A place a question can be answered, ordered by cost: the local model, then remote agents.
public struct Tier: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public var name: String
    /// Position in cost order (0 = cheapest).
    public var rank: Int

    public init(name: String, rank: Int) {
        self.name = name
        self.rank = rank
    }

    public static let local = Tier(name: "local", rank: 0)
    public static let sonnet = Tier(name: "sonnet", rank: 1)
    public static let opus = Tier(name: "opus", rank: 2)

    /// The default tiers, cheapest first.
    public static let defaults: [Tier] = [.local, .sonnet, .opus]

    public var description: String { name }
    public var isLocal: Bool { rank == 0 }

    public static func < (a: Tier, b: Tier) -> Bool { a.rank < b.rank }

    /// The tier called `name` among `tiers`, or an error listing them.
    public static func named(_ name: String, among tiers: [Tier] = Tier.defaults) throws -> Tier {
        guard let tier = tiers.first(where: { $0.name == name }) else {
            throw RoutingError(problem: "unknown tier \"\(name)\"",
                               fix: "use one of: \(tiers.map(\.name).joined(separator: ", "))")
        }
        return tier
    }

    /// The default tier called `name`, or an unknown tier ranked above them (a ledger written by
    /// another configuration may name one).
    public static func known(_ name: String) -> Tier {
        Tier.defaults.first { $0.name == name } ?? Tier(name: name, rank: Tier.defaults.count)
    }

    public init(from decoder: any Decoder) throws {
        self = Tier.known(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}
