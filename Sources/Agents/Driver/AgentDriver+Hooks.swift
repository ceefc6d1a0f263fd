import Foundation
import Remote

/// The driver's use of the agent's hooks: whether they run in a session, what their events mean.
extension AgentDriver {
    /// True when the session's agent was started with escalator's hooks (``prepare()`` marks such
    /// a pane) and the policy uses them.
    func hooksActive(_ pane: TmuxPane) async throws -> Bool {
        guard policy.hooks else { return false }
        return try await tmux.userOption(Self.hooksOption, of: pane) == "1"
    }

    /// True when the session's last prompt (its UserPromptSubmit on record) has its Stop or
    /// StopFailure event on record: the agent's last turn is over.
    func lastTurnEnded() async throws -> Bool {
        guard let submitted = try await tmux.globalOption(hookSpool.optionName(.userPromptSubmit)).flatMap(HookEvent.init(json:)),
              let promptID = submitted.promptID else { return false }
        for kind in [HookEvent.Kind.stop, .stopFailure] {
            if let end = try await tmux.globalOption(hookSpool.optionName(kind)).flatMap(HookEvent.init(json:)), end.promptID == promptID {
                return true
            }
        }
        return false
    }

    /// Whether the prompt the agent accepted is the one sent: equal, or (for a question that
    /// went in as pasted content) holding the sent text whole.
    static func accepted(_ prompt: String, matches submission: Submission) -> Bool {
        if prompt == submission.text { return true }
        return submission.form != .plain && prompt.contains(submission.text)
    }

    /// The typed error of a StopFailure event (the turn ended in an API error).
    static func hookFailure(_ event: HookEvent, session: String) -> AgentError {
        let message = event.lastAssistantMessage ?? event.error ?? "the agent reported an API error"
        let kind = (event.error ?? "").lowercased(), lower = message.lowercased()
        let code: AgentError.Code
        if kind.contains("rate") || lower.contains("429") || lower.contains("rate limit") {
            code = .rateLimited
        } else if kind.contains("server") || kind.contains("overload") || lower.contains("529") || lower.contains("overloaded") {
            code = .apiUnavailable
        } else {
            code = .apiError
        }
        return AgentError(code: code, message: message + (event.error.map { " (\($0), StopFailure hook)" } ?? " (StopFailure hook)"),
                          session: session)
    }
}
