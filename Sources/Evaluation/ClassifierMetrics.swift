/// How well the score separates items whose local answer is wrong from the rest, and (when the
/// score is a probability) how well calibrated it is. Positive label = local answer wrong.
public struct ClassifierMetrics: Sendable, Equatable {
    /// Area under the ROC curve of the score for "local answer wrong" (ties count half);
    /// nil when all labels are equal.
    public var auroc: Double?
    /// Mean squared error of the score as P(local wrong); nil unless all scores are in [0, 1].
    public var brier: Double?
    /// Expected calibration error over `bins` equal-width bins; nil unless scores are in [0, 1].
    public var ece: Double?

    /// Computes the metrics of `scores` against `labels` (true = local wrong).
    public init(scores: [Double], labels: [Bool], bins: Int = 10) {
        auroc = Self.auroc(scores: scores, labels: labels)
        let isProbability = scores.allSatisfy { $0 >= 0 && $0 <= 1 }
        if isProbability, !scores.isEmpty {
            brier = Self.brier(scores: scores, labels: labels)
            ece = Self.ece(scores: scores, labels: labels, bins: bins)
        }
    }

    /// Mann-Whitney AUROC with mid-ranks for ties.
    public static func auroc(scores: [Double], labels: [Bool]) -> Double? {
        let positives = labels.filter { $0 }.count
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSumPositive = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let midRank = Double(i + j + 2) / 2  // ranks are 1-based
            for k in i...j where labels[order[k]] { rankSumPositive += midRank }
            i = j + 1
        }
        let p = Double(positives), q = Double(negatives)
        return (rankSumPositive - p * (p + 1) / 2) / (p * q)
    }

    /// Mean of (score - label)^2.
    public static func brier(scores: [Double], labels: [Bool]) -> Double {
        zip(scores, labels).reduce(0) { $0 + ($1.0 - ($1.1 ? 1 : 0)) * ($1.0 - ($1.1 ? 1 : 0)) } / Double(scores.count)
    }

    /// Σ_b (n_b / n) |mean score_b - positive rate_b| over equal-width bins on [0, 1]
    /// (a score of exactly 1 falls in the last bin).
    public static func ece(scores: [Double], labels: [Bool], bins: Int) -> Double {
        var count = [Int](repeating: 0, count: bins)
        var sum = [Double](repeating: 0, count: bins)
        var hits = [Double](repeating: 0, count: bins)
        for (s, l) in zip(scores, labels) {
            let b = min(Int(s * Double(bins)), bins - 1)
            count[b] += 1
            sum[b] += s
            hits[b] += l ? 1 : 0
        }
        let n = Double(scores.count)
        return (0..<bins).reduce(0) { total, b in
            guard count[b] > 0 else { return total }
            let c = Double(count[b])
            return total + c / n * abs(sum[b] / c - hits[b] / c)
        }
    }
}
