/// The tuned values the router needs: the escalation threshold on the raw score and, for
/// probability scores, the calibration map. `tomlFragment()` renders them for the config.
public struct ThresholdSettings: Sendable, Equatable {
    /// Escalate when the raw score is >= this value (or > it when `strict`).
    public var escalateAt: Double
    /// True when the rule is `score > escalateAt` (the "escalate nothing" point).
    public var strict: Bool
    /// The calibration map fitted on the train split, if any.
    public var calibration: CalibrationMap?
    /// The strategy whose scores were tuned (e.g. `verbal-1to5`), for the reader.
    public var strategy: String?

    /// Creates settings.
    public init(escalateAt: Double, strict: Bool = false, calibration: CalibrationMap? = nil, strategy: String? = nil) {
        self.escalateAt = escalateAt
        self.strict = strict
        self.calibration = calibration
        self.strategy = strategy
    }

    /// The `[thresholds]` and `[calibration]` TOML tables holding these values. A strict rule
    /// is written as the next representable value up, so readers only need `score >= escalate_at`.
    public func tomlFragment() -> String {
        var out = "[thresholds]\n"
        if let strategy { out += "strategy = \(tomlString(strategy))\n" }
        out += "# escalate when the raw score is >= escalate_at\n"
        let threshold = strict ? escalateAt.nextUp : escalateAt
        out += "escalate_at = \(tomlNumber(threshold))\n"
        if let calibration {
            out += "# the same threshold as a calibrated probability that the local answer is wrong\n"
            out += "escalate_at_p_wrong = \(tomlNumber(calibration.apply(threshold)))\n"
        }
        out += "\n[calibration]\n"
        switch calibration {
        case nil:
            out += "method = \"none\"\n"
        case let .platt(a, b)?:
            out += "method = \"platt\"\n# p_wrong = 1 / (1 + exp(-(a * score + b)))\n"
            out += "a = \(tomlNumber(a))\nb = \(tomlNumber(b))\n"
        case let .isotonic(x, y)?:
            out += "method = \"isotonic\"\n# p_wrong interpolated linearly between (x, y), flat beyond the ends\n"
            out += "x = [\(x.map(tomlNumber).joined(separator: ", "))]\n"
            out += "y = [\(y.map(tomlNumber).joined(separator: ", "))]\n"
        }
        return out
    }

    private func tomlNumber(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value.isNaN { return "nan" }
        let text = "\(value)"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    private func tomlString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
