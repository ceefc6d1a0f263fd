import Foundation
import Agents

/// The full record of one routed question: what was asked, how it was assessed and routed,
/// the answer, and what it cost. This is what `ask --json` prints and the ledger stores.
public struct RoutedAnswer: Sendable, Codable, Equatable {
    /// Milliseconds spent in each stage.
    public struct Timings: Sendable, Codable, Equatable {
        public var assess: Double
        public var answer: Double
        public var total: Double
    }

    public var id: String
    public var question: String
    public var route: Route
    public var assessment: Assessment?
    /// The tier that actually answered (differs from `route.tier` when degraded).
    public var tierUsed: Tier
    public var answer: String
    /// The cost to count: measured (transcript usage × prices, or `/cost`) when known, else estimated.
    public var costUsd: Double
    public var timingsMs: Timings
    /// True when the question was not answered where the policy wanted (see `degradedReason`).
    public var degraded: Bool
    public var degradedReason: String?
    /// Tokens the answering tier generated, when it reports them (the ledger stores it).
    public var answerTokens: Int? = nil
    /// Tokens in the question (llama-server's tokenizer, or about 4 bytes each when unreachable).
    public var questionTokens: Int? = nil
    /// The cost worked out from token counts and the tier's prices.
    public var costEstimatedUsd: Double = 0
    /// The measured cost: the turn's usage from the agent's transcript × its model prices, else
    /// the agent's own `/cost` delta (remote.read_cost); nil when neither was read.
    public var costMeasuredUsd: Double? = nil
    /// How the measured cost was worked out: the turn's tokens, its API request count and where
    /// the prices came from (nil when the transcript could not be read).
    public var measurement: MeasuredCost? = nil
    /// Every tier tried, in order; more than one when a tier failed and the next one answered.
    public var attempts: [Attempt] = []
    /// A cascade strategy's local answer that was generated while assessing and then discarded
    /// because the question escalated (nil otherwise), and its token count.
    public var discardedLocalAnswer: String? = nil
    public var discardedLocalAnswerTokens: Int? = nil
    /// How a remote tier's agent got the question (nil for local answers).
    public var agent: AgentDelivery? = nil

    /// How the question reached a remote tier's agent.
    public struct AgentDelivery: Sendable, Codable, Equatable {
        /// The tmux session that answered.
        public var session: String
        /// `manual` (escalator answers permission prompts by `remote.permission`) or `auto`
        /// (the agent decides itself).
        public var permissionMode: String
        /// `plain` (arrived as asked), `pasted` or `guarded-paste` (inside the agent's
        /// `<pasted_content>` wrapper; see README "Safe delivery").
        public var delivery: String
        /// Permission prompts met and what the policy chose.
        public var permissions: [String]
        /// Where the answer text was read: `hook` (the agent's Stop hook: its exact markdown),
        /// `transcript`, or `screen` (as drawn: code fences and table syntax rendered away).
        public var answerSource: String = AnswerSource.screen.rawValue
        /// Whether the prompt the agent reported accepting (its UserPromptSubmit hook) equals the
        /// question sent; nil when no hook reported it.
        public var deliveryVerified: Bool? = nil

        public init(session: String, permissionMode: String, delivery: String, permissions: [String],
                    answerSource: String = AnswerSource.screen.rawValue, deliveryVerified: Bool? = nil) {
            self.session = session
            self.permissionMode = permissionMode
            self.delivery = delivery
            self.permissions = permissions
            self.answerSource = answerSource
            self.deliveryVerified = deliveryVerified
        }
    }

    /// A new time-ordered id such as `20261125-142301-3f9a1c`.
    public static func newID(now: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        let suffix = String(UInt32.random(in: 0...0xFFFFFF), radix: 16)
        return "\(f.string(from: now))-\(String(repeating: "0", count: 6 - suffix.count))\(suffix)"
    }
}
