/// What a tuned threshold should achieve on the train split.
public enum TuningTarget: Sendable, Equatable, CustomStringConvertible {
    /// Escalate at most this fraction of questions (0...1); budget-targeted, as RouteLLM's
    /// calibration (the (1 - rate) quantile of the scores).
    case rate(Double)
    /// Recover at least this fraction of the local-to-top quality gap (PGR, e.g. 0.8) with the
    /// fewest escalations.
    case quality(Double)
    /// Spend at most this many dollars per 1,000 questions.
    case budget(usdPer1k: Double)

    public var description: String {
        switch self {
        case let .rate(r): "escalation rate <= \(r)"
        case let .quality(q): "PGR >= \(q)"
        case let .budget(b): "cost <= $\(b) per 1k questions"
        }
    }
}
