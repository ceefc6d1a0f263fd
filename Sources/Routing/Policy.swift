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
/// answer well. Pure, so every case is a table test.
public struct Policy: Sendable, Equatable {
    public var thresholds: Thresholds
    public var tiers: [Tier]

    public init(thresholds: Thresholds, tiers: [Tier] = Tier.defaults) {
        self.thresholds = thresholds
        self.tiers = tiers
    }

    /// The route for a question with calibrated P(local correct) `p` (nil if not assessed).
    public func decide(p: Double?, choice: TierChoice = .auto) -> Route {
        if case .forced(let tier) = choice {
            return Route(tier: tier, reason: "--tier \(tier.name) (forced)", score: p, thresholds: thresholds)
        }
        guard let p else {
            return Route(tier: .local, reason: "not assessed → local", score: nil, thresholds: thresholds)
        }
        let t = thresholds
        let tier: Tier, reason: String
        if p >= t.localMin {
            tier = .local
            reason = "pLocalCorrect \(f(p)) ≥ local_min \(f(t.localMin)) → local"
        } else if p >= t.sonnetMin {
            tier = .sonnet
            reason = "pLocalCorrect \(f(p)) < local_min \(f(t.localMin)), ≥ sonnet_min \(f(t.sonnetMin)) → sonnet"
        } else {
            tier = .opus
            reason = "pLocalCorrect \(f(p)) < sonnet_min \(f(t.sonnetMin)) → opus"
        }
        return Route(tier: tier, reason: reason, score: p, thresholds: t)
    }

    private func f(_ x: Double) -> String { String(format: "%.2f", x) }
}
