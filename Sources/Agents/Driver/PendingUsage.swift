import Remote

/// What ``AgentDriver/measureUsage(_:)`` needs to read a returned answer's usage from the
/// agent's transcript: the pane, and the UserPromptSubmit event of each turn the answer took.
public struct PendingUsage: Sendable, Equatable {
    public var pane: TmuxPane
    public var prompts: [HookEvent]

    public init(pane: TmuxPane, prompts: [HookEvent]) {
        self.pane = pane
        self.prompts = prompts
    }
}
