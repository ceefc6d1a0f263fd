import Foundation
import LlamaClient

/// The probability of each allowed answer of a one-token self-assessment, renormalised over the
/// allowed answers. llama-server reports probabilities from the full-vocabulary softmax before
/// the grammar applies, so disallowed tokens take mass that must be removed.
public struct AllowedTokenDistribution: Sendable, Equatable, Codable {
    /// Allowed label → probability; the values sum to 1.
    public var probabilities: [String: Double]
    /// The share of the raw probability that fell on allowed tokens before renormalising
    /// (low values mean the model wanted to say something else).
    public var allowedMass: Double
    /// True when no allowed token was among the reported alternatives and the distribution
    /// falls back to the token the grammar made the model emit.
    public var fellBackToSampled: Bool

    /// Builds the distribution from one generated token's alternatives. `label` maps a token's
    /// text to the allowed label it counts for (e.g. " Yes" and "yes" both to "yes"), or nil.
    public init(token: TokenProbabilities, labels: [String], label: (String) -> String?) {
        var mass: [String: Double] = [:]
        var total = 0.0
        var seen = Set<Int>()
        for alternative in token.topLogprobs {
            if let id = alternative.id, !seen.insert(id).inserted { continue }
            let p = exp(alternative.logprob)
            total += p
            guard p.isFinite, let l = label(alternative.token) else { continue }
            mass[l, default: 0] += p
        }
        let allowed = mass.values.reduce(0, +)
        if allowed > 0 {
            probabilities = Dictionary(uniqueKeysWithValues: labels.map { ($0, (mass[$0] ?? 0) / allowed) })
            allowedMass = allowed / total  // allowed ⊆ total, and allowed > 0 here
            fellBackToSampled = false
        } else {
            let sampled = label(token.token)
            probabilities = Dictionary(uniqueKeysWithValues: labels.map { ($0, $0 == sampled ? 1.0 : 0.0) })
            if sampled == nil, let first = labels.first { probabilities[first] = 1 }
            allowedMass = 0
            fellBackToSampled = true
        }
    }

    public init(probabilities: [String: Double], allowedMass: Double, fellBackToSampled: Bool) {
        self.probabilities = probabilities
        self.allowedMass = allowedMass
        self.fellBackToSampled = fellBackToSampled
    }
}
