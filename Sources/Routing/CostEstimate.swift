/// A cost worked out from token counts and a tier's price, before or after answering.
///
/// Input tokens are the question's (counted by llama-server's tokenizer: close to, not the same
/// as, the remote model's); output tokens are the answer's, or an expected length when no answer
/// exists yet. The agent's own overhead (system prompt, tools) is not included: when Claude Code
/// reports `/cost` (remote.read_cost), the measured figure is recorded beside this one.
public struct CostEstimate: Sendable, Equatable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var usd: Double

    public init(inputTokens: Int, outputTokens: Int, price: TierPrice) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.usd = price.cost(inputTokens: inputTokens, outputTokens: outputTokens)
    }

    /// A token count for text when no tokenizer is reachable: about four bytes per token.
    public static func roughTokens(_ text: String) -> Int {
        text.isEmpty ? 0 : max(1, (text.utf8.count + 3) / 4)
    }
}
