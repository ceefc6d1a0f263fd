import Foundation

/// Several routers' scores on one dataset side by side: APGR, CPT(50 %) and AUROC (for "local
/// answer wrong"), each with a 95 % bootstrap interval (`escalator router compare`). APGR and CPT
/// come from ``EvaluationReport`` (exact grid, RouteLLM's formulas); AUROC is resampled here.
public struct RouterComparison: Sendable {
    public struct Row: Sendable {
        public var name: String
        public var apgr: ConfidenceInterval
        public var cpt50: ConfidenceInterval
        public var auroc: ConfidenceInterval?
    }

    public var datasetName: String
    public var items: Int
    public var localQuality: Double
    public var topQuality: Double
    public var rows: [Row]
    public var bootstrap: Bootstrap

    /// Compares `scores` (name, table) on `dataset`.
    public init(dataset: Dataset, datasetName: String, scores: [(name: String, table: ScoreTable)], bootstrap: Bootstrap = Bootstrap()) throws {
        self.datasetName = datasetName
        self.bootstrap = bootstrap
        items = dataset.items.count
        var rows: [Row] = []
        var local = 0.0, top = 0.0
        for (name, table) in scores {
            let report = try EvaluationReport(dataset: dataset, scores: table, datasetName: datasetName, scoresName: name,
                                              grid: .exact, bootstrap: bootstrap)
            local = report.localQuality
            top = report.topQuality
            let outcomes = try ScoredOutcomes(dataset: dataset, scores: table, scoresName: name)
            let labels = outcomes.localWrong
            let values = outcomes.scores
            var auroc: ConfidenceInterval?
            if ClassifierMetrics.auroc(scores: values, labels: labels) != nil {
                auroc = bootstrap.interval(count: values.count) { weights in
                    Self.weightedAUROC(scores: values, labels: labels, weights: weights) ?? .nan
                }
            }
            rows.append(Row(name: name, apgr: report.apgr, cpt50: report.cpt[1], auroc: auroc))
        }
        localQuality = local
        topQuality = top
        self.rows = rows
    }

    /// Mann-Whitney AUROC where item i counts `weights[i]` times (nil: once); mid-ranks for ties.
    public static func weightedAUROC(scores: [Double], labels: [Bool], weights: [Int]?) -> Double? {
        let w = weights ?? [Int](repeating: 1, count: scores.count)
        let order = scores.indices.filter { w[$0] > 0 }.sorted { scores[$0] < scores[$1] }
        var positives = 0.0, negatives = 0.0
        for i in order { if labels[i] { positives += Double(w[i]) } else { negatives += Double(w[i]) } }
        guard positives > 0, negatives > 0 else { return nil }
        // Σ over positives of (negatives below + half the negatives tied).
        var below = 0.0
        var total = 0.0
        var i = 0
        while i < order.count {
            var j = i
            var tiedPositive = 0.0, tiedNegative = 0.0
            while j < order.count && scores[order[j]] == scores[order[i]] {
                if labels[order[j]] { tiedPositive += Double(w[order[j]]) } else { tiedNegative += Double(w[order[j]]) }
                j += 1
            }
            total += tiedPositive * (below + tiedNegative / 2)
            below += tiedNegative
            i = j
        }
        return total / (positives * negatives)
    }

    /// A Markdown table (the README's form).
    public func markdown(reference: String? = nil) -> String {
        var out = "| router | APGR (95 % CI) | CPT(50 %) (95 % CI) | AUROC local wrong (95 % CI) |\n| --- | --- | --- | --- |\n"
        for row in rows {
            out += "| \(row.name) | \(Self.ci(row.apgr, "%.3f")) | \(Self.ci(row.cpt50, "%.1f", suffix: " %")) | \(row.auroc.map { Self.ci($0, "%.3f") } ?? "undefined") |\n"
        }
        if let reference { out += "| \(reference) | | | |\n" }
        return out
    }

    /// A plain-text table for the terminal.
    public func text() -> String {
        var out = "\(datasetName): \(items) items; local \(String(format: "%.2f", localQuality)), top \(String(format: "%.2f", topQuality)); \(bootstrap.resamples) bootstrap resamples, seed \(bootstrap.seed)\n"
        let width = max(8, rows.map(\.name.count).max() ?? 8)
        out += "router".padding(toLength: width, withPad: " ", startingAt: 0) + "  APGR [95% CI]          CPT(50%) [95% CI]        AUROC [95% CI]\n"
        for row in rows {
            out += row.name.padding(toLength: width, withPad: " ", startingAt: 0)
            out += "  " + Self.ci(row.apgr, "%.3f").padding(toLength: 22, withPad: " ", startingAt: 0)
            out += " " + Self.ci(row.cpt50, "%.1f", suffix: "%").padding(toLength: 24, withPad: " ", startingAt: 0)
            out += " " + (row.auroc.map { Self.ci($0, "%.3f") } ?? "undefined") + "\n"
        }
        return out
    }

    static func ci(_ c: ConfidenceInterval, _ format: String, suffix: String = "") -> String {
        "\(String(format: format, c.value))\(suffix) [\(String(format: format, c.lower)), \(String(format: format, c.upper))]"
    }
}
