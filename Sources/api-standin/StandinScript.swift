import Foundation
import LlamaClient

/// What the stand-in answers, read from the `--script` JSON file.
///
/// ```json
/// {"default": {"reply": "OK"},
///  "rules": [{"match": "substring", "regex": "optional regex", "model": "optional exact model id",
///             "reply": "text, may contain {{echo}} (the last user text) and {{model}}",
///             "think_ms": 0, "chunk_chars": 40, "chunk_delay_ms": 0,
///             "status": 529, "error_type": "overloaded_error", "error_message": "Overloaded", "retry_after_s": 2,
///             "times": 3,
///             "tool_use": {"name": "Bash", "input": {"command": "touch x", "description": "…"}},
///             "after_tool_reply": "Done.",
///             "disconnect_after_chars": 10,
///             "usage": {"input_tokens": 12, "output_tokens": 34,
///                       "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0}}]}
/// ```
///
/// Every key is optional. Rules are tried in order against the request's last user text
/// (`match`: substring, `regex`: `NSRegularExpression`) and model (`model`: exact); a rule
/// matches when all the conditions it gives hold, and the first match answers. `times` limits a
/// rule to its first N matching requests, after which requests fall through to later rules and
/// then to `default` (whose conditions and `times` are ignored). The counters start again
/// whenever the file is re-read. `status` answers with that HTTP error in Anthropic's error
/// shape (plus `retry-after` when `retry_after_s` is given). `tool_use` answers with a tool_use
/// block (stop reason `tool_use`, after the `reply` text if there is one); the request that
/// carries its `tool_result` is answered with `after_tool_reply` (default "Done.") using the same
/// rule's pacing. `disconnect_after_chars` closes the connection after that many characters of
/// streamed text. `usage` replaces the estimated token counts. A missing file means
/// `{"default": {"reply": "OK"}}`.
struct StandinScript: Sendable, Decodable, Equatable {
    var defaultRule: Rule
    var rules: [Rule]

    static let builtIn = StandinScript(defaultRule: Rule(reply: "OK"), rules: [])

    init(defaultRule: Rule, rules: [Rule]) {
        self.defaultRule = defaultRule
        self.rules = rules
    }

    private enum CodingKeys: String, CodingKey {
        case defaultRule = "default", rules
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        defaultRule = try container.decodeIfPresent(Rule.self, forKey: .defaultRule) ?? Rule(reply: "OK")
        rules = try container.decodeIfPresent([Rule].self, forKey: .rules) ?? []
    }

    /// One way of answering, and (for rules) when it applies. See ``StandinScript``.
    struct Rule: Sendable, Decodable, Equatable {
        var match: String?
        var regex: String?
        var model: String?
        var reply: String?
        var thinkMs: Int?
        var chunkChars: Int?
        var chunkDelayMs: Int?
        var status: Int?
        var errorType: String?
        var errorMessage: String?
        var retryAfterS: Int?
        var times: Int?
        var toolUse: ToolUse?
        var afterToolReply: String?
        var disconnectAfterChars: Int?
        var usage: Usage?

        init(reply: String) { self.reply = reply }

        private enum CodingKeys: String, CodingKey {
            case match, regex, model, reply, status, times, usage
            case thinkMs = "think_ms", chunkChars = "chunk_chars", chunkDelayMs = "chunk_delay_ms"
            case errorType = "error_type", errorMessage = "error_message", retryAfterS = "retry_after_s"
            case toolUse = "tool_use", afterToolReply = "after_tool_reply"
            case disconnectAfterChars = "disconnect_after_chars"
        }
    }

    /// The tool call a rule answers with.
    struct ToolUse: Sendable, Decodable, Equatable {
        var name: String
        var input: JSONValue?
    }
}

/// Token counts as the Anthropic API reports them.
struct Usage: Sendable, Codable, Equatable {
    var inputTokens: Int
    var outputTokens: Int
    var cacheReadInputTokens: Int
    var cacheCreationInputTokens: Int

    init(inputTokens: Int, outputTokens: Int, cacheReadInputTokens: Int = 0, cacheCreationInputTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
    }

    private enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", outputTokens = "output_tokens"
        case cacheReadInputTokens = "cache_read_input_tokens", cacheCreationInputTokens = "cache_creation_input_tokens"
    }

    /// Missing fields are 0, so a script may give only some of them.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputTokens = try c.decodeIfPresent(Int.self, forKey: .inputTokens) ?? 0
        outputTokens = try c.decodeIfPresent(Int.self, forKey: .outputTokens) ?? 0
        cacheReadInputTokens = try c.decodeIfPresent(Int.self, forKey: .cacheReadInputTokens) ?? 0
        cacheCreationInputTokens = try c.decodeIfPresent(Int.self, forKey: .cacheCreationInputTokens) ?? 0
    }

    /// The stand-in's estimate: a token per 4 UTF-8 bytes, rounded up, at least 1.
    static func estimate(bytes: Int) -> Int { max(1, (bytes + 3) / 4) }
}
