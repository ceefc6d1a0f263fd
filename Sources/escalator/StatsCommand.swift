import ArgumentParser
import Foundation
import Routing

/// `escalator stats`: per-tier numbers from the ledger.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarise the ledger: per tier, count, share, cost and latency; degraded and failed questions; outcomes.",
        discussion: """
        For each tier: the questions it answered (count, share of all answered), how many the policy \
        routed to it, how many it answered only because another tier failed (degraded), their cost \
        (measured where known, else estimated) in total and per question, and the median and 90th \
        percentile of total milliseconds. Then the totals, and the outcomes given with `escalator \
        feedback` (accuracy over correct/wrong verdicts, mean score). Last, each tier parked after a \
        usage limit: "parked until" the reset time in the zone the agent named and in this machine's, \
        and why; questions skip it until then (clear one by hand with `escalator unpark TIER`).

        Examples:
          escalator stats
          escalator stats --json | jq '.tiers[] | {tier, share}'
          escalator stats --ledger /srv/escalator/ledger.sqlite
        """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var ledgerOptions: LedgerOptions
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func run() async throws {
        let context = try options.context()
        try await CLIErrors.translating {
            let stats = try ledgerOptions.open(context).stats(tiers: context.settings.tiers.tiers)
            if json {
                print(String(decoding: try LedgerJSON.encoder().encode(stats), as: UTF8.self))
            } else {
                print(Self.text(stats))
                for line in Self.parkedLines(stats.parked, now: Date()) { print(line) }
            }
        }
    }

    /// `opus parked until Dec 5 22:00 America/New_York (Dec 6 03:00 here, UTC) (usage limit)`,
    /// one line per parked tier; none when no tier is parked.
    static func parkedLines(_ parked: [TierParking], now: Date) -> [String] {
        parked.map { "\($0.tier) \($0.untilText(now: now))" }
    }

    static func text(_ s: LedgerStats) -> String {
        func ms(_ v: Double?) -> String { v.map { String(format: "%.0f", $0) } ?? "-" }
        let rows = s.tiers.map { t in
            [t.tier, "\(t.count)", String(format: "%.1f%%", t.share * 100), "\(t.routed)", "\(t.degraded)",
             String(format: "%.4f", t.costUsd), String(format: "%.4f", t.meanCostUsd), ms(t.latencyP50Ms), ms(t.latencyP90Ms)]
        }
        var lines = [TextTable.render(header: ["tier", "count", "share", "routed", "degraded", "cost $", "mean $", "p50 ms", "p90 ms"],
                                      rows: rows, rightAligned: Set(1...8))]
        lines.append("")
        lines.append("\(s.questions) question\(s.questions == 1 ? "" : "s"): \(s.answered) answered, \(s.failed) failed, \(s.degraded) degraded; cost $"
                     + String(format: "%.4f", s.costUsd))
        let o = s.outcomes
        var outcome = "outcomes: \(o.count) judged"
        if o.correct + o.wrong > 0 {
            outcome += ", \(o.correct) correct, \(o.wrong) wrong (accuracy " + String(format: "%.1f%%", (o.accuracy ?? 0) * 100) + ")"
        }
        if let mean = o.meanScore { outcome += ", \(o.scored) scored (mean " + String(format: "%.2f", mean) + ")" }
        lines.append(outcome + (o.count == 0 ? " (record them with `escalator feedback ID --correct|--wrong|--score X`)" : ""))
        return lines.joined(separator: "\n")
    }
}
