import Foundation

/// Tokens one API request (or a sum of them) used, as Anthropic's Messages API reports them in
/// `usage`: uncached input, output, input read from the prompt cache, and input written to it
/// (5-minute and 1-hour cache writes are priced apart).
public struct TokenUsage: Sendable, Equatable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheReadTokens: Int
    /// Input written to the 5-minute cache (and any cache write the report does not break down).
    public var cacheWrite5mTokens: Int
    /// Input written to the 1-hour cache.
    public var cacheWrite1hTokens: Int

    public init(inputTokens: Int = 0, outputTokens: Int = 0, cacheReadTokens: Int = 0, cacheWrite5mTokens: Int = 0,
                cacheWrite1hTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheWrite5mTokens = cacheWrite5mTokens
        self.cacheWrite1hTokens = cacheWrite1hTokens
    }

    /// All input written to the cache.
    public var cacheWriteTokens: Int { cacheWrite5mTokens + cacheWrite1hTokens }

    /// The prompt's whole size: what a long-prompt price threshold is compared with.
    public var promptTokens: Int { inputTokens + cacheReadTokens + cacheWriteTokens }

    public static func + (a: TokenUsage, b: TokenUsage) -> TokenUsage {
        TokenUsage(inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens,
                   cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
                   cacheWrite5mTokens: a.cacheWrite5mTokens + b.cacheWrite5mTokens,
                   cacheWrite1hTokens: a.cacheWrite1hTokens + b.cacheWrite1hTokens)
    }

    /// Reads a `usage` object: `input_tokens`, `output_tokens`, `cache_read_input_tokens`,
    /// `cache_creation_input_tokens` and its `cache_creation.ephemeral_5m/1h_input_tokens`
    /// breakdown (a write not broken down counts as a 5-minute one).
    init(usage object: [String: Any]) {
        func int(_ value: Any?) -> Int { (value as? NSNumber)?.intValue ?? 0 }
        let write = int(object["cache_creation_input_tokens"])
        let breakdown = object["cache_creation"] as? [String: Any] ?? [:]
        let oneHour = min(write, int(breakdown["ephemeral_1h_input_tokens"]))
        self.init(inputTokens: int(object["input_tokens"]), outputTokens: int(object["output_tokens"]),
                  cacheReadTokens: int(object["cache_read_input_tokens"]), cacheWrite5mTokens: write - oneHour,
                  cacheWrite1hTokens: oneHour)
    }
}
