/// A key a driver sends to a terminal agent.
public enum AgentKey: String, Sendable, Codable, CaseIterable {
    case enter, escape, up, down, left, right, tab, backspace, ctrlC

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
    /// Which prompt echo in a whole-scrollback capture is this submission's (0-based, counted
    /// from the top); nil to find it by its text.
    public var echoIndex: Int? = nil

    public init(prompt: String, text: String, steps: [InputStep], marker: String? = nil) {
        self.prompt = prompt
        self.text = text
        self.steps = steps
        self.marker = marker
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

    /// The steps that put `prompt` into the agent and submit it.
    func submission(for prompt: String) -> Submission

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

    /// The command that shows the session's running cost (`/cost`), or nil if there is none.
    var costCommand: String? { get }

    /// The session's total cost in dollars as the last cost report on screen shows it.
    func totalCost(_ pane: String) -> Double?
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

    public func modelCommand(_ alias: String?) -> String? { nil }

    public func modelSwitchResult(_ pane: String) -> ModelSwitchResult? { nil }

    public var detectsReadiness: Bool { true }

    public var costCommand: String? { nil }

    public func totalCost(_ pane: String) -> Double? { nil }
}
