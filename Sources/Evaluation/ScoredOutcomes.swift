/// The per-item inputs of the two-tier metrics, aligned by item: the router's score and the
/// quality the local (first) and top (last, or chosen) tier achieved. Higher score = escalate.
public struct ScoredOutcomes: Sendable {
    /// The escalation score per item.
    public var scores: [Double]
    /// The local tier's quality per item.
    public var local: [Double]
    /// The escalation target tier's quality per item.
    public var top: [Double]
    /// Factor from mean quality to reported quality (100 for 0/1 outcomes, as RouteLLM reports
    /// accuracy in percent; 1 otherwise).
    public var qualityScale: Double

    /// Creates aligned outcomes; all arrays must have the same non-zero length and scores must
    /// be finite.
    public init(scores: [Double], local: [Double], top: [Double], qualityScale: Double? = nil) throws {
        guard !scores.isEmpty else {
            throw EvaluationError(.mismatch, "no items to evaluate; pass a dataset with at least one item")
        }
        guard scores.count == local.count, local.count == top.count else {
            throw EvaluationError(.mismatch, "scores (\(scores.count)) and outcomes (\(local.count), \(top.count)) differ in length; score the same dataset")
        }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw EvaluationError(.mismatch, "score of item \(bad + 1) is not finite; write a number for every item")
        }
        self.scores = scores
        self.local = local
        self.top = top
        let binary = local.allSatisfy { $0 == 0 || $0 == 1 } && top.allSatisfy { $0 == 0 || $0 == 1 }
        self.qualityScale = qualityScale ?? (binary ? 100 : 1)
    }

    /// The scores from `table` aligned with `dataset`, between its first tier and `topTier`
    /// (default: the last tier).
    public init(dataset: Dataset, scores table: ScoreTable, scoresName: String, topTier: Int? = nil) throws {
        let top = topTier ?? dataset.tiers.count - 1
        try self.init(scores: try table.aligned(with: dataset, scoresName: scoresName),
                      local: dataset.items.map { $0.outcomes[0] },
                      top: dataset.items.map { $0.outcomes[top] }, qualityScale: dataset.qualityScale)
    }

    /// Number of items.
    public var count: Int { scores.count }

    /// Reported quality when no item is escalated.
    public var localQuality: Double { local.reduce(0, +) / Double(count) * qualityScale }
    /// Reported quality when every item is escalated.
    public var topQuality: Double { top.reduce(0, +) / Double(count) * qualityScale }
    /// Reported quality of the per-item best of both tiers (the oracle ceiling).
    public var bestOfBothQuality: Double {
        zip(local, top).reduce(0) { $0 + max($1.0, $1.1) } / Double(count) * qualityScale
    }

    /// The realised gain of escalating each item (top minus local); the oracle's score.
    public var gains: [Double] { zip(local, top).map { $1 - $0 } }

    /// The same outcomes with different scores (e.g. the oracle's gains).
    public func rescored(_ newScores: [Double]) -> ScoredOutcomes {
        var copy = self
        copy.scores = newScores
        return copy
    }

    /// Whether the local answer is "wrong" for each item: outcome 0 for 0/1 data, else worse
    /// than the top tier. This is the label AUROC, Brier and ECE score the score against.
    public var localWrong: [Bool] {
        if qualityScale == 100 { return local.map { $0 == 0 } }
        return zip(local, top).map { $0 < $1 }
    }
}
