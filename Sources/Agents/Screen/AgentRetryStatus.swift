/// An API retry the agent shows while it waits (Claude Code: `✻ 429 Rate limited · retrying in
/// 2s · attempt 3/10`), so the driver can stop waiting once the pattern is clear instead of
/// sitting through every retry of every tier.
public struct AgentRetryStatus: Sendable, Equatable {
    /// What the API answered, as the agent classifies it.
    public enum Cause: String, Sendable, Equatable {
        /// HTTP 429: a rate limit (the tier is skipped for the run, like a usage limit).
        case rateLimited = "rate limited"
        /// HTTP 529 or 5xx: the API is overloaded or failing.
        case overloaded
        /// The API could not be reached (connection refused, DNS, TLS).
        case unreachable
        /// Anything else the row names.
        case other
    }

    public var cause: Cause
    /// The row as shown, for messages.
    public var text: String
    /// This attempt's number and the agent's own maximum (3 of 10), when shown.
    public var attempt: Int?
    public var maxAttempts: Int?

    public init(cause: Cause, text: String, attempt: Int? = nil, maxAttempts: Int? = nil) {
        self.cause = cause
        self.text = text
        self.attempt = attempt
        self.maxAttempts = maxAttempts
    }
}
