import Foundation
import Routing

/// Turns the ledger's judged questions into a dataset and scores, so thresholds can be tuned on
/// a user's own traffic (`escalator eval from-ledger`).
///
/// Only questions answered **locally** tell whether the local model was right, so only they are
/// exported. Their outcome is the feedback (`--correct`/`--wrong` as 1/0, or `--score`); the top
/// tier's outcome is not observed and is taken as `topOutcome` (1 by default: an escalated answer
/// is assumed right). The score is 1 − the raw (uncalibrated) pLocalCorrect, so `tune` can fit
/// the calibration too.
public struct LedgerExport: Sendable {
    public var dataset: Dataset
    public var scores: ScoreTable
    /// Judged questions that were not answered locally (their local outcome is unknown).
    public var skippedEscalated: Int
    /// Judged local questions without a self-assessment (asked with `--tier local`).
    public var skippedUnassessed: Int

    public init(records: [LedgerRecord], topOutcome: Double = 1, topTier: String = "opus") throws {
        var items: [DatasetItem] = []
        var pairs: [(String, Double)] = []
        var escalated = 0, unassessed = 0
        for record in records {
            guard let outcome = record.outcome, let value = outcome.score ?? outcome.correct.map({ $0 ? 1 : 0 }) else { continue }
            guard record.tierUsed == .local else { escalated += 1; continue }
            guard let assessment = record.assessment else { unassessed += 1; continue }
            items.append(DatasetItem(id: record.id, question: record.question, category: "ledger",
                                     outcomes: [value, topOutcome]))
            pairs.append((record.id, 1 - assessment.rawScore))
        }
        guard !items.isEmpty else {
            throw EvaluationError(.undefined, "the ledger has no judged local answers (\(escalated) judged escalated, \(unassessed) judged unassessed) — give feedback with `escalator feedback ID --correct|--wrong` on locally answered questions first")
        }
        dataset = try Dataset(tiers: [DatasetTier(name: "local"), DatasetTier(name: topTier)], items: items, source: "ledger")
        scores = ScoreTable(pairs)
        skippedEscalated = escalated
        skippedUnassessed = unassessed
    }
}
