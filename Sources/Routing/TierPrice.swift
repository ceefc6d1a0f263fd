/// What a tier charges, in US dollars per million input and output tokens.
public struct TierPrice: Sendable, Equatable, Codable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double

    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    /// The cost of a question of `inputTokens` answered in `outputTokens`.
    public func cost(inputTokens: Int, outputTokens: Int) -> Double {
        (Double(inputTokens) * inputPerMillion + Double(outputTokens) * outputPerMillion) / 1_000_000
    }

    /// The prices a tier gets when its table gives none, by model alias (or `local`). Sonnet and
    /// Opus: Anthropic's list prices as of 2025-11 (Claude Sonnet 4.5 $3 / $15, Claude Opus 4.5
    /// $5 / $25), escalator's defaults since then; Haiku and Fable: what Claude Code 2.1.332's
    /// model picker shows (Haiku 5.5 $0.10 / $0.50, Fable 5.2 $8 / $40).
    public static let builtIn: [String: TierPrice] = [
        Tier.localName: TierPrice(inputPerMillion: 0, outputPerMillion: 0),
        "haiku": TierPrice(inputPerMillion: 0.10, outputPerMillion: 0.50),
        "sonnet": TierPrice(inputPerMillion: 3, outputPerMillion: 15),
        "opus": TierPrice(inputPerMillion: 5, outputPerMillion: 25),
        "fable": TierPrice(inputPerMillion: 8, outputPerMillion: 40),
    ]
}
