import Routing

/// The input format of `shared/tools/routellm_reference_metrics.py`:
/// `prompt_id,score,weak_correct,strong_correct`, one row per item, local tier as weak and the
/// top tier as strong. Used to cross-check and benchmark against the reference.
public enum ReferenceCSV {
    /// The CSV text for `dataset` scored by `scores` (escalating from tier 0 to `topTier`,
    /// default the last). Numbers are written in shortest round-trip form, so Python reads
    /// exactly the same values.
    public static func text(dataset: Dataset, scores: ScoreTable, scoresName: String, topTier: Int? = nil) throws -> String {
        let aligned = try scores.aligned(with: dataset, scoresName: scoresName)
        let top = topTier ?? dataset.tiers.count - 1
        var out = "prompt_id,score,weak_correct,strong_correct\n"
        for (item, score) in zip(dataset.items, aligned) {
            out += "\(CSVTable.field(item.id)),\(score),\(JSONText.number(item.outcomes[0])),\(JSONText.number(item.outcomes[top]))\n"
        }
        return out
    }
}
