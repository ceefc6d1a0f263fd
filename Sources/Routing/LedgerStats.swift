import Foundation

/// What the ledger says about routing so far: per tier, how many questions it answered, their
/// share, cost and latency; how many were degraded or failed; and how the judged ones went.
public struct LedgerStats: Sendable, Codable, Equatable {
    /// One tier's numbers. Latency is the question's total time (assessment + answer).
    public struct TierStats: Sendable, Codable, Equatable {
        public var tier: String
        /// Questions this tier answered.
        public var count: Int
        /// `count` over all answered questions (0 when none were answered).
        public var share: Double
        /// Questions the policy sent to this tier (they may have been answered elsewhere).
        public var routed: Int
        /// Answered here although the policy wanted another tier.
        public var degraded: Int
        /// Cost of this tier's answers: measured where known, else estimated.
        public var costUsd: Double
        public var meanCostUsd: Double
        /// Median and 90th percentile of total milliseconds (linear interpolation, as numpy's
        /// default); nil when no answer here has a time.
        public var latencyP50Ms: Double?
        public var latencyP90Ms: Double?
    }

    /// Outcomes filled in by `escalator feedback` or the eval harness.
    public struct Outcomes: Sendable, Codable, Equatable {
        /// Questions with any outcome.
        public var count: Int
        public var correct: Int
        public var wrong: Int
        /// `correct / (correct + wrong)`; nil without verdicts.
        public var accuracy: Double?
        /// Questions with a score, and their mean.
        public var scored: Int
        public var meanScore: Double?
    }

    /// Every recorded question, answered or not.
    public var questions: Int
    public var answered: Int
    /// Questions recorded with an error.
    public var failed: Int
    public var degraded: Int
    public var costUsd: Double
    /// The configured tiers (always), then any other tier seen.
    public var tiers: [TierStats]
    public var outcomes: Outcomes
    /// Tiers parked after a usage limit (``TierParking``), passed ones included until the tier
    /// answers again.
    public var parked: [TierParking] = []

    public init(records: [LedgerRecord], tiers configured: [Tier]) {
        questions = records.count
        let answeredRecords = records.filter { $0.tierUsed != nil }
        answered = answeredRecords.count
        failed = records.filter { $0.error != nil }.count
        degraded = records.filter(\.degraded).count
        costUsd = answeredRecords.reduce(0) { $0 + $1.costUsd }
        var seen = configured.sorted()
        for tier in records.flatMap({ [$0.tierUsed, $0.route?.tier].compactMap { $0 } }) where !seen.contains(where: { $0.name == tier.name }) {
            seen.append(tier)
        }
        let total = answeredRecords.count
        tiers = seen.map { tier in
            let here = answeredRecords.filter { $0.tierUsed?.name == tier.name }
            let cost = here.reduce(0) { $0 + $1.costUsd }
            let latencies = here.compactMap(\.timingsMs.total).sorted()
            return TierStats(
                tier: tier.name, count: here.count, share: total == 0 ? 0 : Double(here.count) / Double(total),
                routed: records.filter { $0.route?.tier.name == tier.name }.count,
                degraded: here.filter(\.degraded).count,
                costUsd: cost, meanCostUsd: here.isEmpty ? 0 : cost / Double(here.count),
                latencyP50Ms: Self.percentile(latencies, 0.5), latencyP90Ms: Self.percentile(latencies, 0.9))
        }
        let judged = records.compactMap(\.outcome)
        let correct = judged.filter { $0.correct == true }.count
        let wrong = judged.filter { $0.correct == false }.count
        let scores = judged.compactMap(\.score)
        outcomes = Outcomes(count: judged.count, correct: correct, wrong: wrong,
                            accuracy: correct + wrong == 0 ? nil : Double(correct) / Double(correct + wrong),
                            scored: scores.count,
                            meanScore: scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count))
    }

    /// The `q` quantile of ascending `sorted` values by linear interpolation between closest
    /// ranks (numpy's default); nil for no values.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * q
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
