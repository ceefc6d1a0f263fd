import LlamaClient

/// A ``ReplyPlan`` as a non-streaming Messages API answer (`"type": "message"`).
enum MessagesResponse {
    static func body(_ plan: ReplyPlan, messageID: String) -> [UInt8] {
        var content: [JSONValue] = []
        if !plan.text.isEmpty || plan.toolCall == nil {
            content.append(.object(["type": "text", "text": .string(plan.text)]))
        }
        if let tool = plan.toolCall {
            content.append(.object(["type": "tool_use", "id": .string(tool.id), "name": .string(tool.name), "input": tool.input]))
        }
        let usage = plan.usage
        return JSONBytes.encode(JSONValue.object([
            "id": .string(messageID), "type": "message", "role": "assistant", "model": .string(plan.model),
            "content": .array(content), "stop_reason": .string(plan.stopReason), "stop_sequence": .null,
            "usage": .object([
                "input_tokens": .int(usage.inputTokens),
                "cache_creation_input_tokens": .int(usage.cacheCreationInputTokens),
                "cache_read_input_tokens": .int(usage.cacheReadInputTokens),
                "output_tokens": .int(usage.outputTokens),
            ]),
        ]))
    }
}
