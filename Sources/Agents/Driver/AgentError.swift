import Foundation

/// Why a remote agent could not answer, typed so the router can fall back (a usage limit or an
/// API error means "try another tier"; a timeout means "the agent is stuck").
public struct AgentError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; a struct so kinds can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The agent hit a usage or rate limit.
        public static let usageLimit = Code("usage limit")
        /// The agent reported an API error for the turn.
        public static let apiError = Code("API error")
        /// A permission prompt appeared and the policy is `stop`.
        public static let permissionStopped = Code("permission prompt (policy stop)")
        /// A dialog appeared that the policy does not answer.
        public static let dialogStopped = Code("dialog")
        /// The turn did not end before the answer timeout.
        public static let timeout = Code("timeout")
        /// The agent's process ended (the pane or session is gone).
        public static let crashed = Code("agent exited")
        /// The model could not be switched to the requested alias.
        public static let modelSwitchFailed = Code("model switch failed")
        /// The screen was not recognised, so nothing was typed.
        public static let unknownScreen = Code("unrecognised screen")
        /// The API answered 429: a rate limit, not a passing error (the tier is skipped for the run).
        public static let rateLimited = Code("rate limited")
        /// The agent could not reach its API, or the API kept failing (529, 5xx), past the
        /// retries the policy watches.
        public static let apiUnavailable = Code("API unavailable")
        /// The agent did not start because its folder is not trusted (`remote.trust`).
        public static let untrusted = Code("folder not trusted")
        /// The question cannot be delivered as text (see `QuestionText`); nothing was sent.
        public static let undeliverable = Code("question cannot be delivered")
        /// The answer could not be read whole (its start scrolled out of the terminal's history).
        public static let incompleteAnswer = Code("answer not read whole")
        /// The agent's turn ended (its completion row is drawn) without any answer text.
        public static let emptyAnswer = Code("no answer text")
    }

    public var code: Code
    /// The agent's own message or what was on screen.
    public var message: String
    /// The tmux session, for `tmux attach` hints.
    public var session: String

    /// For a usage limit: the agent's limit message as shown (`You've hit your limit · resets
    /// 10pm (America/New_York)`), and when it resets, if the message says so in a form the
    /// profile reads (nil otherwise).
    public var limitText: String?
    public var limitReset: UsageLimitReset?

    /// When the usage limit resets (nil: not a usage limit, or no reset time could be read).
    public var resetsAt: Date? { limitReset?.date }

    public init(code: Code, message: String, session: String, limitText: String? = nil, limitReset: UsageLimitReset? = nil) {
        self.code = code
        self.message = message
        self.session = session
        self.limitText = limitText
        self.limitReset = limitReset
    }

    public var description: String {
        "agent in tmux session \(session): \(code): \(message) — watch it with `escalator attach`"
    }
}
