import Foundation

/// One row of the ledger: a routed question as it was recorded, with the outcome filled in
/// later by `escalator feedback` or the eval harness. A failed question has `error` set and
/// whatever was known before it failed (often no route, assessment or answer).
public struct LedgerRecord: Sendable, Codable, Equatable {
    /// Milliseconds per stage; nil for a stage a failed question never reached.
    public struct Timings: Sendable, Codable, Equatable {
        public var assess: Double?
        public var answer: Double?
        public var total: Double?

        public init(assess: Double?, answer: Double?, total: Double?) {
            self.assess = assess
            self.answer = answer
            self.total = total
        }
    }

    /// Whether the answer was right, as judged later: a verdict, a score in [0, 1], or both.
    public struct Outcome: Sendable, Codable, Equatable {
        public var correct: Bool?
        public var score: Double?
        public var at: Date

        public init(correct: Bool?, score: Double?, at: Date) {
            self.correct = correct
            self.score = score
            self.at = at
        }
    }

    public var id: String
    public var recordedAt: Date
    public var question: String
    public var assessment: Assessment?
    /// The thresholds in force when the question was routed.
    public var thresholds: Thresholds
    /// The policy's decision; nil when the question failed before one was made.
    public var route: Route?
    /// The tier that answered; nil when no tier answered (failure).
    public var tierUsed: Tier?
    public var degraded: Bool
    public var degradedReason: String?
    public var answer: String?
    public var answerTokens: Int?
    public var costEstimatedUsd: Double
    public var costMeasuredUsd: Double?
    public var timingsMs: Timings
    public var error: String?
    public var outcome: Outcome?
    /// Tokens in the question.
    public var questionTokens: Int? = nil
    /// The tiers tried and why each failed (see ``Attempt``).
    public var attempts: [Attempt] = []
    /// A local answer a cascade generated and then discarded because the question escalated (v4).
    public var discardedLocalAnswer: String? = nil
    public var discardedLocalAnswerTokens: Int? = nil
    /// A remote answer's source (`hook`, `transcript`, `screen`); nil for local answers.
    public var answerSource: String? = nil
    /// Whether the agent's accepted prompt equalled the question (nil: not reported).
    public var deliveryVerified: Bool? = nil
    /// The remote turn's measured tokens, request count and price source (v7; nil when the
    /// agent's transcript was not read).
    public var measurement: MeasuredCost? = nil

    public init(id: String, recordedAt: Date, question: String, assessment: Assessment?, thresholds: Thresholds,
                route: Route?, tierUsed: Tier?, degraded: Bool, degradedReason: String?, answer: String?,
                answerTokens: Int?, costEstimatedUsd: Double, costMeasuredUsd: Double?, timingsMs: Timings,
                error: String?, outcome: Outcome?, questionTokens: Int? = nil, attempts: [Attempt] = []) {
        self.id = id
        self.recordedAt = recordedAt
        self.question = question
        self.assessment = assessment
        self.thresholds = thresholds
        self.route = route
        self.tierUsed = tierUsed
        self.degraded = degraded
        self.degradedReason = degradedReason
        self.answer = answer
        self.answerTokens = answerTokens
        self.costEstimatedUsd = costEstimatedUsd
        self.costMeasuredUsd = costMeasuredUsd
        self.timingsMs = timingsMs
        self.error = error
        self.outcome = outcome
        self.questionTokens = questionTokens
        self.attempts = attempts
    }

    /// The record of an answered question.
    public init(_ answer: RoutedAnswer, recordedAt: Date, error: String? = nil) {
        self.init(id: answer.id, recordedAt: recordedAt, question: answer.question, assessment: answer.assessment,
                  thresholds: answer.route.thresholds, route: answer.route, tierUsed: answer.tierUsed,
                  degraded: answer.degraded, degradedReason: answer.degradedReason, answer: answer.answer,
                  answerTokens: answer.answerTokens, costEstimatedUsd: answer.costEstimatedUsd,
                  costMeasuredUsd: answer.costMeasuredUsd,
                  timingsMs: Timings(assess: answer.timingsMs.assess, answer: answer.timingsMs.answer,
                                     total: answer.timingsMs.total),
                  error: error, outcome: nil, questionTokens: answer.questionTokens, attempts: answer.attempts)
        discardedLocalAnswer = answer.discardedLocalAnswer
        discardedLocalAnswerTokens = answer.discardedLocalAnswerTokens
        answerSource = answer.agent?.answerSource
        deliveryVerified = answer.agent?.deliveryVerified
        measurement = answer.measurement
    }

    /// The answered question as `ask --json` printed it; nil for a failure.
    public var routedAnswer: RoutedAnswer? {
        guard let route, let tierUsed, let answer, let assess = timingsMs.assess, let answerMs = timingsMs.answer,
              let total = timingsMs.total else { return nil }
        return RoutedAnswer(id: id, question: question, route: route, assessment: assessment, tierUsed: tierUsed,
                            answer: answer, costUsd: costUsd,
                            timingsMs: .init(assess: assess, answer: answerMs, total: total),
                            degraded: degraded, degradedReason: degradedReason, answerTokens: answerTokens,
                            questionTokens: questionTokens, costEstimatedUsd: costEstimatedUsd,
                            costMeasuredUsd: costMeasuredUsd, measurement: measurement, attempts: attempts,
                            discardedLocalAnswer: discardedLocalAnswer, discardedLocalAnswerTokens: discardedLocalAnswerTokens)
    }

    /// The cost to count: measured when known, else estimated.
    public var costUsd: Double { costMeasuredUsd ?? costEstimatedUsd }
}
