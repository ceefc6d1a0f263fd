/// What a terminal agent's screen shows right now, read from one capture of its pane.
///
/// Produced by an `AgentProfile`'s `parse`. Blocking states (`permission`, `picker`, `dialog`,
/// `limit`, `error`) outrank `busy` and `idle`.
public struct ScreenState: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Ready for input; the last turn (if any) has ended.
        case idle
        /// Working on a turn (spinner, interrupt hint, live counter, or no end marker yet).
        case busy
        /// A tool-permission prompt waits for an answer.
        case permission
        /// The model picker is open.
        case picker
        /// Another blocking dialog (folder trust, `Switch model?`, onboarding) is open.
        case dialog
        /// A usage limit was hit (a result row after the last prompt, or the limit menu).
        case limit
        /// An API or session error ended the last turn.
        case error
        /// Nothing recognisable (no composer, no known modal). Do not press Enter here.
        case unknown
    }

    public var kind: Kind
    /// The answer to the last prompt: gutter and bullets removed, hard wraps rejoined into
    /// paragraphs, code lines kept as lines. Set when the turn has ended (idle, and for
    /// limit/error when some prose came before the failure).
    public var answer: String?
    /// The open menu: the model picker, a permission prompt, a dialog or the limit menu.
    public var menu: ScreenMenu?
    /// A one-line description: the limit or error message, the spinner line, the dialog's
    /// question, or the completion line.
    public var detail: String?

    /// Whether the prompt passed to `parse` is visible as sent: nil when no prompt was
    /// given, false when only other prompts are on screen (not submitted yet, or Enter was
    /// taken as a newline; `answer` is then nil).
    public var promptEchoed: Bool?

    public init(kind: Kind, answer: String? = nil, menu: ScreenMenu? = nil, detail: String? = nil,
                promptEchoed: Bool? = nil) {
        self.kind = kind
        self.answer = answer
        self.menu = menu
        self.detail = detail
        self.promptEchoed = promptEchoed
    }

    /// The model picker, when `kind == .picker`.
    public var picker: ScreenMenu? { kind == .picker ? menu : nil }

    /// True for states that need an answer before the agent can go on.
    public var isBlocking: Bool { [.permission, .picker, .dialog].contains(kind) || (kind == .limit && menu != nil) }
}
