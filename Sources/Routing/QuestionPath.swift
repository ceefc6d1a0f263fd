import Foundation

/// The whole trip of one question: question → self-assessment → decision → answer (with
/// fallbacks and retries, see ``Router``) → ledger record → result. `escalator ask`, `batch`,
/// `eval run` (without a ledger) and anything later that answers questions go through here, so an
/// answered question and a failed one are recorded the same way whoever asked.
///
/// Ledger writes block (SQLite, a busy timeout for other writers), so they run on the ledger's
/// own queue, never on the cooperative pool.
public struct QuestionPath: Sendable {
    public let router: Router
    /// Where trips are recorded; nil records nothing (`eval run`).
    public let ledger: Ledger?

    /// Parked tiers are kept in `ledger` (shared with other processes and later runs) unless
    /// `router` already has a store; without a ledger, in the router's memory for this run.
    public init(router: Router, ledger: Ledger?) {
        if router.parking == nil, let ledger {
            self.router = router.keepingParkings(in: LedgerParking(ledger))
        } else {
            if router.parking == nil {
                router.logger.debug("no ledger: parked tiers (usage limits) are kept in memory for this run only")
            }
            self.router = router
        }
        self.ledger = ledger
    }

    /// Assesses (unless a tier is forced), routes, answers and records `question`. `onText`
    /// receives the answer's text as it streams (local) or when it is read (remote); `onRoute`
    /// receives the decision as soon as it is made, before the answer (a streaming server sends it
    /// ahead; an MCP server reports "escalated to opus" while the agent works). `session` picks
    /// the agent session of a remote tier (a server's pool); `continuing` asks it without
    /// `/clear`, as a follow-up of that session's last turn. A failure, including cancellation
    /// (Ctrl-C), is recorded and thrown as a ``QuestionFailure``.
    public func ask(_ question: String, choice: TierChoice = .auto, bounds: TierBounds? = nil,
                    id: String = RoutedAnswer.newID(), session: Int = 0, continuing: Bool = false,
                    onText: @Sendable (String) -> Void = { _ in },
                    onRoute: @Sendable (Route) -> Void = { _ in }) async throws -> RoutedAnswer {
        let start = ContinuousClock.now
        let question = try Router.validated(question)
        let bounds = bounds ?? router.configuration.bounds
        var route: Route?
        var outcome: AssessmentOutcome?
        do {
            let assessed = choice == .auto ? try await router.assess(question) : .notWanted
            outcome = assessed
            let decided = router.decide(assessed, choice: choice, bounds: bounds)
            route = decided
            onRoute(decided)
            let answer = try await router.answer(question, route: decided, assessment: assessed, bounds: bounds, id: id,
                                                 session: session, continuing: continuing, onText: onText)
            try await record(answer)
            return answer
        } catch let failure as QuestionFailure {
            throw failure
        } catch {
            let failure = failure(id: id, question: question, route: route, assessment: outcome?.assessment, error: error,
                                  totalMs: (ContinuousClock.now - start).milliseconds)
            try? await record(failure)
            throw failure
        }
    }

    /// Answers a question already assessed and routed (a batch's planned entry), hands the
    /// result to `deliver` (the batch appends it to its output file) and then records it under
    /// `recordedID` (a batch's run-unique id). Returns the answer or the failure; only
    /// cancellation, and errors of `deliver`, are thrown (nothing is recorded then).
    public func answer(_ question: String, route: Route, assessment: AssessmentOutcome, bounds: TierBounds,
                       id: String, recordedID: String, session: Int = 0, questionTokens: Int? = nil,
                       deliver: @Sendable (Result<RoutedAnswer, QuestionFailure>) async throws -> Void)
        async throws -> Result<RoutedAnswer, QuestionFailure> {
        let start = ContinuousClock.now
        let result: Result<RoutedAnswer, QuestionFailure>
        do {
            result = .success(try await router.answer(question, route: route, assessment: assessment, bounds: bounds, id: id,
                                                      session: session, questionTokens: questionTokens))
        } catch {
            if Router.isCancellation(error) { throw error }
            result = .failure(failure(id: id, question: question, route: route, assessment: assessment.assessment,
                                      error: error, totalMs: (ContinuousClock.now - start).milliseconds))
        }
        try await deliver(result)
        do {
            switch result {
            case .success(var answer):
                answer.id = recordedID
                try await record(answer)
            case .failure(var failure):
                failure.id = recordedID
                try await record(failure)
            }
        } catch {
            // The result is delivered; the ledger is a record of it.
            router.logger.warning("could not record \(id) in the ledger: \(error)")
        }
        return result
    }

    // MARK: Records

    private func failure(id: String, question: String, route: Route?, assessment: Assessment?, error: any Error,
                         totalMs: Double) -> QuestionFailure {
        QuestionFailure(id: id, question: question, route: route, assessment: assessment, thresholds: router.policy.thresholds,
                        attempts: (error as? NoTierAnswered)?.attempts ?? [], totalMs: totalMs, error: error)
    }

    private func record(_ answer: RoutedAnswer) async throws {
        guard let ledger else { return }
        try await ledger.queue.run { try ledger.record(answer) }
    }

    private func record(_ failure: QuestionFailure) async throws {
        guard let ledger else { return }
        try await ledger.queue.run { try ledger.record(failure) }
    }
}
