/// The local model's self-assessment of one question: how likely it is to answer correctly,
/// with the evidence (the renormalised distribution) and what it cost.
public struct Assessment: Sendable, Codable, Equatable {
    /// The strategy that produced it (`digit-scale`, `yes-no`).
    public var strategy: String
    /// Calibrated probability that the local answer is correct, in [0, 1].
    public var pLocalCorrect: Double
    /// The strategy's score before calibration.
    public var rawScore: Double
    /// The calibration map's kind (`identity`, `platt`, `isotonic`).
    public var calibration: String
    /// The allowed answers' probabilities, summing to 1.
    public var distribution: [String: Double]
    /// Share of the reported probability that fell on allowed answers before renormalising.
    public var allowedMass: Double
    /// True when no allowed answer was among the alternatives (the sampled token was used).
    public var fellBackToSampled: Bool
    /// The token the grammar-constrained model emitted.
    public var sampledToken: String
    public var promptTokens: Int
    /// Prompt tokens reused from llama-server's cache.
    public var cachedTokens: Int
    public var generatedTokens: Int
    /// Wall time of the request as seen by escalator, and the server's own prompt/generation times.
    public var elapsedMs: Double
    public var promptMs: Double
    public var predictedMs: Double
    /// The numbers a learned strategy computed (e.g. `p_local_wrong`, `mean_logprob`,
    /// `min_logprob`, a combined router's inputs); nil for the one-token strategies.
    public var features: [String: Double]? = nil
}
