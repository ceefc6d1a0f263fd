import Foundation

/// How a question's tier is requested on the command line: decided from the assessment
/// (`auto`) or forced to a named tier.
public enum TierChoice: Sendable, Equatable, CustomStringConvertible {
    case auto
    case forced(Tier)

    /// Parses `auto` or a tier name among `tiers`.
    public init(parsing text: String, tiers: [Tier] = Tier.defaults) throws {
        if text == "auto" { self = .auto; return }
        guard let tier = tiers.first(where: { $0.name == text }) else {
            throw RoutingError(problem: "unknown tier \"\(text)\"",
                               fix: "use auto or one of: \(tiers.map(\.name).joined(separator: ", "))")
        }
        self = .forced(tier)
    }

    public var description: String {
        switch self {
        case .auto: "auto"
        case .forced(let t): t.name
        }
    }
}

/// The escalation policy: thresholds on P(local correct) choose the cheapest tier expected to
/// answer well, clamped into the allowed tiers. Pure, so every case is a table test.
public struct Policy: Sendable, Equatable {
    public var thresholds: Thresholds
    public var tiers: [Tier]
    /// Where a question goes when it could not be assessed (llama-server down).
    public var defaultTier: Tier

    public init(thresholds: Thresholds, tiers: [Tier] = Tier.defaults, defaultTier: Tier = .sonnet) {
        self.thresholds = thresholds
        self.tiers = tiers
        self.defaultTier = defaultTier
    }

    /// The route for a question with calibrated P(local correct) `p`. `p` is nil when the
    /// question was not assessed: then `unassessedBecause` says why and the default tier is used.
    public func decide(p: Double?, choice: TierChoice = .auto, bounds: TierBounds = .all,
                       unassessedBecause: String? = nil) -> Route {
        let t = thresholds
        let wanted: Tier, reason: String
        switch (choice, p) {
        case (.forced(let tier), _):
            wanted = tier
            reason = "--tier \(tier.name) (forced)"
        case (.auto, let p?):
            if p >= t.localMin {
                wanted = .local
                reason = "pLocalCorrect \(f(p)) ≥ local_min \(f(t.localMin)) → local"
            } else if p >= t.sonnetMin {
                wanted = .sonnet
                reason = "pLocalCorrect \(f(p)) < local_min \(f(t.localMin)), ≥ sonnet_min \(f(t.sonnetMin)) → sonnet"
            } else {
                wanted = .opus
                reason = "pLocalCorrect \(f(p)) < sonnet_min \(f(t.sonnetMin)) → opus"
            }
        case (.auto, nil):
            wanted = defaultTier
            reason = "not assessed (\(unassessedBecause ?? "no assessment")) → default tier \(defaultTier.name)"
        }
        let tier = bounds.clamp(wanted)
        var full = reason
        if tier > wanted { full += "; raised to \(tier.name) by min tier" }
        if tier < wanted { full += "; capped at \(tier.name) by max tier" }
        return Route(tier: tier, reason: full, score: p, thresholds: t)
    }

    /// The order in which tiers are tried for a question routed to `tier`: the tier itself, then
    /// the dearer tiers up to the maximum, then the cheaper remote tiers down to the minimum, and
    /// the local model last (a question is never dropped, so local is the final fallback even
    /// below a raised minimum).
    public func fallbackChain(from tier: Tier, bounds: TierBounds = .all) -> [Tier] {
        let sorted = tiers.sorted()
        var chain = [tier]
        chain += sorted.filter { $0 > tier && $0 <= bounds.max }
        chain += sorted.filter { $0 < tier && $0 >= bounds.min && !$0.isLocal }.reversed()
        if !chain.contains(where: \.isLocal), let local = sorted.first(where: \.isLocal) { chain.append(local) }
        return chain
    }

    private func f(_ x: Double) -> String { String(format: "%.2f", x) }
}
