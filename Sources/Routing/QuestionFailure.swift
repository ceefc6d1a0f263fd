/// A question no tier answered, with everything known when it failed: the route (when one was
/// decided), the assessment, every tier tried and the error. A failure is recorded in the
/// ledger with this shape whoever asked (`ask`, `batch`), and a batch writes it as its
/// `"status": "error"` line.
public struct QuestionFailure: Error, Sendable, CustomStringConvertible {
    public var id: String
    public var question: String
    public var route: Route?
    public var assessment: Assessment?
    /// The thresholds in force (recorded even when no route was decided).
    public var thresholds: Thresholds
    public var attempts: [Attempt]
    public var totalMs: Double?
    /// What went wrong (the error the caller sees).
    public var error: any Error

    public init(id: String, question: String, route: Route?, assessment: Assessment?, thresholds: Thresholds,
                attempts: [Attempt], totalMs: Double?, error: any Error) {
        self.id = id
        self.question = question
        self.route = route
        self.assessment = assessment
        self.thresholds = thresholds
        self.attempts = attempts
        self.totalMs = totalMs
        self.error = error
    }

    public var description: String { "\(error)" }
}

/// Every tier of a question's fallback chain failed (or was skipped); the attempts say why.
public struct NoTierAnswered: Error, Sendable, CustomStringConvertible {
    public var attempts: [Attempt]

    /// The same words as a ``RoutingError``, for the one-line CLI message.
    public var routingError: RoutingError {
        RoutingError(
            problem: "no tier could answer the question (" + attempts.map { "\($0.tier.name): \($0.error ?? "?")" }.joined(separator: "; ") + ")",
            fix: "check `escalator doctor`; the question is recorded in the ledger as failed")
    }

    public var description: String { routingError.description }
}
