import Foundation
import LlamaClient

/// Which part of the script answered a request, as the log records it: a rule's index, or
/// `default`, `tool-followup`, `count_tokens`, `passthrough`, `not_found`, `bad_request`, `script_error`.
enum RuleTag: Sendable, Equatable, Encodable {
    case index(Int)
    case named(String)

    static let defaultRule = RuleTag.named("default")
    static let toolFollowup = RuleTag.named("tool-followup")
    static let countTokens = RuleTag.named("count_tokens")
    static let passthrough = RuleTag.named("passthrough")

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .index(let i): try c.encode(i)
        case .named(let name): try c.encode(name)
        }
    }
}

/// An HTTP error answer in Anthropic's shape.
struct APIErrorReply: Sendable, Equatable {
    var status: Int
    var type: String
    var message: String
    var retryAfterSeconds: Int?

    /// The error `type` Anthropic uses for `status`, for rules that give only a status.
    static func defaultType(for status: Int) -> String {
        switch status {
        case 400: "invalid_request_error"
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 529: "overloaded_error"
        default: "api_error"
        }
    }

    /// `{"type":"error","error":{"type":…,"message":…}}`
    var body: [UInt8] {
        let object: JSONValue = .object(["type": .string("error"),
                                         "error": .object(["type": .string(type), "message": .string(message)])])
        return JSONBytes.encode(object)
    }
}

/// A tool call the stand-in makes.
struct ToolCall: Sendable, Equatable {
    var id: String
    var name: String
    var input: JSONValue
}

/// Everything needed to answer one scripted `/v1/messages` request.
struct ReplyPlan: Sendable {
    var rule: RuleTag
    var model: String
    var text: String
    var toolCall: ToolCall?
    var thinkMs: Int
    var chunkChars: Int
    var chunkDelayMs: Int
    var disconnectAfterChars: Int?
    var usage: Usage
    var failure: APIErrorReply?

    /// The plan for `rule`, with its templates filled from `request`.
    init(rule: StandinScript.Rule, tag: RuleTag, request: MessagesRequest, text template: String?,
         toolCallID: String?) {
        self.rule = tag
        model = request.model ?? "claude-standin"
        text = ReplyTemplate.fill(template ?? "", echo: request.lastUserText ?? "", model: model)
        if let tool = rule.toolUse, let toolCallID {
            toolCall = ToolCall(id: toolCallID, name: tool.name, input: tool.input ?? .object([:]))
        }
        thinkMs = max(0, rule.thinkMs ?? 0)
        chunkChars = max(1, rule.chunkChars ?? 40)
        chunkDelayMs = max(0, rule.chunkDelayMs ?? 0)
        disconnectAfterChars = rule.disconnectAfterChars.map { max(0, $0) }
        let outputBytes = text.utf8.count + (toolCall.map { JSONBytes.encode($0.input).count + $0.name.utf8.count } ?? 0)
        usage = rule.usage ?? Usage(inputTokens: Usage.estimate(bytes: request.messageTextBytes),
                                    outputTokens: Usage.estimate(bytes: outputBytes))
        if let status = rule.status {
            failure = APIErrorReply(status: status, type: rule.errorType ?? APIErrorReply.defaultType(for: status),
                                    message: rule.errorMessage ?? "Error \(status) from the api-standin script",
                                    retryAfterSeconds: rule.retryAfterS)
        }
    }

    /// The stop reason the answer ends with.
    var stopReason: String { toolCall == nil ? "end_turn" : "tool_use" }
}

/// `{{echo}}` and `{{model}}` in reply texts.
enum ReplyTemplate {
    /// Replaces `{{echo}}` with `echo` and `{{model}}` with `model` in one pass, so text that
    /// comes in through `echo` is never itself scanned for placeholders.
    static func fill(_ template: String, echo: String, model: String) -> String {
        template.components(separatedBy: "{{echo}}")
            .map { $0.replacingOccurrences(of: "{{model}}", with: model) }
            .joined(separator: echo)
    }
}

/// JSON encoding used for every body and log line: no escaped slashes, stable key order.
enum JSONBytes {
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every value encoded here is built from strings, numbers and JSONValue: it cannot fail.
        return (try? Array(encoder.encode(value))) ?? Array("null".utf8)
    }
}
