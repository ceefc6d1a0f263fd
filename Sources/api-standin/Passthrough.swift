import Foundation
import LlamaClient

/// `--passthrough URL`: answers `/v1/messages` requests that no rule matched by forwarding a
/// reduced request to `URL/v1/messages` (llama-server speaks the Anthropic Messages API).
///
/// The reduction keeps only the conversation's plain text: the text blocks of `user` and
/// `assistant` messages, without Claude Code's `<system-reminder>` and local-command blocks
/// (`<local-command-…>`, `<command-name>`, `<command-message>`, `<command-args>`), and without
/// the system prompt (one line of its own instead) and tools, which would overflow a small
/// model's context. Consecutive
/// messages of one role are merged, the conversation starts with a user turn, and
/// `max_tokens` is capped at ``maxTokens``.
struct Passthrough: Sendable {
    let baseURL: String
    /// The most tokens asked of the upstream per answer.
    let maxTokens: Int
    static let defaultMaxTokens = 512

    init(baseURL: String, maxTokens: Int = Passthrough.defaultMaxTokens) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.maxTokens = maxTokens
    }

    var messagesURL: String { baseURL + "/v1/messages" }

    /// Text blocks starting with one of these are Claude Code's own annotations, not conversation.
    static let droppedPrefixes = ["<system-reminder>", "<local-command", "<command-name>", "<command-message>",
                                  "<command-args>"]

    /// The reduced request body sent upstream.
    func reducedBody(_ request: MessagesRequest) -> [UInt8] {
        var turns: [(role: String, texts: [String])] = []
        for message in request.messages where message.role == "user" || message.role == "assistant" {
            let texts = message.blocks.compactMap { block -> String? in
                guard block.type == "text", let text = block.text else { return nil }
                let start = text.drop { $0.isWhitespace }
                if Self.droppedPrefixes.contains(where: { start.hasPrefix($0) }) { return nil }
                return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : text
            }
            guard !texts.isEmpty else { continue }
            if turns.last?.role == message.role { turns[turns.count - 1].texts += texts }
            else { turns.append((message.role, texts)) }
        }
        while turns.first?.role == "assistant" { turns.removeFirst() }
        if turns.isEmpty { turns = [("user", [request.lastUserText ?? ""])] }
        let messages: [JSONValue] = turns.map {
            .object(["role": .string($0.role), "content": .string($0.texts.joined(separator: "\n\n"))])
        }
        var body: [String: JSONValue] = [
            "messages": .array(messages),
            "max_tokens": .int(min(request.maxTokens ?? maxTokens, maxTokens)),
            "stream": .bool(request.stream),
        ]
        if let model = request.model { body["model"] = .string(model) }
        // A small model rambles on in chat-template tokens it should have stopped at.
        body["stop_sequences"] = .array(Self.stopSequences.map(JSONValue.string))
        // Claude Code's own system prompt is dropped (it would overflow a small model); one line
        // in its place keeps the model answering rather than continuing the question.
        body["system"] = .string(Self.systemPrompt)
        return JSONBytes.encode(JSONValue.object(body))
    }

    static let systemPrompt = "You are a helpful assistant. Answer the user's question directly and briefly."
    static let stopSequences = ["<|im_end|>", "<|im_start|>", "<end_of_turn>", "<start_of_turn>"]
}

/// Relays the upstream's bytes, turning `"stop_reason":"max_tokens"` into `"end_turn"`: an
/// answer cut at ``Passthrough/maxTokens`` ends the turn instead of making Claude Code ask the
/// model to resume (three more requests) and then report "response exceeded the output token
/// maximum". A match split across chunks is found by holding back a pattern's length of bytes.
struct StopReasonRewriter {
    static let pattern = Array(#""stop_reason":"max_tokens""#.utf8)
    static let replacement = Array(#""stop_reason":"end_turn""#.utf8)
    private var held: [UInt8] = []

    /// The bytes that can be sent now.
    mutating func feed(_ bytes: [UInt8]) -> [UInt8] {
        var data = held + bytes
        var start = 0
        var out: [UInt8] = []
        while let match = Self.find(Self.pattern, in: data, from: start) {
            out += data[start..<match] + Self.replacement
            start = match + Self.pattern.count
        }
        data = Array(data[start...])
        let keep = min(data.count, Self.pattern.count - 1)
        held = Array(data.suffix(keep))
        return out + data.dropLast(keep)
    }

    /// What is still held back, at the end of the body.
    mutating func finish() -> [UInt8] {
        defer { held = [] }
        return held
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count - from >= needle.count else { return nil }
        for index in from...(haystack.count - needle.count) where haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }
}

/// Reads the usage an upstream reported, from its SSE stream (`message_start` and
/// `message_delta`) or from a JSON body, without changing the bytes relayed to the client.
struct UsageSniffer {
    private let streaming: Bool
    private var parser = ServerSentEventParser()
    private var json: [UInt8] = []
    private(set) var usage: Usage?

    init(streaming: Bool) { self.streaming = streaming }

    mutating func feed(_ bytes: [UInt8]) {
        if streaming {
            for event in parser.feed(bytes) { read(event) }
        } else if json.count < 16 << 20 {
            json += bytes
        }
    }

    /// Call at the end of the body.
    mutating func finish() {
        if streaming {
            if let last = parser.finish() { read(last) }
        } else if let object = try? JSONDecoder().decode(JSONValue.self, from: Data(json)),
                  case .object(let fields) = object, let reported = fields["usage"] {
            merge(reported)
        }
    }

    private mutating func read(_ event: ServerSentEvent) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(event.data.utf8)),
              case .object(let fields) = value else { return }
        if case .object(let message) = fields["message"], let reported = message["usage"] { merge(reported) }
        if fields["type"] == .string("message_delta"), let reported = fields["usage"] { merge(reported) }
    }

    private mutating func merge(_ reported: JSONValue) {
        guard case .object(let fields) = reported else { return }
        var merged = usage ?? Usage(inputTokens: 0, outputTokens: 0)
        func number(_ key: String) -> Int? {
            if case .number(let n) = fields[key] { return Int(n) }
            return nil
        }
        if let n = number("input_tokens") { merged.inputTokens = n }
        if let n = number("output_tokens") { merged.outputTokens = n }
        if let n = number("cache_read_input_tokens") { merged.cacheReadInputTokens = n }
        if let n = number("cache_creation_input_tokens") { merged.cacheCreationInputTokens = n }
        usage = merged
    }
}
