import Foundation

/// Terminal and Markdown renderings of a report.
extension EvaluationReport {
    private func fmt(_ value: Double?, _ digits: Int = 4) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return String(format: "%.\(digits)f", value)
    }

    private func interval(_ ci: ConfidenceInterval, _ digits: Int) -> String {
        guard ci.lower.isFinite, ci.upper.isFinite else { return fmt(ci.value, digits) }
        return "\(fmt(ci.value, digits)) [\(fmt(ci.lower, digits)), \(fmt(ci.upper, digits))]"
    }

    /// The rows of the summary table as (label, value) pairs.
    public func summaryRows() -> [(String, String)] {
        let level = Int((bootstrap.level * 100).rounded())
        var rows: [(String, String)] = [
            ("items", "\(itemCount)"),
            ("tiers", tierNames.joined(separator: " < ")),
            ("grid", "\(grid.rawValue) (\(curve.points.count) points)"),
            ("quality unit", qualityUnit),
            ("always-local quality", fmt(localQuality)),
            ("always-top quality", fmt(topQuality)),
            ("best-of-both (oracle) quality", fmt(bestOfBothQuality)),
            ("APGR (\(level)% CI)", interval(apgr, 4)),
        ]
        for (k, level) in Self.cptLevels.enumerated() {
            var text = interval(cpt[k], 2) + " % escalated"
            if let first = curve.cptFirstCrossing(level), abs(first - cpt[k].value) > 1e-9 {
                text += " (first crossing \(fmt(first, 2)))"
            } else if curve.cptFirstCrossing(level) == nil {
                text += " (never reached)"
            }
            rows.append(("CPT(\(Int(level * 100))%)", text))
        }
        rows.append(("AUROC (local wrong)", fmt(classifier.auroc)))
        if classifier.brier != nil {
            rows.append(("Brier / ECE (score as P(wrong))", "\(fmt(classifier.brier)) / \(fmt(classifier.ece))"))
        }
        rows.append(("random (analytic)", "APGR 0.5000, CPT(x%) = x%"))
        rows.append(("oracle", "APGR \(fmt(oracle.apgr)), CPT(50%) \(fmt(oracle.cptFirstCrossing(0.5), 2)) %, CPT(80%) \(fmt(oracle.cptFirstCrossing(0.8), 2)) %"))
        if !curve.isNonDecreasing {
            rows.append(("note", "quality dips along the curve; CPT follows numpy.interp as RouteLLM does"))
        }
        for op in operatingPoints {
            var text = "score \(op.point.rule) \(op.point.threshold): \(fmt(op.point.sharePercent, 2)) % escalated, quality \(fmt(op.point.quality)), PGR \(fmt(op.pgr, 3))"
            if let cost = op.costPer1k { text += ", $\(fmt(cost, 3))/1k" }
            if let d = op.deltaIBC { text += ", ΔIBC \(fmt(d, 1)) %" }
            rows.append(("operating point PGR≥\(Int(op.level * 100))%", text))
        }
        if let dollars {
            rows.append(("$ per 1k: local / top", "\(fmt(dollars.curve.local.costUSD * 1000, 3)) / \(fmt(dollars.curve.top.costUSD * 1000, 3))\(dollars.cascade ? " (cascade)" : "")"))
            rows.append(("AIQ router / zero-router / oracle", "\(fmt(dollars.routerAIQ)) / \(fmt(dollars.zeroRouterAIQ)) / \(fmt(dollars.oracleAIQ))"))
        }
        if let threeTier {
            rows.append(("three tiers", "\(threeTier.frontier.count) Pareto points of \(threeTier.candidateCount) threshold pairs (cost in \(threeTier.dollars ? "$/1k" : "tier-rank units"))"))
        }
        return rows
    }

    /// A plain-text table for the terminal.
    public func terminalTable() -> String {
        let rows = summaryRows()
        let width = rows.map { $0.0.count }.max() ?? 0
        var out = "\(datasetName) scored by \(strategyName)\n"
        for (label, value) in rows {
            out += label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value + "\n"
        }
        if let threeTier, !threeTier.frontier.isEmpty {
            out += "\nthree-tier Pareto frontier (lower, upper threshold -> shares, cost, quality):\n"
            for p in threeTier.frontier.prefix(15) {
                out += "  \(p.lower) / \(p.upper) -> \(p.sharePercent.map { fmt($0, 1) }.joined(separator: "/")) %, cost \(fmt(threeTier.dollars ? p.cost * 1000 : p.cost, 3)), quality \(fmt(p.quality))\n"
            }
            if threeTier.frontier.count > 15 { out += "  ... (\(threeTier.frontier.count - 15) more in --json)\n" }
        }
        return out
    }

    /// A Markdown document with the summary table and the curve.
    public func markdown() -> String {
        var out = "# Routing evaluation: \(datasetName)\n\nScores: `\(strategyName)`\n\n| metric | value |\n| --- | --- |\n"
        for (label, value) in summaryRows() {
            out += "| \(label) | \(value.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        out += "\n## Deferral curve (\(grid.rawValue) grid)\n\n| threshold | rule | escalated | share % | quality | PGR |\n| --- | --- | --- | --- | --- | --- |\n"
        let shown = curve.points.count <= 60 ? curve.points
            : stride(from: 0, to: curve.points.count, by: max(1, curve.points.count / 50)).map { curve.points[$0] } + [curve.points.last!]
        for p in shown {
            out += "| \(p.threshold) | \(p.rule) | \(p.escalated) | \(fmt(p.sharePercent, 3)) | \(fmt(p.quality)) | \(fmt(curve.pgr(p.quality))) |\n"
        }
        if curve.points.count > 60 { out += "\n(\(shown.count) of \(curve.points.count) points shown; all are in --json)\n" }
        return out
    }
}
