/// Which thresholds a deferral curve is evaluated at.
public enum ThresholdGrid: String, Sendable, CaseIterable {
    /// One point per distinct score (ties move together) plus the 0 % point. Works for any
    /// scores, including discrete self-ratings.
    case exact
    /// RouteLLM's 11 decile edges (`pandas.qcut(scores, 10)`, pandas 2.x arithmetic); refused
    /// when edges repeat, where RouteLLM itself crashes.
    case deciles
}

/// The decile edges RouteLLM's evaluator sweeps, computed bit for bit as `pandas.qcut`
/// (pandas 2.x: `numpy.percentile` with linear interpolation and numpy's two-sided lerp).
public enum DecileEdges {
    /// The `bins + 1` quantile edges of `values`.
    public static func edges(of values: [Double], bins: Int = 10) -> [Double] {
        let ordered = values.sorted()
        return edges(ofSorted: ordered, bins: bins)
    }

    /// Like `edges(of:bins:)` for values already sorted ascending.
    public static func edges(ofSorted ordered: [Double], bins: Int = 10) -> [Double] {
        let n = ordered.count
        let step = 1.0 / Double(bins)
        return (0...bins).map { i in
            var q = i == bins ? 1.0 : Double(i) * step
            q = (q * 100.0) / 100.0
            let position = Double(n - 1) * q
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, n - 1)
            let gamma = position - Double(lower)
            return lerp(ordered[lower], ordered[upper], gamma)
        }
    }

    /// numpy's `_lerp`: computed from the upper end when `t >= 0.5`.
    static func lerp(_ a: Double, _ b: Double, _ t: Double) -> Double {
        let diff = b - a
        return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t
    }

    /// The edges, or an error when some repeat (RouteLLM: "Bin edges must be unique").
    public static func uniqueEdges(ofSorted ordered: [Double], bins: Int = 10) throws -> [Double] {
        let edges = edges(ofSorted: ordered, bins: bins)
        if Set(edges).count != edges.count {
            let shown = edges.map { "\($0)" }.joined(separator: ", ")
            throw EvaluationError(.undefined, "decile edges repeat [\(shown)] because many scores are tied; RouteLLM's evaluator crashes here (pandas.qcut \"Bin edges must be unique\"); use --grid exact")
        }
        return edges
    }
}
