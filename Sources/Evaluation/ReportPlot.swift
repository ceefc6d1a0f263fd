import Foundation

/// An SVG figure of a report: quality against escalation share (router, random, oracle) and,
/// when costs are known, quality against dollars per 1,000 questions.
public struct ReportPlot: Sendable {
    private struct Series {
        var name: String
        var color: String
        var dashed: Bool
        var points: [(Double, Double)]
    }

    private let report: EvaluationReport
    private let panelWidth = 460.0, panelHeight = 340.0
    private let margin = (left: 64.0, right: 16.0, top: 36.0, bottom: 52.0)

    /// Creates the plot of `report`.
    public init(report: EvaluationReport) { self.report = report }

    /// The SVG document.
    public func svg() -> String {
        var panels: [String] = []
        let share = [
            Series(name: "router", color: "#1f77b4", dashed: false, points: report.curve.points.map { ($0.sharePercent, $0.quality) }),
            Series(name: "random", color: "#7f7f7f", dashed: true, points: [(0, report.localQuality), (100, report.topQuality)]),
            Series(name: "oracle", color: "#2ca02c", dashed: true, points: report.oracle.points.map { ($0.sharePercent, $0.quality) }),
        ]
        panels.append(panel(title: "Quality vs escalation share", xLabel: "escalated to \(report.tierNames.last ?? "top") (%)",
                            series: share, xRange: 0...100, offsetX: 0))
        if let dollars = report.dollars {
            let hull = DollarCurve.nonDecreasingHull(dollars.curve.tiers)
            var money = [
                Series(name: "router", color: "#1f77b4", dashed: false, points: dollars.curve.points.map { ($0.costUSD * 1000, $0.quality) }),
                Series(name: "single tiers (hull)", color: "#7f7f7f", dashed: true, points: hull.map { ($0.costUSD * 1000, $0.quality) }),
                Series(name: "oracle", color: "#2ca02c", dashed: true, points: dollars.oracleCurve.points.map { ($0.costUSD * 1000, $0.quality) }),
            ]
            if let frontier = report.threeTier?.frontier, report.threeTier?.dollars == true {
                money.append(Series(name: "three tiers (Pareto)", color: "#d62728", dashed: false,
                                    points: frontier.map { ($0.cost * 1000, $0.quality) }))
            }
            let xs = money.flatMap { $0.points.map(\.0) }
            panels.append(panel(title: "Quality vs cost", xLabel: "US$ per 1,000 questions", series: money,
                                xRange: (xs.min() ?? 0)...max((xs.max() ?? 1), (xs.min() ?? 0) + 1e-9), offsetX: panelWidth))
        }
        let width = panelWidth * Double(panels.count)
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(panelHeight))" viewBox="0 0 \(Int(width)) \(Int(panelHeight))" font-family="sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>
        \(panels.joined(separator: "\n"))
        </svg>

        """
    }

    private func panel(title: String, xLabel: String, series: [Series], xRange: ClosedRange<Double>, offsetX: Double) -> String {
        let ys = series.flatMap { $0.points.map(\.1) }
        var yLow = ys.min() ?? 0, yHigh = ys.max() ?? 1
        if yHigh - yLow < 1e-12 { yLow -= 1; yHigh += 1 }
        let pad = (yHigh - yLow) * 0.05
        yLow -= pad; yHigh += pad
        let plotW = panelWidth - margin.left - margin.right, plotH = panelHeight - margin.top - margin.bottom
        func x(_ v: Double) -> Double { offsetX + margin.left + (v - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotW }
        func y(_ v: Double) -> Double { margin.top + (yHigh - v) / (yHigh - yLow) * plotH }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        var out = "<g>\n"
        out += "<text x=\"\(f(offsetX + panelWidth / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"13\">\(escape(title))</text>\n"
        out += "<rect x=\"\(f(x(xRange.lowerBound)))\" y=\"\(f(margin.top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"black\"/>\n"
        for k in 0...5 {
            let xv = xRange.lowerBound + (xRange.upperBound - xRange.lowerBound) * Double(k) / 5
            let yv = yLow + (yHigh - yLow) * Double(k) / 5
            out += "<line x1=\"\(f(x(xv)))\" y1=\"\(f(margin.top + plotH))\" x2=\"\(f(x(xv)))\" y2=\"\(f(margin.top + plotH + 4))\" stroke=\"black\"/>"
            out += "<text x=\"\(f(x(xv)))\" y=\"\(f(margin.top + plotH + 16))\" text-anchor=\"middle\">\(tick(xv))</text>\n"
            out += "<line x1=\"\(f(x(xRange.lowerBound) - 4))\" y1=\"\(f(y(yv)))\" x2=\"\(f(x(xRange.lowerBound)))\" y2=\"\(f(y(yv)))\" stroke=\"black\"/>"
            out += "<text x=\"\(f(x(xRange.lowerBound) - 6))\" y=\"\(f(y(yv) + 4))\" text-anchor=\"end\">\(tick(yv))</text>\n"
        }
        out += "<text x=\"\(f(offsetX + margin.left + plotW / 2))\" y=\"\(f(panelHeight - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        out += "<text transform=\"translate(\(f(offsetX + 14)),\(f(margin.top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">quality (\(report.qualityUnit))</text>\n"
        for s in series where !s.points.isEmpty {
            let step = max(1, s.points.count / 800)
            var shown = stride(from: 0, to: s.points.count, by: step).map { s.points[$0] }
            if let last = s.points.last, step > 1 { shown.append(last) }
            let coords = shown.map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.8\"\(s.dashed ? " stroke-dasharray=\"5,4\"" : "") points=\"\(coords)\"/>\n"
        }
        for (k, s) in series.enumerated() {
            let ly = margin.top + plotH - 12 - Double(series.count - 1 - k) * 15
            let lx = x(xRange.lowerBound) + plotW - 150
            out += "<line x1=\"\(f(lx))\" y1=\"\(f(ly))\" x2=\"\(f(lx + 22))\" y2=\"\(f(ly))\" stroke=\"\(s.color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"5,4\"" : "")/>"
            out += "<text x=\"\(f(lx + 28))\" y=\"\(f(ly + 4))\">\(escape(s.name))</text>\n"
        }
        return out + "</g>"
    }

    private func tick(_ v: Double) -> String {
        let magnitude = abs(v)
        if magnitude >= 100 || v == v.rounded() { return String(format: "%.0f", v) }
        if magnitude >= 1 { return String(format: "%.1f", v) }
        return String(format: "%.3g", v)
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
