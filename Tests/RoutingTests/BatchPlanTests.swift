import Foundation
import Testing
@testable import Routing
import RoutingTestSupport

/// The pure batch plan: which tier each question gets under a budget, by one rule (the estimate
/// fits in what is left), highest expected gain per dollar first.
@Suite struct BatchPlanTests {
    static let policy = TierPolicy(table: .defaults, defaultTier: .sonnet)

    /// Questions as (pLocalCorrect, question tokens); cost = tokens × the tier's dollars per token.
    static func plan(_ questions: [(p: Double?, tokens: Int)], budget: Double?, parked: [String] = [],
                     until: Date = now.addingTimeInterval(3600)) -> BatchPlan {
        let routed = questions.enumerated().map { i, q in
            let outcome = AssessmentOutcome(assessment: q.p.map { p in
                Assessment(strategy: "digit-scale", pLocalCorrect: p, rawScore: p, calibration: "identity", distribution: [:],
                           allowedMass: 1, fellBackToSampled: false, sampledToken: "5", promptTokens: 0, cachedTokens: 0,
                           generatedTokens: 1, elapsedMs: 0, promptMs: 0, predictedMs: 0)
            }, skippedReason: q.p == nil ? "llama-server down" : nil, ms: 0)
            return (question: BatchQuestion(id: "q\(i)", question: "question \(i)", line: i + 1), assessment: outcome,
                    route: policy.decide(p: q.p, unassessedBecause: outcome.skippedReason), questionTokens: q.tokens)
        }
        let perToken: [String: Double] = ["local": 0, "sonnet": 0.01, "opus": 0.02]
        let parkings = parked.map { TierParking(tier: $0, until: until, zone: TimeZone(identifier: "UTC")!, reason: "usage limit",
                                                rawText: nil, parkedAt: now) }
        return BatchPlan.make(routed, budgetUsd: budget, tiers: TierTable.defaults.tiers, parked: parkings, now: now) { tokens, tier in
            Double(tokens) * perToken[tier.name]!
        }
    }

    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    /// (questions, parked tiers, budget, planned tiers, estimated cost)
    @Test(arguments: [
        // Opus parked: its question goes to sonnet, the others keep their tiers.
        ([(0.9, 10), (0.4, 10), (0.1, 10)], ["opus"], nil, ["local", "sonnet", "sonnet"], 0.2),
        // Both remote tiers parked: everything local, at no cost.
        ([(0.4, 10), (0.1, 10)], ["sonnet", "opus"], nil, ["local", "local"], 0.0),
        // Sonnet parked: opus keeps its question; sonnet's goes local (no cheaper remote tier).
        ([(0.4, 10), (0.1, 10)], ["sonnet"], nil, ["local", "opus"], 0.2),
        // Opus parked and a budget for one sonnet question: the budget then picks among what is open.
        ([(0.4, 10), (0.1, 10)], ["opus"], 0.1, ["local", "sonnet"], 0.1),
        // A budget demotion never lands on a parked tier: opus does not fit, sonnet is parked → local.
        ([(0.1, 10)], ["sonnet"], 0.15, ["local"], 0.0),
    ] as [([(Double?, Int)], [String], Double?, [String], Double)])
    func parkedTiersArePlannedAround(questions: [(Double?, Int)], parked: [String], budget: Double?, tiers: [String], cost: Double) {
        let plan = Self.plan(questions.map { (p: $0.0, tokens: $0.1) }, budget: budget, parked: parked)
        #expect(plan.entries.map(\.route.tier.name) == tiers, "\(plan.entries.map(\.route.reason))")
        #expect(abs(plan.expectedCostUsd - cost) < 1e-9)
        #expect(plan.parked.map(\.tier) == parked)
        for entry in plan.entries where parked.contains(entry.policyTier.name) {
            #expect(entry.demotedByParking)
            #expect(entry.route.reason.contains("\(entry.policyTier.name) parked until"), "\(entry.route.reason)")
        }
    }

    @Test func aPassedParkingIsIgnored() {
        let plan = Self.plan([(0.1, 10)], budget: nil, parked: ["opus"], until: Self.now.addingTimeInterval(-1))
        #expect(plan.entries.map(\.route.tier) == [.opus] && plan.parked.isEmpty && !plan.entries[0].demotedByParking)
    }

    /// (questions, budget, planned tiers, estimated cost)
    @Test(arguments: [
        // No budget: the policy's routes.
        ([(0.9, 10), (0.4, 10), (0.1, 10)], nil, ["local", "sonnet", "opus"], 0.3),
        // Enough for everything.
        ([(0.9, 10), (0.4, 10), (0.1, 10)], 0.3, ["local", "sonnet", "opus"], 0.3),
        // Exactly the opus question's cost left after sonnet: fits (one rule, ≤ left).
        ([(0.4, 10), (0.1, 10)], 0.3, ["sonnet", "opus"], 0.3),
        // Opus does not fit: demoted to sonnet, which does; the cheaper sonnet question keeps its tier.
        ([(0.4, 10), (0.1, 10)], 0.2, ["sonnet", "sonnet"], 0.2),
        // Nothing fits: answered locally.
        ([(0.4, 10), (0.1, 10)], 0.05, ["local", "local"], 0.0),
        // Gain per dollar decides, not input order: 0.5 / $0.10 (sonnet) first, then 0.75 / $0.20
        // (opus) no longer fits and is demoted to sonnet.
        ([(0.25, 10), (0.5, 10)], 0.2, ["sonnet", "sonnet"], 0.2),
        // The opus question does not fit, the sonnet one does.
        ([(0.05, 10), (0.1, 10)], 0.15, ["sonnet", "local"], 0.1),
        // Unassessed questions go to the default tier, gain 1.
        ([(nil, 10), (0.5, 10)], 0.1, ["sonnet", "local"], 0.1),
    ] as [([(Double?, Int)], Double?, [String], Double)])
    func budgetPlans(questions: [(Double?, Int)], budget: Double?, tiers: [String], cost: Double) {
        let plan = Self.plan(questions.map { (p: $0.0, tokens: $0.1) }, budget: budget)
        #expect(abs(plan.expectedCostUsd - cost) < 1e-9)
        #expect(plan.entries.map(\.route.tier.name) == tiers, "\(plan.entries.map(\.route.reason))")
        if let budget { #expect(plan.expectedCostUsd <= budget + 1e-12) }
    }

    @Test func aDemotionSaysWhyAndTheTotalsListEveryTier() {
        let plan = Self.plan([(0.1, 10)], budget: 0.15)
        #expect(plan.entries[0].route.tier == .sonnet && plan.entries[0].policyTier == .opus && plan.demotedCount == 1)
        #expect(plan.entries[0].route.reason.hasSuffix("; budget: $0.1500 left, opus needs $0.2000 → sonnet"), "\(plan.entries[0].route.reason)")
        #expect(plan.totals().map(\.tier.name) == ["local", "sonnet", "opus"])
        #expect(plan.totals().map(\.count) == [0, 1, 0])
    }

    /// The run's budget uses the same rule as the plan.
    @Test func theRunReservesByTheSameRule() {
        let budget = BatchBudget(limit: 0.3)
        #expect(budget.reserve(0.1) && budget.reserve(0.2))
        #expect(!budget.reserve(0.0001))
        budget.settle(reserved: 0.2, actual: 0.05)
        #expect(budget.reserve(0.15) && !budget.reserve(0.01))
        #expect(BatchBudget.fits(0.3, left: 0.3) && !BatchBudget.fits(0.3001, left: 0.3))
    }
}
