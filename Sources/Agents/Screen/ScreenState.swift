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

    /// Which dialog is open, when `kind == .dialog`, so the driver answers it without matching text.
    public enum DialogKind: String, Sendable, Codable, CaseIterable {
        /// The folder-trust question at start-up.
        case trust
        /// The `Switch model?` confirmation after a picker choice mid-conversation.
        case switchModel
        /// The `/help` panel.
        case help
        /// The `/effort` slider.
        case effort
        /// Any other dialog.
        case other
    }

    /// What the screen says an API error (final, or being retried) is.
    public enum ErrorKind: String, Sendable, Codable, CaseIterable {
        /// HTTP 429 (`429 Rate limited`, `Request rejected (429)`).
        case rateLimit
        /// HTTP 529 (`529 Overloaded`).
        case overloaded
        /// HTTP 401 / a bad key (`401 invalid x-api-key`, `Invalid API key`).
        case auth
        case other
    }

    /// The permission mode the footer shows.
    public enum PermissionMode: String, Sendable, Codable, CaseIterable {
        /// `⏵⏵ auto mode on`.
        case auto
        /// `⏸ manual mode on` (`--permission-mode default`).
        case manual
        /// `⏵⏵ accept edits on`.
        case acceptEdits
        /// `⏸ plan mode on`.
        case plan
        /// `⏵⏵ bypass permissions on`.
        case bypass
        /// No mode indicator on screen (a modal hides the footer, or an older version).
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

    /// Which dialog is open (nil unless `kind == .dialog`).
    public var dialogKind: DialogKind? = nil
    /// The API error's sub-kind: on `.error` (the final `API Error` row) and on `.busy` while a
    /// retry row shows.
    public var errorKind: ErrorKind? = nil
    /// The retry row's attempt and its maximum (`attempt 3/10` → 3 and 10), while one shows.
    public var retryAttempt: Int? = nil
    public var retryOf: Int? = nil
    /// The permission mode from the footer.
    public var permissionMode: PermissionMode = .unknown
    /// How many prompt echoes (`❯ …` rows at column 0, the input box excluded) the capture
    /// holds; the driver counts them before sending and passes that as `Submission.echoIndex`,
    /// so the answer is read after its own echo.
    public var echoCount: Int = 0
    /// The agent drew its end-of-turn row after the prompt (Claude Code: `✻ Worked for 3s`),
    /// whether or not any answer text came before it.
    public var turnCompleted: Bool = false
    /// Where `answer` was read: the screen (the parser), or the agent's own hook (the driver).
    public var source: AnswerSource = .screen
    /// The turn was interrupted (a refused tool call, Escape): the agent waits for what to do
    /// instead. Set by the profile's parser, which knows the agent's wording.
    public var interrupted: Bool = false

    public init(kind: Kind, answer: String? = nil, menu: ScreenMenu? = nil, detail: String? = nil,
                promptEchoed: Bool? = nil, dialogKind: DialogKind? = nil, errorKind: ErrorKind? = nil,
                retryAttempt: Int? = nil, retryOf: Int? = nil, permissionMode: PermissionMode = .unknown,
                echoCount: Int = 0) {
        self.kind = kind
        self.answer = answer
        self.menu = menu
        self.detail = detail
        self.promptEchoed = promptEchoed
        self.dialogKind = dialogKind
        self.errorKind = errorKind
        self.retryAttempt = retryAttempt
        self.retryOf = retryOf
        self.permissionMode = permissionMode
        self.echoCount = echoCount
    }

    /// The model picker, when `kind == .picker`.
    public var picker: ScreenMenu? { kind == .picker ? menu : nil }

    /// True for states that need an answer before the agent can go on.
    public var isBlocking: Bool { [.permission, .picker, .dialog].contains(kind) || (kind == .limit && menu != nil) }
}
