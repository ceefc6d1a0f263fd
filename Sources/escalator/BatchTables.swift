import Foundation
import Routing

/// The plan and summary tables `escalator batch` prints.
enum BatchTables {
    /// The plan as `--dry-run --json` prints it.
    struct PlanJSON: Encodable {
        struct Tier: Encodable { var tier: String; var questions: Int; var expectedCostUsd: Double }
        var tiers: [Tier]
        var questions: Int
        var expectedCostUsd: Double
        var budgetUsd: Double?
        var demotedByBudget: Int
        /// Questions routed around a parked tier, and the parkings in force.
        var demotedByParking: Int
        var parked: [TierParking]

        init(_ plan: BatchPlan) {
            tiers = plan.totals().map { Tier(tier: $0.tier.name, questions: $0.count, expectedCostUsd: $0.expectedCostUsd) }
            questions = plan.entries.count
            expectedCostUsd = plan.expectedCostUsd
            budgetUsd = plan.budgetUsd
            demotedByBudget = plan.demotedCount
            demotedByParking = plan.entries.filter(\.demotedByParking).count
            parked = plan.parked
        }
    }

    static func plan(_ plan: BatchPlan) -> String {
        let totals = plan.totals()
        let rows = totals.map { [$0.tier.name, "\($0.count)", String(format: "%.4f", $0.expectedCostUsd)] }
            + [["total", "\(plan.entries.count)", String(format: "%.4f", plan.expectedCostUsd)]]
        var lines = ["plan (estimated):", TextTable.render(header: ["tier", "questions", "est. cost $"], rows: rows, rightAligned: [1, 2])]
        if let budget = plan.budgetUsd {
            lines.append(String(format: "budget $%.4f: estimated spend $%.4f; ", budget, plan.expectedCostUsd)
                         + "\(plan.demotedCount) question\(plan.demotedCount == 1 ? "" : "s") kept from a dearer tier by the budget")
        }
        let now = Date()
        for parking in plan.parked {
            let moved = plan.entries.filter { $0.demotedByParking && $0.policyTier.name == parking.tier }.count
            lines.append("\(parking.skipReason(now: now)): \(moved) question\(moved == 1 ? "" : "s") planned on a cheaper tier")
        }
        return lines.joined(separator: "\n")
    }

    static func summary(_ s: BatchSummary, output: String) -> String {
        func ms(_ v: Double?) -> String { v.map { String(format: "%.0f", $0) } ?? "-" }
        let rows = s.tiers.map { [$0.tier, "\($0.answered)", "\($0.degraded)", String(format: "%.4f", $0.costUsd),
                                  ms($0.latencyP50Ms), ms($0.latencyP90Ms)] }
        var lines = ["", TextTable.render(header: ["tier", "answered", "degraded", "cost $", "p50 ms", "p90 ms"], rows: rows,
                                          rightAligned: Set(1...5))]
        var total = "\(s.answered) answered, \(s.errors) failed, \(s.degraded) degraded"
        if s.skippedAlreadyAnswered > 0 { total += ", \(s.skippedAlreadyAnswered) already answered before" }
        total += String(format: "; cost $%.4f", s.costUsd)
        if let budget = s.budgetUsd { total += String(format: " of $%.4f budget", budget) }
        total += String(format: "; %.1f s, %.1f answers/min", s.wallMs / 1000, s.perMinute) + " → \(output)"
        lines.append(total)
        return lines.joined(separator: "\n")
    }
}
