import Foundation

/// The text `escalator tune` prints for a tuning result.
public struct TuningReport: Sendable {
    /// The result to render.
    public var result: ThresholdTuner.Result

    /// Creates the renderer.
    public init(result: ThresholdTuner.Result) { self.result = result }

    private func fmt(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "n/a"
    }

    private func ci(_ c: ConfidenceInterval, _ digits: Int) -> String {
        guard c.lower.isFinite, c.upper.isFinite else { return fmt(c.value, digits) }
        return "\(fmt(c.value, digits)) [\(fmt(c.lower, digits)), \(fmt(c.upper, digits))]"
    }

    /// The report text.
    public func text() -> String {
        let s = result.settings
        var out = "target: \(result.target)\n"
        out += "threshold: escalate when score \(s.strict ? ">" : ">=") \(s.escalateAt)\n"
        switch s.calibration {
        case let .platt(a, b)?: out += "calibration: platt a=\(a) b=\(b)\n"
        case let .isotonic(x, _)?: out += "calibration: isotonic (\(x.count) steps)\n"
        case nil: out += "calibration: none\n"
        }
        for (name, split) in [("train", result.train), ("test", result.test)] {
            out += "\(name) (\(split.count) items): escalation rate \(ci(split.rate, 4)), quality \(ci(split.quality, 4)), PGR \(ci(split.pgr, 4))"
            if let cost = split.costPer1k { out += ", $/1k \(ci(cost, 4))" }
            out += "\n"
        }
        if let check = result.calibrationCheck {
            out += "test calibration: Brier \(fmt(check.brierRaw, 4)) -> \(fmt(check.brierCalibrated, 4)), ECE \(fmt(check.eceRaw, 4)) -> \(fmt(check.eceCalibrated, 4))\n"
        }
        return out
    }
}
