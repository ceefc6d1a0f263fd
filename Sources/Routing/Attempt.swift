/// One try at answering a question on a tier: which tier, how long it took, and why it failed
/// (nil when it answered). A routed answer keeps them all, so a fallback is never silent.
public struct Attempt: Sendable, Codable, Equatable {
    public var tier: Tier
    /// Why this tier did not answer; nil for the attempt that answered.
    public var error: String?
    /// Milliseconds spent (0 for a tier skipped without trying).
    public var ms: Double

    public init(tier: Tier, error: String?, ms: Double) {
        self.tier = tier
        self.error = error
        self.ms = ms
    }
}
