/// The answer to `POST /completion` (or the final event of its stream).
public struct CompletionResponse: Sendable, Decodable {
    public var content: String
    public var tokensPredicted: Int?
    public var tokensEvaluated: Int?
    public var stopType: String?
    public var idSlot: Int?
    public var timings: Timings?
    /// One entry per generated token when `nProbs` was set.
    public var completionProbabilities: [TokenProbabilities]?

    enum CodingKeys: String, CodingKey {
        case content, timings
        case tokensPredicted = "tokens_predicted", tokensEvaluated = "tokens_evaluated"
        case stopType = "stop_type", idSlot = "id_slot"
        case completionProbabilities = "completion_probabilities"
    }

    /// The server's own timing of the request.
    public struct Timings: Sendable, Decodable {
        /// Prompt tokens reused from the slot's cache.
        public var cacheN: Int?
        public var promptN: Int?
        public var promptMs: Double?
        public var predictedN: Int?
        public var predictedMs: Double?

        enum CodingKeys: String, CodingKey {
            case cacheN = "cache_n", promptN = "prompt_n", promptMs = "prompt_ms"
            case predictedN = "predicted_n", predictedMs = "predicted_ms"
        }
    }
}

/// The generated token and its most likely alternatives, as natural-log probabilities from the
/// full-vocabulary softmax (before grammar and samplers, so renormalise over allowed tokens).
public struct TokenProbabilities: Sendable, Decodable {
    public var id: Int?
    public var token: String
    public var logprob: Double
    public var topLogprobs: [Alternative]

    public struct Alternative: Sendable, Decodable, Equatable {
        public var id: Int?
        public var token: String
        public var logprob: Double

        public init(id: Int? = nil, token: String, logprob: Double) {
            self.id = id
            self.token = token
            self.logprob = logprob
        }
    }

    public init(id: Int? = nil, token: String, logprob: Double, topLogprobs: [Alternative]) {
        self.id = id
        self.token = token
        self.logprob = logprob
        self.topLogprobs = topLogprobs
    }

    enum CodingKeys: String, CodingKey {
        case id, token, logprob
        case topLogprobs = "top_logprobs"
    }
}

/// One chunk of a streamed `/completion`.
struct CompletionChunk: Decodable {
    var content: String?
    var stop: Bool?
}
