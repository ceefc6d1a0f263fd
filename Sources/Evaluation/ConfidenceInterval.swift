/// A point estimate with a percentile bootstrap interval.
public struct ConfidenceInterval: Sendable, Equatable {
    /// The value on the full sample.
    public var value: Double
    /// Lower percentile bound.
    public var lower: Double
    /// Upper percentile bound.
    public var upper: Double

    /// Creates an interval.
    public init(value: Double, lower: Double, upper: Double) {
        self.value = value
        self.lower = lower
        self.upper = upper
    }

    /// Percentile interval of `samples` at `level` (e.g. 0.95) around `value`; NaN samples
    /// (undefined resamples) are ignored.
    public init(value: Double, samples: [Double], level: Double) {
        let sorted = samples.filter { !$0.isNaN }.sorted()
        self.value = value
        guard !sorted.isEmpty else {
            lower = .nan
            upper = .nan
            return
        }
        let alpha = (1 - level) / 2
        func at(_ q: Double) -> Double {
            let position = q * Double(sorted.count - 1)
            let lo = Int(position.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - Double(lo))
        }
        lower = at(alpha)
        upper = at(1 - alpha)
    }
}
