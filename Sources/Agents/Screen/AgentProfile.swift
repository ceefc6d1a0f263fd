import Foundation

/// A key a driver sends to a terminal agent.
public enum AgentKey: String, Sendable, Codable, CaseIterable {
    case enter, escape, up, down, left, right, tab, backspace, ctrlC, ctrlU

    /// The key name for `tmux send-keys` (without `-l`).
    public var tmuxName: String {
        switch self {
        case .enter: "Enter"
        case .escape: "Escape"
        case .up: "Up"
        case .down: "Down"
        case .left: "Left"
        case .right: "Right"
        case .tab: "Tab"
        case .backspace: "BSpace"
        case .ctrlC: "C-c"
        case .ctrlU: "C-u"
        }
    }
}

/// One step of input, in the order a driver must perform them.
public enum InputStep: Sendable, Equatable {
    /// Literal text, typed as keys (tmux: `send-keys -l -- TEXT`).
    case type(String)
    /// Text delivered as one bracketed paste with its bytes unchanged
    /// (tmux: `load-buffer` then `paste-buffer -p -r`).
    case paste(String)
    /// A named key (tmux: `send-keys KEY`), sent as its own command.
    case key(AgentKey)
    /// Wait before the next step (for example between text and Enter).
    case pause(Duration)
    /// Wait until the agent's input box shows the text just pasted or typed (the agent has taken
    /// it in, so the next key is not read as part of it), for at most the given time: an event
    /// on the screen, not a fixed pause.
    case untilShown(Duration)
}

/// A prompt ready to send: the steps to perform, and what `parse` needs to find the answer.
public struct Submission: Sendable, Equatable {
    /// The question as the caller asked it.
    public var prompt: String
    /// The exact text sent to the agent (the prompt, plus any instruction the profile adds).
    public var text: String
    public var steps: [InputStep]
    /// The end-of-answer marker line the agent was asked to print, for marker-based profiles.
    public var marker: String?
    /// How the agent receives the text: as it is, or inside its own pasted-text wrapper.
    public var form: DeliveryForm = .plain
    /// Which prompt echo in a whole-scrollback capture is this submission's (0-based, counted
    /// from the top); nil to find it by its text.
    public var echoIndex: Int? = nil

    public init(prompt: String, text: String, steps: [InputStep], marker: String? = nil, form: DeliveryForm = .plain,
                echoIndex: Int? = nil) {
        self.prompt = prompt
        self.text = text
        self.steps = steps
        self.marker = marker
        self.form = form
        self.echoIndex = echoIndex
    }
}

/// The outcome of a model switch, read from the screen after the command.
public enum ModelSwitchResult: Sendable, Equatable {
    /// The switch happened; `label` is what the agent printed (`Sonnet 4.6`, `Opus 4.6 (default)`).
    case switched(label: String)
    /// The picker was cancelled; the model stayed `label`.
    case kept(label: String)
    /// The agent rejected the name (`Model 'x' not found`), with its message.
    case rejected(message: String)
}

/// Everything a driver needs to run one kind of terminal agent: how to read its screen,
/// how to submit a prompt, how to answer its menus, and how to switch its model.
///
/// Implementations are pure: they turn pane text into a `ScreenState` and prompts into
/// input steps, and never touch a terminal themselves. Adding another agent means writing
/// another profile.
public protocol AgentProfile: Sendable {
    /// A short name (`claude-code`, `marker`).
    var name: String { get }

    /// The steps that put `prompt` into the agent and submit it, as text the agent will not
    /// act on (no command, shell line or file mention).
    func submission(for prompt: String) -> Submission

    /// The steps that run one of the agent's own commands (`/clear`, `/model opus`); only the
    /// driver sends these, never a question.
    func command(_ line: String) -> Submission

    /// Reads one capture of the pane (as from `tmux capture-pane -p`, with or without `-J`
    /// and `-e`). `submission` is the last prompt sent, used to anchor the answer; pass nil
    /// to read the screen without one.
    func parse(_ pane: String, after submission: Submission?) -> ScreenState

    /// The steps that move `menu`'s cursor to `index` and confirm it.
    func select(_ index: Int, in menu: ScreenMenu) -> [InputStep]

    /// The steps that close an open menu without choosing anything.
    var cancelSteps: [InputStep] { get }

    /// How long the screen must stay unchanged before `idle` can be trusted.
    var settleTime: Duration { get }

