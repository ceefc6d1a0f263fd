import Foundation
import LlamaClient

/// The parts of an Anthropic Messages request (`POST /v1/messages` or `/count_tokens`) that the
/// stand-in reads. Everything else in the body (system, tools, thinking, metadata, ...) is ignored.
struct MessagesRequest: Sendable, Decodable {
    var model: String?
    var stream: Bool
    var maxTokens: Int?
    var messages: [Message]

    private enum CodingKeys: String, CodingKey {
        case model, stream, messages
        case maxTokens = "max_tokens"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        stream = try c.decodeIfPresent(Bool.self, forKey: .stream) ?? false
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens)
        messages = try c.decodeIfPresent([Message].self, forKey: .messages) ?? []
    }

    /// Decodes a request body; a body that is not a JSON object of this shape is a ``BadRequest``.
    static func decode(_ body: [UInt8]) throws(BadRequest) -> MessagesRequest {
        do {
            return try JSONDecoder().decode(MessagesRequest.self, from: Data(body))
        } catch let error as DecodingError {
            throw BadRequest(message: "request body is not a valid Messages request: \(BadRequest.describe(error))")
        } catch {
            throw BadRequest(message: "request body is not valid JSON: \(error)")
        }
    }

    /// One conversation entry. The CLI sends roles `user`, `assistant` and also `system`.
    struct Message: Sendable, Decodable {
        var role: String
        var blocks: [Block]
        /// True when `content` was a plain string (kept so a reduced request can say so too).
        var contentWasString: Bool

        private enum CodingKeys: String, CodingKey { case role, content }

        init(role: String, blocks: [Block]) {
            self.role = role
            self.blocks = blocks
            contentWasString = false
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            role = try c.decode(String.self, forKey: .role)
            if let text = try? c.decode(String.self, forKey: .content) {
                blocks = [Block(type: "text", text: text)]
                contentWasString = true
            } else {
                blocks = try c.decodeIfPresent([Block].self, forKey: .content) ?? []
                contentWasString = false
            }
        }
    }

    /// One content block. Only text, tool_result (its id and any text inside) and tool_use ids are read.
    struct Block: Sendable, Decodable {
        var type: String
        var text: String?
        var toolUseID: String?
        /// The text inside a tool_result's `content` (a string or text blocks), joined.
        var resultText: String?
        /// A tool_result's `is_error` (Claude Code sets it when the user refused the tool).
        var isError = false

        private enum CodingKeys: String, CodingKey {
            case type, text, content
            case toolUseID = "tool_use_id", isError = "is_error"
        }

        init(type: String, text: String?) {
            self.type = type
            self.text = text
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decode(String.self, forKey: .type)
            text = try c.decodeIfPresent(String.self, forKey: .text)
            toolUseID = try c.decodeIfPresent(String.self, forKey: .toolUseID)
            isError = (try? c.decodeIfPresent(Bool.self, forKey: .isError)) ?? false
            switch try c.decodeIfPresent(JSONValue.self, forKey: .content) {
            case .string(let s): resultText = s
            case .array(let items):
                resultText = items.compactMap { item -> String? in
                    if case .object(let fields) = item, case .string(let s) = fields["text"] { return s }
                    return nil
                }.joined(separator: "\n")
            default: resultText = nil
            }
        }
    }

    // MARK: What rules and the log look at

    /// The last message whose role is `user`.
    var lastUserMessage: Message? { messages.last { $0.role == "user" } }

    /// All text blocks of the last user message, in order.
    var userTexts: [String] {
        lastUserMessage?.blocks.compactMap { $0.type == "text" ? $0.text : nil } ?? []
    }

    /// The prompt the user typed: the last text block of the last user message.
    var lastUserText: String? { userTexts.last }

    /// The ids of the tool_result blocks in the last user message.
    var toolResultIDs: [String] {
        lastUserMessage?.blocks.compactMap { $0.type == "tool_result" ? ($0.toolUseID ?? "") : nil } ?? []
    }

    /// The ids of the tool_result blocks in the last user message that report an error (a refused tool).
    var failedToolResultIDs: Set<String> {
        Set(lastUserMessage?.blocks.compactMap { $0.type == "tool_result" && $0.isError ? ($0.toolUseID ?? "") : nil } ?? [])
    }

    /// UTF-8 bytes of all message text (text blocks and the text inside tool results).
    var messageTextBytes: Int {
        messages.reduce(0) { sum, message in
            message.blocks.reduce(sum) { $0 + ($1.text?.utf8.count ?? 0) + ($1.resultText?.utf8.count ?? 0) }
        }
    }
}

/// A request the stand-in cannot read; answered 400 `invalid_request_error`.
struct BadRequest: Error, CustomStringConvertible {
    var message: String
    var description: String { message }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let c): return c.underlyingError.map { "\($0)" } ?? c.debugDescription
        case .keyNotFound(let key, let c): return "missing \(path(c.codingPath + [key]))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}
