import Foundation

/// How a tier is chosen: the cheapest tier of the table whose `min_p` ≤ P(local correct) (the
/// dearest tier when none is), clamped into the allowed tiers (`--min-tier`/`--max-tier`), and
/// the order tiers are tried in when one fails. Pure, so every case is a table test.
public struct TierPolicy: Sendable, Equatable {
    public var table: TierTable
    /// Where a question goes when it could not be assessed (llama-server down).
    public var defaultTier: Tier

    public init(table: TierTable, defaultTier: Tier) {
        self.table = table
        self.defaultTier = defaultTier
    }

    public var tiers: [Tier] { table.tiers }
    public var thresholds: Thresholds { table.thresholds }

    /// The route for a question with calibrated P(local correct) `p`. `p` is nil when the
    /// question was not assessed: then `unassessedBecause` says why and the default tier is used.
    /// `bounds` nil = every tier.
    public func decide(p: Double?, choice: TierChoice = .auto, bounds: TierBounds? = nil,
                       unassessedBecause: String? = nil) -> Route {
        let bounds = bounds ?? TierBounds(table)
        let wanted: Tier, reason: String
        switch (choice, p) {
        case (.forced(let tier), _):
            wanted = tier
            reason = "--tier \(tier.name) (forced)"
        case (.auto, let p?):
            (wanted, reason) = choose(p)
        case (.auto, nil):
            wanted = defaultTier
            reason = "not assessed (\(unassessedBecause ?? "no assessment")) → default tier \(defaultTier.name)"
        }
        let tier = bounds.clamp(wanted)
        var full = reason
        if tier > wanted { full += "; raised to \(tier.name) by min tier" }
        if tier < wanted { full += "; capped at \(tier.name) by max tier" }
        return Route(tier: tier, reason: full, score: p, thresholds: thresholds)
    }

    /// The cheapest tier whose min_p ≤ `p`, else the dearest, with the reason in words and
    /// numbers (`pLocalCorrect 0.41 < local_min 0.60, ≥ sonnet_min 0.30 → sonnet`).
    func choose(_ p: Double) -> (Tier, String) {
        let tiers = table.tiers, entries = table.thresholds.entries
        let k = entries.firstIndex { p >= $0.minP } ?? tiers.count - 1
        let tier = tiers[k]
        func min(_ i: Int) -> String { "\(entries[i].tier)_min \(f(entries[i].minP))" }
        if k == 0 { return (tier, "pLocalCorrect \(f(p)) ≥ \(min(0)) → \(tier.name)") }
        if k == tiers.count - 1 { return (tier, "pLocalCorrect \(f(p)) < \(min(k - 1)) → \(tier.name)") }
        return (tier, "pLocalCorrect \(f(p)) < \(min(k - 1)), ≥ \(min(k)) → \(tier.name)")
    }

    /// The order in which tiers are tried for a question routed to `tier`: the tier itself, then
    /// the dearer tiers up to the maximum, then the cheaper remote tiers down to the minimum, and
    /// the local model last (a question is never dropped, so local is the final fallback even
    /// below a raised minimum).
    public func fallbackChain(from tier: Tier, bounds: TierBounds? = nil) -> [Tier] {
        let bounds = bounds ?? TierBounds(table)
        let sorted = tiers
        let tier = sorted.first { $0 == tier } ?? tier
        var chain = [tier]
        chain += sorted.filter { $0 > tier && $0 <= bounds.max }
        chain += sorted.filter { $0 < tier && $0 >= bounds.min && !$0.isLocal }.reversed()
        if !chain.contains(where: \.isLocal), let local = sorted.first(where: \.isLocal) { chain.append(local) }
        return chain
    }

    private func f(_ x: Double) -> String { String(format: "%.2f", x) }
}