    /// Phrases whose presence after the prompt means the turn ended (for logs and checks).
    var completionMarkers: [String] { get }

    /// The text to type to switch to `alias` (`opus`, `sonnet`, `haiku`, `default`), or to
    /// open the picker when `alias` is nil. Nil when the agent has no model switch.
    func modelCommand(_ alias: String?) -> String?

    /// The outcome of the last model command on screen, if any.
    func modelSwitchResult(_ pane: String) -> ModelSwitchResult?

    /// Whether `parse` can tell that the agent is ready for input before anything was sent
    /// (false for agents whose only signal is a marker the driver asked for).
    var detectsReadiness: Bool { get }

    /// The agent's command that starts a fresh conversation (`/clear`), or nil if it has none.
    var clearCommand: String? { get }

    /// What the driver asks after refusing a tool call that interrupted the turn.
    var continueWithoutToolsPrompt: String { get }

    /// The command that shows the session's running cost (`/cost`), or nil if there is none.
    var costCommand: String? { get }

    /// The command line that starts the agent in `permissionMode` (the user's command plus the
    /// agent's own flag for it, unless the command already sets one).
    func launchCommand(_ command: [String], permissionMode: AgentPolicy.PermissionMode) -> [String]

    /// Variables the agent is started with (in its tmux session's environment), so that it draws
    /// the screens the parser reads; the session spec's own variables win.
    var launchEnvironment: [String: String] { get }

    /// The arguments that make the agent report its turns through `spool`'s hooks (added to its
    /// command line without touching the user's own settings), or nil when it has no hooks.
    func hookArguments(_ spool: HookSpool) -> [String]?

    /// The text in the agent's input box, "" when it is empty, nil when no input box is visible.
    func composerText(_ pane: String) -> String?

    /// The keys that delete what the input box holds (repeated until it is empty).
    var clearComposerSteps: [InputStep] { get }

    /// The API retry the agent is waiting out, when its screen shows one
    /// (`429 Rate limited · retrying in 2s · attempt 3/10`).
    func retryStatus(_ pane: String) -> AgentRetryStatus?

    /// The session's total cost in dollars as the last cost report on screen shows it.
    func totalCost(_ pane: String) -> Double?

    /// When the usage limit that `message` (a `.limit` state's `detail`) reports resets: the next
    /// such moment after `now`, read in the zone the message names, else in `zone` (whose origin
    /// `zoneSource` records). Nil when the message names no reset time the profile can read.
    func usageLimitReset(_ message: String, now: Date, zone: TimeZone,
                         zoneSource: UsageLimitReset.ZoneSource) -> UsageLimitReset?
}

extension AgentProfile {
    /// Reads the pane with no prompt to anchor on.
    public func parse(_ pane: String) -> ScreenState { parse(pane, after: nil) }

    /// Arrow keys from the cursor to `index`, then Enter (digits are ignored by some menus).
    public func select(_ index: Int, in menu: ScreenMenu) -> [InputStep] {
        let cursor = menu.cursor ?? 0
        let key: AgentKey = index >= cursor ? .down : .up
        var steps = Array(repeating: InputStep.key(key), count: abs(index - cursor))
        steps.append(.key(.enter))
        return steps
    }

    public var cancelSteps: [InputStep] { [.key(.escape)] }

    public func command(_ line: String) -> Submission { submission(for: line) }

    public func launchCommand(_ command: [String], permissionMode: AgentPolicy.PermissionMode) -> [String] { command }
    public var launchEnvironment: [String: String] { [:] }

    public func hookArguments(_ spool: HookSpool) -> [String]? { nil }

    public func composerText(_ pane: String) -> String? { nil }

    public var clearComposerSteps: [InputStep] { [.key(.ctrlU), .key(.backspace)] }

    public func retryStatus(_ pane: String) -> AgentRetryStatus? { nil }

    public func modelCommand(_ alias: String?) -> String? { nil }

    public func modelSwitchResult(_ pane: String) -> ModelSwitchResult? { nil }

    public var detectsReadiness: Bool { true }

    public var costCommand: String? { nil }

    public var clearCommand: String? { nil }

    public var continueWithoutToolsPrompt: String { "Please answer the question above directly, without using that tool." }

    public func totalCost(_ pane: String) -> Double? { nil }

    public func usageLimitReset(_ message: String, now: Date, zone: TimeZone,
                                zoneSource: UsageLimitReset.ZoneSource) -> UsageLimitReset? { nil }
}
