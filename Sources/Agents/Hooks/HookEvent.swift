import Foundation

/// One event an agent's hook reported (Claude Code's hook input JSON), reduced to what the
/// driver uses.
public struct HookEvent: Sendable, Equatable {
    /// The hook events escalator listens to (Claude Code's names).
    public enum Kind: String, Sendable, CaseIterable {
        case sessionStart = "SessionStart"
        case userPromptSubmit = "UserPromptSubmit"
        /// The turn ended with an answer.
        case stop = "Stop"
        /// The turn ended in an API error (Claude Code 2.1.78 and later).
        case stopFailure = "StopFailure"
        case notification = "Notification"
    }

    public var kind: Kind
    public var sessionID: String?
    /// Which prompt the event belongs to (the same for a prompt's submit and its stop).
    public var promptID: String?
    /// UserPromptSubmit: the exact text the agent accepted.
    public var prompt: String?
    /// Stop: the answer's exact markdown source. StopFailure: the error text.
    public var lastAssistantMessage: String?
    /// StopFailure: the error class (`server_error`, `rate_limit`, …).
    public var error: String?
    public var transcriptPath: String?

    public init(kind: Kind, sessionID: String? = nil, promptID: String? = nil, prompt: String? = nil,
                lastAssistantMessage: String? = nil, error: String? = nil, transcriptPath: String? = nil) {
        self.kind = kind
        self.sessionID = sessionID
        self.promptID = promptID
        self.prompt = prompt
        self.lastAssistantMessage = lastAssistantMessage
        self.error = error
        self.transcriptPath = transcriptPath
    }

    /// Decodes a hook's JSON input; nil when it is not a JSON object naming a known event.
    public init?(json: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let name = object["hook_event_name"] as? String, let kind = Kind(rawValue: name) else { return nil }
        self.init(kind: kind, sessionID: object["session_id"] as? String, promptID: object["prompt_id"] as? String,
                  prompt: object["prompt"] as? String, lastAssistantMessage: object["last_assistant_message"] as? String,
                  error: object["error"] as? String, transcriptPath: object["transcript_path"] as? String)
    }
}
