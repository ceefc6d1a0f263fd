import Foundation
import Hummingbird
import LlamaClient

/// Writes a ``ReplyPlan`` as an Anthropic streaming response (Server-Sent Events):
///
/// `message_start` (usage: input and cache tokens), then for the text, if any,
/// `content_block_start`, `ping`, (the `think_ms` pause), `content_block_delta` (`text_delta`,
/// `chunk_chars` characters each, `chunk_delay_ms` apart) and `content_block_stop`; then for a
/// tool call `content_block_start` (`tool_use`), `content_block_delta` (`input_json_delta`) and
/// `content_block_stop`; then `message_delta` (stop reason and output tokens) and `message_stop`.
struct SSEWriter {
    let plan: ReplyPlan
    let messageID: String

    /// Thrown to make the server close the connection mid-stream (`disconnect_after_chars`).
    struct Disconnect: Error, CustomStringConvertible {
        var afterCharacters: Int
        var description: String { "closed the connection after \(afterCharacters) characters, as the script asked" }
    }

    /// One event in SSE framing.
    static func event(_ name: String, _ payload: JSONValue) -> ByteBuffer {
        var bytes = Array("event: \(name)\ndata: ".utf8)
        bytes += JSONBytes.encode(payload)
        bytes += Array("\n\n".utf8)
        return ByteBuffer(bytes: bytes)
    }

    /// Streams the whole answer; throws ``Disconnect`` when the plan asks to break off.
    func write(to writer: inout any ResponseBodyWriter) async throws {
        let usage = plan.usage
        try await writer.write(Self.event("message_start", .object([
            "type": "message_start",
            "message": .object([
                "id": .string(messageID), "type": "message", "role": "assistant", "model": .string(plan.model),
                "content": .array([]), "stop_reason": .null, "stop_sequence": .null,
                "usage": .object([
                    "input_tokens": .int(usage.inputTokens),
                    "cache_creation_input_tokens": .int(usage.cacheCreationInputTokens),
                    "cache_read_input_tokens": .int(usage.cacheReadInputTokens),
                    "output_tokens": .int(1),
                ]),
            ]),
        ])))
        var index = 0
        var sent = 0
        if !plan.text.isEmpty || plan.toolCall == nil {
            try await writer.write(Self.event("content_block_start", .object([
                "type": "content_block_start", "index": .int(index),
                "content_block": .object(["type": "text", "text": ""]),
            ])))
            try await writer.write(Self.event("ping", .object(["type": "ping"])))
            try await pause(plan.thinkMs)
            for (number, piece) in Self.chunks(plan.text, size: plan.chunkChars).enumerated() {
                var piece = piece
                if let limit = plan.disconnectAfterChars, sent + piece.count > limit {
                    piece = String(piece.prefix(limit - sent))
                }
                if number > 0 { try await pause(plan.chunkDelayMs) }
                if !piece.isEmpty {
                    try await writer.write(Self.event("content_block_delta", .object([
                        "type": "content_block_delta", "index": .int(index),
                        "delta": .object(["type": "text_delta", "text": .string(piece)]),
                    ])))
                    sent += piece.count
                }
                if let limit = plan.disconnectAfterChars, sent >= limit { throw Disconnect(afterCharacters: sent) }
            }
            if let limit = plan.disconnectAfterChars, sent >= limit { throw Disconnect(afterCharacters: sent) }
            try await writer.write(Self.event("content_block_stop", .object(["type": "content_block_stop", "index": .int(index)])))
            index += 1
        } else {
            try await writer.write(Self.event("ping", .object(["type": "ping"])))
            try await pause(plan.thinkMs)
        }
        if let tool = plan.toolCall {
            try await writer.write(Self.event("content_block_start", .object([
                "type": "content_block_start", "index": .int(index),
                "content_block": .object(["type": "tool_use", "id": .string(tool.id), "name": .string(tool.name),
                                          "input": .object([:])]),
            ])))
            let json = String(decoding: JSONBytes.encode(tool.input), as: UTF8.self)
            for (number, piece) in Self.chunks(json, size: plan.chunkChars).enumerated() {
                if number > 0 { try await pause(plan.chunkDelayMs) }
                try await writer.write(Self.event("content_block_delta", .object([
                    "type": "content_block_delta", "index": .int(index),
                    "delta": .object(["type": "input_json_delta", "partial_json": .string(piece)]),
                ])))
            }
            try await writer.write(Self.event("content_block_stop", .object(["type": "content_block_stop", "index": .int(index)])))
        }
        try await writer.write(Self.event("message_delta", .object([
            "type": "message_delta",
            "delta": .object(["stop_reason": .string(plan.stopReason), "stop_sequence": .null]),
            "usage": .object(["output_tokens": .int(usage.outputTokens)]),
        ])))
        try await writer.write(Self.event("message_stop", .object(["type": "message_stop"])))
        try await writer.finish(nil)
    }

    /// `text` cut into pieces of `size` characters (never inside a character).
    static func chunks(_ text: String, size: Int) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return pieces
    }

    private func pause(_ milliseconds: Int) async throws {
        if milliseconds > 0 { try await Task.sleep(for: .milliseconds(milliseconds)) }
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue {
    /// A whole number (JSONValue keeps numbers as `Double`; whole ones encode without a fraction).
    static func int(_ value: Int) -> JSONValue { .number(Double(value)) }
}
