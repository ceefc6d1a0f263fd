/// One message of a `/v1/chat/completions` conversation.
public struct ChatMessage: Sendable, Codable, Equatable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A `/v1/chat/completions` request (always streamed by the client).
public struct ChatRequest: Sendable, Encodable {
    public var messages: [ChatMessage]
    public var maxTokens: Int?
    public var temperature: Double?
    public var seed: Int?
    public var cachePrompt: Bool?
    public var idSlot: Int?
    var stream = true

    public init(messages: [ChatMessage], maxTokens: Int? = nil, temperature: Double? = nil, seed: Int? = nil,
                cachePrompt: Bool? = true, idSlot: Int? = nil) {
        self.messages = messages
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.seed = seed
        self.cachePrompt = cachePrompt
        self.idSlot = idSlot
    }

    enum CodingKeys: String, CodingKey {
        case messages, temperature, seed, stream
        case maxTokens = "max_tokens", cachePrompt = "cache_prompt", idSlot = "id_slot"
    }
}

/// One `chat.completion.chunk` of a streamed chat answer.
struct ChatChunk: Decodable {
    struct Choice: Decodable {
        struct Delta: Decodable { var content: String? }
        var delta: Delta?
        var finishReason: String?
        enum CodingKeys: String, CodingKey { case delta, finishReason = "finish_reason" }
    }
    var choices: [Choice]
}
