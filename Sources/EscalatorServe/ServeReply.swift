import Foundation
import Routing

/// How a request's conversation reached the tier: one message (`single`), its history folded
/// into one prompt (`folded`), or as a follow-up in the agent session that answered it before,
/// which keeps its context (`continued`).
enum ConversationMode: String, Sendable {
    case single, folded, continued
}

/// The bodies and stream events of an answer in each API's shapes, each carrying an
/// `escalator` object with the decision: tier, reason, p_local_correct, cost, degraded.
enum ServeReply {
    /// What happened, as the `escalator` object and the `x-escalator-*` headers say it.
    static func decision(_ answer: RoutedAnswer, conversation: ConversationMode) -> [String: Any] {
        var object: [String: Any] = [
            "id": answer.id, "tier": answer.tierUsed.name, "routed_tier": answer.route.tier.name, "reason": answer.route.reason,
            "cost_usd": answer.costUsd, "cost_estimated_usd": answer.costEstimatedUsd, "degraded": answer.degraded,
            "conversation": conversation.rawValue,
        ]
        object["p_local_correct"] = answer.route.score ?? NSNull()
        object["cost_measured_usd"] = answer.costMeasuredUsd ?? NSNull()
        object["degraded_reason"] = answer.degradedReason ?? NSNull()
        if let agent = answer.agent { object["answer_source"] = agent.answerSource }
        object["timings_ms"] = ["assess": answer.timingsMs.assess, "answer": answer.timingsMs.answer, "total": answer.timingsMs.total]
        return object
    }

    /// The headers known once the policy decided (a stream sends these ahead of the answer).
    static func routeHeaders(_ route: Route, conversation: ConversationMode) -> [(String, String)] {
        [("x-escalator-tier", route.tier.name), ("x-escalator-reason", headerSafe(route.reason)),
         ("x-escalator-p-local-correct", route.score.map { String(format: "%.4f", $0) } ?? "none"),
         ("x-escalator-conversation", conversation.rawValue)]
    }

    /// The headers of a finished answer.
    static func answerHeaders(_ answer: RoutedAnswer, conversation: ConversationMode) -> [(String, String)] {
        var headers = routeHeaders(answer.route, conversation: conversation)
        headers[0] = ("x-escalator-tier", answer.tierUsed.name)
        headers += [("x-escalator-cost-usd", String(format: "%.8f", answer.costUsd)),
                    ("x-escalator-degraded", answer.degraded ? "true" : "false"),
                    ("x-escalator-id", answer.id)]
        if let reason = answer.degradedReason { headers.append(("x-escalator-degraded-reason", headerSafe(reason))) }
        return headers
    }

    /// A header value: printable ASCII on one line (non-ASCII escaped as \u{…}).
    static func headerSafe(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "\\u{\(String($0.value, radix: 16))}" }
            .joined().prefix(1_000))
    }

    static func created() -> Int { Int(Date().timeIntervalSince1970) }

    // MARK: OpenAI

    static func openAIBody(_ answer: RoutedAnswer, conversation: ConversationMode) -> [UInt8] {
        ServeJSON.bytes([
            "id": "chatcmpl-\(answer.id)", "object": "chat.completion", "created": created(), "model": answer.tierUsed.name,
            "choices": [["index": 0, "message": ["role": "assistant", "content": answer.answer], "finish_reason": "stop"] as [String: Any]],
            "usage": openAIUsage(answer), "escalator": decision(answer, conversation: conversation),
        ] as [String: Any])
    }

    static func openAIUsage(_ answer: RoutedAnswer) -> [String: Int] {
        let prompt = answer.questionTokens ?? 0, completion = answer.answerTokens ?? 0
        return ["prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion]
    }

    static func openAIChunk(id: String, model: String, delta: [String: Any], finish: String?, extra: [String: Any] = [:]) -> [UInt8] {
        var object: [String: Any] = ["id": "chatcmpl-\(id)", "object": "chat.completion.chunk", "created": created(), "model": model,
                                     "choices": [["index": 0, "delta": delta, "finish_reason": finish ?? NSNull()] as [String: Any]]]
        object.merge(extra) { _, new in new }
        return Array("data: ".utf8) + ServeJSON.bytes(object) + Array("\n\n".utf8)
    }

    static let openAIDone = Array("data: [DONE]\n\n".utf8)

    // MARK: Anthropic

    static func anthropicBody(_ answer: RoutedAnswer, conversation: ConversationMode) -> [UInt8] {
        ServeJSON.bytes([
            "id": "msg_\(answer.id)", "type": "message", "role": "assistant", "model": answer.tierUsed.name,
            "content": [["type": "text", "text": answer.answer]], "stop_reason": "end_turn", "stop_sequence": NSNull(),
            "usage": ["input_tokens": answer.questionTokens ?? 0, "output_tokens": answer.answerTokens ?? 0],
            "escalator": decision(answer, conversation: conversation),
        ] as [String: Any])
    }

    static func event(_ name: String, _ object: [String: Any]) -> [UInt8] {
        Array("event: \(name)\ndata: ".utf8) + ServeJSON.bytes(object) + Array("\n\n".utf8)
    }
}
