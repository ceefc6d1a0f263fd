/// A routing decision: the tier chosen and why, in words and numbers.
public struct Route: Sendable, Codable, Equatable {
    public var tier: Tier
    /// E.g. "pLocalCorrect 0.41 < local_min 0.60 → sonnet".
    public var reason: String
    /// The calibrated P(local correct) the decision used, if the question was assessed.
    public var score: Double?
    public var thresholds: Thresholds

    public init(tier: Tier, reason: String, score: Double?, thresholds: Thresholds) {
        self.tier = tier
        self.reason = reason
        self.score = score
        self.thresholds = thresholds
    }
}
