import Foundation

/// A chat request from either API, reduced to what routing needs: the model name asked for,
/// the conversation's text, and whether to stream.
struct ChatRequest: Sendable, Equatable {
    struct Message: Sendable, Equatable {
        enum Role: String, Sendable { case user, assistant }
        var role: Role
        var text: String
    }

    var flavor: APIFlavor
    var model: String
    var system: String?
    var messages: [Message]
    var stream: Bool

    /// Decodes an OpenAI `POST /v1/chat/completions` body.
    static func openAI(_ body: [UInt8]) throws(ServeError) -> ChatRequest {
        let object = try Self.object(body)
        let model = try Self.model(object)
        guard let raw = object["messages"] as? [Any] else { throw .badRequest("\"messages\" must be an array of {role, content}") }
        var system: [String] = []
        var messages: [Message] = []
        for (index, item) in raw.enumerated() {
            guard let message = item as? [String: Any], let role = message["role"] as? String else {
                throw .badRequest("messages[\(index)] must be an object with a \"role\"")
            }
            let text = try Self.text(message["content"], at: "messages[\(index)].content")
            switch role {
            case "system", "developer": system.append(text)
            case "user": messages.append(Message(role: .user, text: text))
            case "assistant": messages.append(Message(role: .assistant, text: text))
            default: throw .badRequest("messages[\(index)].role \"\(role)\" is not served (use system, user or assistant)")
            }
        }
        return try ChatRequest(flavor: .openAI, model: model, system: system.isEmpty ? nil : system.joined(separator: "\n\n"),
                               messages: messages, stream: object["stream"] as? Bool ?? false).checked()
    }

    /// Decodes an Anthropic `POST /v1/messages` body.
    static func anthropic(_ body: [UInt8]) throws(ServeError) -> ChatRequest {
        let object = try Self.object(body)
        let model = try Self.model(object)
        guard let raw = object["messages"] as? [Any] else { throw .badRequest("\"messages\" must be an array of {role, content}") }
        var messages: [Message] = []
        for (index, item) in raw.enumerated() {
            guard let message = item as? [String: Any], let role = (message["role"] as? String).flatMap(Message.Role.init(rawValue:)) else {
                throw .badRequest("messages[\(index)] must be an object with role \"user\" or \"assistant\"")
            }
            messages.append(Message(role: role, text: try Self.text(message["content"], at: "messages[\(index)].content")))
        }
        let system = try object["system"].map { value throws(ServeError) in try Self.text(value, at: "system") }
        return try ChatRequest(flavor: .anthropic, model: model, system: system, messages: messages,
                               stream: object["stream"] as? Bool ?? false).checked()
    }

    /// The question routed: the last user message alone, or — when the conversation has earlier
    /// turns or a system prompt — the history folded into one prompt as context.
    var prompt: (text: String, folded: Bool) {
        let last = messages.last?.text ?? ""
        guard messages.count > 1 || system != nil else { return (last, false) }
        var parts: [String] = []
        if let system { parts.append("Instructions:\n\(system)") }
        let earlier = messages.dropLast()
        if !earlier.isEmpty {
            parts.append("Conversation so far:\n" + earlier.map { "\($0.role == .user ? "User" : "Assistant"): \($0.text)" }
                .joined(separator: "\n\n"))
        }
        parts.append("Reply to this last message:\n\(last)")
        return (parts.joined(separator: "\n\n"), true)
    }

    private func checked() throws(ServeError) -> ChatRequest {
        guard let last = messages.last else { throw .badRequest("\"messages\" is empty: send at least one user message") }
        guard last.role == .user else { throw .badRequest("the last message must be the user's (role \"user\"): it is the question") }
        guard !last.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .badRequest("the last user message has no text")
        }
        return self
    }

    private static func object(_ body: [UInt8]) throws(ServeError) -> [String: Any] {
        guard !body.isEmpty else { throw .badRequest("the request body is empty: send a JSON object") }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: Data(body)) } catch {
            throw .badRequest("the request body is not valid JSON (\(error.localizedDescription))")
        }
        guard let object = parsed as? [String: Any] else { throw .badRequest("the request body must be a JSON object") }
        return object
    }

    private static func model(_ object: [String: Any]) throws(ServeError) -> String {
        guard let model = object["model"] as? String, !model.isEmpty else {
            throw .badRequest("\"model\" is missing: use \"auto\" or a tier name (GET /v1/models lists them)")
        }
        return model
    }

    /// A message content: a string, or text parts (`{"type": "text", "text": …}`); other parts
    /// (images, tool calls) are refused by name.
    private static func text(_ value: Any?, at path: String) throws(ServeError) -> String {
        if let text = value as? String { return text }
        guard let parts = value as? [Any] else { throw .badRequest("\(path) must be a string or an array of text parts") }
        var texts: [String] = []
        for (index, item) in parts.enumerated() {
            guard let part = item as? [String: Any], let type = part["type"] as? String else {
                throw .badRequest("\(path)[\(index)] must be an object with a \"type\"")
            }
            guard type == "text", let text = part["text"] as? String else {
                throw .badRequest("\(path)[\(index)] is a \"\(type)\" part: only text is served")
            }
            texts.append(text)
        }
        return texts.joined(separator: "\n")
    }
}
