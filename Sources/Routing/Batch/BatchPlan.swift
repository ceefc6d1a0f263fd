import Foundation

/// Which tier each question of a batch goes to, chosen before anything is answered: the
/// policy's route for each assessed question, and under a budget only the escalations that fit,
/// taken in order of expected gain per dollar.
///
/// Expected gain of escalating is 1 − pLocalCorrect (the chance the local answer would be
/// wrong; 1 when the question was not assessed). A question whose route does not fit in what is
/// left of the budget is tried on the cheaper remote tiers, then answered locally, and its
/// reason says so. The plan never exceeds the budget by its estimates.
public struct BatchPlan: Sendable {
    /// One question's plan.
    public struct Entry: Sendable {
        public var question: BatchQuestion
        public var assessment: AssessmentOutcome
        /// The route to take (the policy's, or a cheaper one when the budget did not allow it).
        public var route: Route
        /// The tier the policy chose before the budget was applied.
        public var policyTier: Tier
        public var questionTokens: Int
        /// The estimated cost of `route.tier` for this question.
        public var expectedCostUsd: Double
        /// The cheapest tier at or below `policyTier` that is not parked (`policyTier` itself
        /// unless a usage limit parked it).
        public var availableTier: Tier

        public var demotedByBudget: Bool { route.tier < availableTier }
        public var demotedByParking: Bool { availableTier < policyTier }
    }

    /// Questions and the count and estimated cost routed to one tier.
    public struct TierTotal: Sendable, Equatable {
        public var tier: Tier
        public var count: Int
        public var expectedCostUsd: Double
    }

    public var entries: [Entry]
    public var budgetUsd: Double?
    /// The tiers parked (usage limits) when the plan was made: questions routed there go to the
    /// next cheaper tier that is not, and their reason says so.
    public var parked: [TierParking] = []
    /// The tiers the batch may use, cheapest first.
    public var tiers: [Tier]

    /// The estimated cost of the whole plan.
    public var expectedCostUsd: Double { entries.reduce(0) { $0 + $1.expectedCostUsd } }
    /// Questions the budget kept from their policy tier.
    public var demotedCount: Int { entries.filter(\.demotedByBudget).count }

    /// Per tier, cheapest first (tiers with no questions included, so tables line up).
    public func totals() -> [TierTotal] {
        tiers.sorted().map { tier in
            let here = entries.filter { $0.route.tier == tier }
            return TierTotal(tier: tier, count: here.count, expectedCostUsd: here.reduce(0) { $0 + $1.expectedCostUsd })
        }
    }

    /// Plans `entries` (each already routed by the policy, `route` = policy route) under
    /// `budgetUsd` (nil: no limit). `cost(tokens, tier)` estimates one question on a tier. A
    /// question routed to a tier in `parked` (parkings still in force at `now`) goes to the next
    /// cheaper remote tier that is not parked, else local, as the router would send it. A
    /// question that fits no remote tier goes to local regardless, since an unanswered question
    /// is worse than a cheaper answer.
    public static func make(_ routed: [(question: BatchQuestion, assessment: AssessmentOutcome, route: Route, questionTokens: Int)],
                            budgetUsd: Double?, tiers: [Tier], parked: [TierParking] = [], now: Date = Date(),
                            cost: (Int, Tier) -> Double) -> BatchPlan {
        let parked = parked.filter { $0.until > now }
        let parking = Dictionary(parked.map { ($0.tier, $0) }, uniquingKeysWith: { a, _ in a })
        let local = tiers.first(where: \.isLocal) ?? .local
        /// The remote tiers at or below `wanted` that are not parked, dearest first, then local.
        func open(atOrBelow wanted: Tier) -> [Tier] {
            tiers.sorted().filter { !$0.isLocal && $0 <= wanted && parking[$0.name] == nil }.reversed() + [local]
        }
        var entries = routed.map { r in
            let wanted = r.route.tier
            var route = r.route
            var available = wanted
            if !wanted.isLocal, let p = parking[wanted.name] {
                available = open(atOrBelow: wanted).first ?? local
                route.tier = available
                route.reason += "; \(p.skipReason(now: now)) → \(available.name)"
            }
            return Entry(question: r.question, assessment: r.assessment, route: route, policyTier: wanted,
                         questionTokens: r.questionTokens, expectedCostUsd: cost(r.questionTokens, route.tier), availableTier: available)
        }
        guard let budget = budgetUsd else { return BatchPlan(entries: entries, budgetUsd: nil, parked: parked, tiers: tiers) }

        // Local answers cost what the local price says (usually 0) and are always taken.
        var left = budget - entries.filter { $0.route.tier.isLocal }.reduce(0) { $0 + $1.expectedCostUsd }
        let escalated = entries.indices.filter { !entries[$0].route.tier.isLocal }
        func gainPerDollar(_ i: Int) -> Double {
            let gain = 1 - (entries[i].assessment.assessment?.pLocalCorrect ?? 0)
            let c = entries[i].expectedCostUsd
            return c > 0 ? gain / c : .infinity
        }
        // Highest gain per dollar first; ties keep input order.
        let order = escalated.enumerated().sorted { a, b in
            let ga = gainPerDollar(a.element), gb = gainPerDollar(b.element)
            return ga != gb ? ga > gb : a.offset < b.offset
        }.map(\.element)
        for i in order {
            let wanted = entries[i].route.tier
            // The wanted tier, then cheaper remote tiers that are not parked, then local.
            for tier in open(atOrBelow: wanted) {
                let c = cost(entries[i].questionTokens, tier)
                if tier.isLocal || BatchBudget.fits(c, left: left) {
                    if tier != wanted {
                        let need = cost(entries[i].questionTokens, wanted)
                        entries[i].route.reason += "; budget: \(usd(max(left, 0))) left, \(wanted.name) needs \(usd(need)) → \(tier.name)"
                        entries[i].route.tier = tier
                    }
                    entries[i].expectedCostUsd = c
                    left -= c
                    break
                }
            }
        }
        return BatchPlan(entries: entries, budgetUsd: budget, parked: parked, tiers: tiers)
    }
}

/// Dollars with four decimals, e.g. `$0.0123`.
func usd(_ x: Double) -> String { String(format: "$%.4f", x) }
