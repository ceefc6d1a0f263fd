/// Where a running batch stands: for progress bars and plain progress lines.
public struct BatchProgress: Sendable {
    public var done: Int
    public var total: Int
    /// Answers per tier that answered, by tier name.
    public var answeredByTier: [String: Int]
    public var errors: Int
    public var degraded: Int
    public var spentUsd: Double
    public var budgetUsd: Double?
    public var elapsedMs: Double

    /// Milliseconds left at the current pace; nil before the first answer.
    public var etaMs: Double? {
        guard done > 0, total > done else { return done >= total ? 0 : nil }
        return elapsedMs / Double(done) * Double(total - done)
    }
}
