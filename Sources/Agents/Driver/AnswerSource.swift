/// Where an agent's answer text was read from, best first.
public enum AnswerSource: String, Sendable, CaseIterable, Codable {
    /// The agent's own Stop hook (`last_assistant_message`): the answer's exact markdown.
    case hook
    /// The agent's transcript file.
    case transcript
    /// The terminal screen: markdown as the agent drew it (fences, backticks and table syntax
    /// rendered away).
    case screen
}
