/// How a prompt reaches the agent's model, so what arrives can be checked against what was asked.
public enum DeliveryForm: String, Sendable, Codable, Equatable, CaseIterable {
    /// The text arrives as it is.
    case plain
    /// The agent wraps the text as pasted content (Claude Code: a paste of more than 800
    /// characters or more than two line breaks arrives as
    /// `\n\n<pasted_content id="…">\nTEXT\n</pasted_content id="…">\n`).
    case pasted
    /// As `pasted`, with three line feeds put before the text so that the agent takes it as
    /// pasted content rather than as a command, a shell line or a file mention: used when the
    /// text starts with a character the composer acts on (`/ ! # @ & ?` …), mentions `@`, or is
    /// an exit word.
    case guardedPaste = "guarded-paste"
}
