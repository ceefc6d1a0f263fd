/// One operating point of a deferral curve: escalate items whose score passes `threshold`.
public struct CurvePoint: Sendable, Equatable {
    /// The score threshold.
    public var threshold: Double
    /// True when the rule is `score > threshold` (the 0 % point), else `score >= threshold`.
    public var strict: Bool
    /// Number of escalated items (weighted count in bootstrap resamples).
    public var escalated: Int
    /// Percentage of items escalated (RouteLLM's `strong_percentage`).
    public var sharePercent: Double
    /// Reported quality of the routed answers (percent for 0/1 outcomes, else raw mean).
    public var quality: Double

    /// The rule as text, `>=` or `>`.
    public var rule: String { strict ? ">" : ">=" }
}
