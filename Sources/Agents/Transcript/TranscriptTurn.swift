import Foundation

/// One turn as the agent's own transcript records it (Claude Code's JSONL under
/// `~/.claude/projects/<cwd slug>/<session>.jsonl`): every API request the turn made, with its
/// model and usage, the final answer text, and whether the turn is complete on disk.
///
/// Checked on 2.1.332: the user line of a typed prompt carries `promptId` (the same id as the
/// UserPromptSubmit and Stop hooks); each `assistant` line carries `message.id`, `message.model`,
/// `message.usage` and, from the real API, `requestId`; one request can write several lines
/// (one per content block), so requests are told apart by `requestId`, else by `message.id`,
/// and the last line of each wins; error rows have the model `<synthetic>` and no usage; a
/// `system` line of subtype `turn_duration` closes the turn. Everything else (attachments,
/// modes, snapshots, new record types) is skipped, so a schema addition loses nothing here.
public struct TranscriptTurn: Sendable, Equatable {
    /// One API request of the turn.
    public struct Request: Sendable, Equatable {
        /// `requestId`, else `message.id`.
        public var id: String
        public var model: String
        public var usage: TokenUsage

        public init(id: String, model: String, usage: TokenUsage) {
            self.id = id
            self.model = model
            self.usage = usage
        }
    }

    public var requests: [Request]
    /// The text of the turn's last assistant message (its text blocks, joined).
    public var finalText: String?
    /// The agent's version, as each line records it (`2.1.332`).
    public var agentVersion: String?
    /// True when the turn is closed on disk: its `turn_duration` line is there, or its last
    /// message ended with a final stop reason.
    public var isComplete: Bool

    /// Usage summed per model.
    public var usageByModel: [String: TokenUsage] {
        requests.reduce(into: [:]) { $0[$1.model, default: TokenUsage()] = $0[$1.model, default: TokenUsage()] + $1.usage }
    }

    /// The turn of `promptID` (else the last prompt whose text holds `prompt`) in `jsonl`, or nil
    /// when no such prompt is in it. Lines that are not JSON objects (a partly written last line)
    /// are skipped.
    public init?(jsonl: String, promptID: String?, prompt: String?) {
        let lines = jsonl.split(separator: "\n").compactMap { line -> [String: Any]? in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
        func isPrompt(_ line: [String: Any]) -> Bool {
            guard line["type"] as? String == "user", line["isMeta"] as? Bool != true else { return false }
            if let promptID, let id = line["promptId"] as? String { return id == promptID && Self.text(of: line) != nil }
            guard let prompt, let text = Self.text(of: line) else { return false }
            return text == prompt || text.contains(prompt)
        }
        guard let start = lines.lastIndex(where: isPrompt) else { return nil }
        var order: [String] = []
        var latest: [String: [String: Any]] = [:]
        var texts: [String: [String]] = [:]
        var complete = false
        var version = lines[start]["version"] as? String
        scan: for line in lines[(start + 1)...] {
            if let v = line["version"] as? String { version = v }
            switch line["type"] as? String {
            case "user":
                // A new typed prompt ends this turn (tool results are user lines too: not prompts).
                if Self.text(of: line) != nil, line["promptId"] != nil, line["isMeta"] as? Bool != true,
                   (line["promptId"] as? String) != (lines[start]["promptId"] as? String) {
                    break scan
                }
            case "system":
                if line["subtype"] as? String == "turn_duration" { complete = true }
            case "assistant":
                guard let message = line["message"] as? [String: Any] else { continue }
                let id = (line["requestId"] as? String) ?? (message["id"] as? String) ?? "line-\(order.count)"
                if latest[id] == nil { order.append(id) }
                latest[id] = line
                for case let block as [String: Any] in message["content"] as? [Any] ?? []
                where block["type"] as? String == "text" {
                    if let text = block["text"] as? String { texts[id, default: []].append(text) }
                }
            default:
                break
            }
        }
        requests = order.compactMap { id in
            guard let message = latest[id]?["message"] as? [String: Any], let model = message["model"] as? String,
                  model != "<synthetic>" else { return nil }
            return Request(id: id, model: model, usage: TokenUsage(usage: message["usage"] as? [String: Any] ?? [:]))
        }
        if let last = order.last {
            finalText = texts[last].map { Self.joined($0) }
            let stop = (latest[last]?["message"] as? [String: Any])?["stop_reason"] as? String
            if let stop, ["end_turn", "stop_sequence", "max_tokens", "refusal"].contains(stop) { complete = true }
        } else {
            finalText = nil
        }
        agentVersion = version
        isComplete = complete
    }

    /// A user line's prompt text: its string content, or its text blocks (nil for tool results).
    static func text(of line: [String: Any]) -> String? {
        guard let message = line["message"] as? [String: Any] else { return nil }
        if let content = message["content"] as? String { return content }
        let blocks = (message["content"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        let texts = blocks.filter { $0["type"] as? String == "text" }.compactMap { $0["text"] as? String }
        return texts.isEmpty ? nil : texts.joined(separator: "\n")
    }

    /// Text blocks of one message: repeated lines of the same block (a request re-written as it
    /// streams) collapse to the last of them.
    static func joined(_ texts: [String]) -> String {
        var kept: [String] = []
        for text in texts {
            if let last = kept.last, text.hasPrefix(last) { kept[kept.count - 1] = text } else { kept.append(text) }
        }
        return kept.joined(separator: "\n\n")
    }
}
