/// The configured tiers, cheapest first: `local` (llama-server), then the remote agent tiers of
/// the `[tiers.NAME]` tables. Everything that names a tier (the policy, fallbacks, prices, model
/// aliases, `--tier`, batch plans, stats, tuning) reads this one table.
///
/// Order: `local` first, then by `min_p`, highest first (the policy takes the cheapest tier whose
/// `min_p` ≤ P(local correct), so a dearer tier must be chosen at lower P); tiers with equal
/// `min_p` by price (output, then input), then name.
public struct TierTable: Sendable, Equatable {
    /// The tiers' definitions, cheapest first.
    public private(set) var definitions: [TierDefinition]

    public init(_ definitions: [TierDefinition]) {
        self.definitions = definitions
        if !definitions.contains(where: \.isLocal) { self.definitions.append(.new(Tier.localName)) }
        sort()
    }

    /// Today's tiers: local (min_p 0.6), sonnet (0.3), opus (0), at their built-in prices.
    public static let defaults = TierTable([
        TierDefinition(name: Tier.localName, model: nil, minP: 0.6),
        TierDefinition(name: "sonnet", model: "sonnet", minP: 0.3),
        TierDefinition(name: "opus", model: "opus", minP: 0),
    ])

    /// The tiers, cheapest first, ranked by their position.
    public var tiers: [Tier] { definitions.enumerated().map { Tier(name: $1.name, rank: $0) } }
    public var names: [String] { definitions.map(\.name) }
    /// The cheapest tier (local) and the dearest one.
    public var cheapest: Tier { tiers[0] }
    public var dearest: Tier { tiers[tiers.count - 1] }

    /// The tier called `name`, or an error listing the configured ones.
    public func tier(named name: String) throws -> Tier {
        guard let tier = tiers.first(where: { $0.name == name }) else {
            throw RoutingError(problem: "unknown tier \"\(name)\"",
                               fix: "use one of the configured tiers: \(names.joined(separator: ", ")) (add one with a [tiers.\(name)] table)")
        }
        return tier
    }

    /// `tier`'s definition in this table (found by name).
    public func definition(of tier: Tier) -> TierDefinition? { definitions.first { $0.name == tier.name } }

    /// What `tier` costs (validated at load, so a configured tier always has one).
    public func price(of tier: Tier) -> TierPrice {
        definition(of: tier)?.price ?? TierPrice(inputPerMillion: .nan, outputPerMillion: .nan)
    }

    /// The model alias `tier`'s agent runs on (nil for local).
    public func model(of tier: Tier) -> String? { definition(of: tier)?.model }

    /// Every tier's min_p as the policy uses it.
    public var thresholds: Thresholds {
        Thresholds(definitions.map { .init(tier: $0.name, minP: $0.minP ?? 0) })
    }

    /// Changes (or adds) the tier called `name` and puts the table back in order.
    public mutating func update(_ name: String, _ change: (inout TierDefinition) -> Void) {
        if let i = definitions.firstIndex(where: { $0.name == name }) {
            change(&definitions[i])
        } else {
            var definition = TierDefinition.new(name)
            change(&definition)
            definitions.append(definition)
        }
        sort()
    }

    private mutating func sort() {
        definitions.sort { a, b in
            if a.isLocal != b.isLocal { return a.isLocal }
            let pa = a.minP ?? -1, pb = b.minP ?? -1
            if pa != pb { return pa > pb }
            let ca = a.price ?? TierPrice(inputPerMillion: .infinity, outputPerMillion: .infinity)
            let cb = b.price ?? TierPrice(inputPerMillion: .infinity, outputPerMillion: .infinity)
            if ca.outputPerMillion != cb.outputPerMillion { return ca.outputPerMillion < cb.outputPerMillion }
            if ca.inputPerMillion != cb.inputPerMillion { return ca.inputPerMillion < cb.inputPerMillion }
            return a.name < b.name
        }
    }

    /// Checks every tier is complete: a min_p between 0 and 1 (no remote tier above local's), a
    /// model alias for remote tiers, and prices (given or built in).
    public func validate() throws {
        let localMinP = definitions.first(where: \.isLocal)?.minP
        for d in definitions {
            let key = "tiers.\(d.name)"
            guard let minP = d.minP else {
                throw RoutingError(problem: "[\(key)] has no min_p",
                                   fix: "add min_p = P to [\(key)]: the tier is chosen when P(local correct) ≥ P and below every cheaper tier's min_p (0 = only the dearest questions, or --tier \(d.name))")
            }
            guard (0...1).contains(minP) else {
                throw RoutingError(problem: "\(key).min_p = \(minP) is not between 0 and 1", fix: "set it to a probability such as 0.3")
            }
            if !d.isLocal, let localMinP, minP > localMinP {
                throw RoutingError(problem: "\(key).min_p (\(minP)) is above tiers.local.min_p (\(localMinP))",
                                   fix: "keep every remote tier's min_p ≤ local's: local is the cheapest tier, chosen first")
            }
            if !d.isLocal, (d.model ?? "").isEmpty {
                throw RoutingError(problem: "[\(key)] has no model", fix: "set model to the agent's model alias (/model ALIAS), e.g. model = \"\(d.name)\"")
            }
            if d.price == nil {
                throw RoutingError(problem: "[\(key)] has no prices and escalator knows none for model \"\(d.model ?? d.name)\"",
                                   fix: "add input_price and output_price (USD per million tokens) to [\(key)]")
            }
        }
    }
}
