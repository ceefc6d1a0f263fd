import Agents
import Foundation
import LlamaClient
import Logging
import Remote

/// The stages of a question's trip (``QuestionPath`` runs them in order and records the result):
/// self-assessment, the policy's decision, and the answer, with fallbacks.
///
/// An escalated question goes to its tier's agent session. When a tier cannot answer, the next
/// one in ``Policy/fallbackChain(from:bounds:)`` is tried: a usage limit parks the tier until the
/// reset time its agent named (``TierParking``: every question skips it until then, in this
/// process and others, and it is tried again after), a rate limit or an unreachable host moves
/// on at once (and the tier is skipped for the rest of the run), any other error is retried
/// `retries` times first. When llama-server is down the question is not assessed and goes to the
/// default tier. Every departure from the policy's choice is marked degraded with its reason;
/// a question is never dropped: if no tier answers, ``NoTierAnswered`` names what each tier said.
public struct Router: Sendable {
    /// Routing choices that come from the settings.
    public struct Configuration: Sendable {
        public var policy: TierPolicy
        public var bounds: TierBounds
        public var expectedAnswerTokens: Int
        public var retries: Int
        /// How long a tier whose usage-limit message named no readable reset time stays parked.
        public var limitParkMinutes: Int
        /// The clock parkings are set and compared by (tests move it instead of sleeping).
        public var now: @Sendable () -> Date

        /// `bounds` nil = every tier of the policy's table.
        public init(policy: TierPolicy, bounds: TierBounds? = nil, expectedAnswerTokens: Int = 800, retries: Int = 1,
                    limitParkMinutes: Int = 60, now: @escaping @Sendable () -> Date = { Date() }) {
            self.policy = policy
            self.bounds = bounds ?? TierBounds(policy.table)
            self.expectedAnswerTokens = expectedAnswerTokens
            self.retries = retries
            self.limitParkMinutes = limitParkMinutes
            self.now = now
        }

        /// The configuration `settings` describe.
        public init(settings: Settings) throws {
            self.init(policy: try settings.policy(), bounds: try settings.bounds(),
                      expectedAnswerTokens: settings.routing.expectedAnswerTokens, retries: settings.routing.retries,
                      limitParkMinutes: settings.remote.limitParkMinutes)
        }

        /// The tiers, their prices and models.
        public var tiers: TierTable { policy.table }
    }

    /// The local model: the assessor and the answerer (nil when llama-server is unavailable).
    public struct Local: Sendable {
        public var assessor: Assessor
        public var answerer: LocalAnswerer

        public init(assessor: Assessor, answerer: LocalAnswerer) {
            self.assessor = assessor
            self.answerer = answerer
        }
    }

    public let local: Local?
    /// Why there is no local model, when there is none.
    public let localProblem: String?
    /// The remote tiers; nil when none is configured.
    public let remote: RemoteAgents?
    public let configuration: Configuration
    public let health: TierHealth
    /// Where parked tiers are kept; nil until chosen (``QuestionPath`` picks the ledger's), and
    /// then `health`'s memory for this run.
    public let parking: (any TierParkingStore)?
    let logger: Logger

    public var policy: TierPolicy { configuration.policy }

    /// The store parkings are read from and written to.
    public var parkingStore: any TierParkingStore { parking ?? health }

    public init(local: Local?, localProblem: String? = nil, remote: RemoteAgents? = nil, configuration: Configuration,
                health: TierHealth = TierHealth(), parking: (any TierParkingStore)? = nil,
                logger: Logger = Logger(label: "escalator.router")) {
        self.local = local
        self.localProblem = local == nil ? (localProblem ?? "no local model is configured") : nil
        self.remote = remote
        self.configuration = configuration
        self.health = health
        self.parking = parking
        self.logger = logger
    }

    /// This router keeping parked tiers in `store` (the same health, so a batch's copies share it).
    public func keepingParkings(in store: any TierParkingStore) -> Router {
        Router(local: local, localProblem: localProblem, remote: remote, configuration: configuration, health: health,
               parking: store, logger: logger)
    }

    // MARK: Stages

    /// Self-assesses `question` with the local model. Failures other than cancellation do not
    /// throw: the outcome says why the question was not assessed.
    public func assess(_ question: String) async throws -> AssessmentOutcome {
        guard let local else { return AssessmentOutcome(assessment: nil, skippedReason: localProblem, ms: 0) }
        let start = ContinuousClock.now
        do {
            let result = try await local.assessor.assessFully(question, answerer: local.answerer)
            return AssessmentOutcome(assessment: result.assessment, skippedReason: nil, ms: (ContinuousClock.now - start).milliseconds,
                                     localAnswer: result.localAnswer)
        } catch {
            if Self.isCancellation(error) { throw error }
            logger.debug("assessment failed; routing without it", metadata: ["error": "\(error)"])
            return AssessmentOutcome(assessment: nil, skippedReason: "assessment failed: \(error)",
                                     ms: (ContinuousClock.now - start).milliseconds)
        }
    }

    /// The policy's route for an assessed (or unassessed) question.
    public func decide(_ outcome: AssessmentOutcome, choice: TierChoice = .auto, bounds: TierBounds? = nil) -> Route {
        policy.decide(p: outcome.assessment?.pLocalCorrect, choice: choice, bounds: bounds ?? configuration.bounds,
                      unassessedBecause: outcome.skippedReason)
    }

    /// Tokens in `text`: llama-server's count, else about four bytes per token.
    public func countTokens(_ text: String) async -> Int {
        if let local, let tokens = try? await local.answerer.client.tokenize(text) { return tokens.count }
        return CostEstimate.roughTokens(text)
    }

    /// The estimated cost of answering a question of `questionTokens` on `tier`, before the
    /// answer exists (its length is taken as `expectedAnswerTokens`).
    public func expectedCost(questionTokens: Int, tier: Tier) -> Double {
        configuration.tiers.price(of: tier).cost(inputTokens: questionTokens, outputTokens: configuration.expectedAnswerTokens)
    }

    /// Answers `question` on `route.tier`, falling back along the chain within `bounds`.
    /// `session` picks the agent session of a remote tier (a batch's pool); `questionTokens`
    /// may be passed when already counted.
    public func answer(_ question: String, route: Route, assessment: AssessmentOutcome, bounds: TierBounds? = nil,
                       id: String = RoutedAnswer.newID(), session: Int = 0, continuing: Bool = false, questionTokens: Int? = nil,
                       onText: @Sendable (String) -> Void = { _ in }) async throws -> RoutedAnswer {
        let start = ContinuousClock.now
        let bounds = bounds ?? configuration.bounds
        var attempts: [Attempt] = []
        for tier in policy.fallbackChain(from: route.tier, bounds: bounds) {
            if let reason = unavailableReason(tier) {
                attempts.append(Attempt(tier: tier, error: reason, ms: 0))
                continue
            }
            let parked = tier.isLocal ? nil : await parking(of: tier)
            if let parked, parked.isActive(at: configuration.now()) {
                attempts.append(Attempt(tier: tier, error: parked.skipReason(now: configuration.now()), ms: 0, parkedUntil: parked.until))
                continue
            }
            var tries = 0
            while true {
                let tryStart = ContinuousClock.now
                do {
                    let produced = try await produce(question, on: tier, session: session, continuing: continuing && tier == route.tier,
                                                     generated: assessment.localAnswer, onText: onText)
                    if let lost = produced.lostDelivery {
                        // The agent exited mid-turn and was restarted: the question was delivered twice.
                        attempts.append(Attempt(tier: tier, error: lost, ms: 0))
                    }
                    attempts.append(Attempt(tier: tier, error: nil, ms: (ContinuousClock.now - tryStart).milliseconds))
                    if parked != nil { await unpark(tier) }
                    return await finish(question, id: id, route: route, assessment: assessment, tier: tier, produced: produced,
                                        attempts: attempts, questionTokens: questionTokens, start: start)
                } catch {
                    if Self.isCancellation(error) { throw error }
                    let ms = (ContinuousClock.now - tryStart).milliseconds
                    // A usage limit parks the tier until its reset (nil if the store failed: then
                    // it is only skipped for this run).
                    var parkedUntil: Date?
                    if let limit = error as? AgentError, limit.code == .usageLimit { parkedUntil = await park(tier, limit) }
                    attempts.append(Attempt(tier: tier, error: "\(error)", ms: ms, parkedUntil: parkedUntil))
                    switch TierFailure(error) {
                    case .tierDown(let why):
                        if parkedUntil == nil { health.markDown(tier, because: "\(tier.name) \(why) earlier in this run") }
                    case .hostDown(let why):
                        for t in policy.tiers where !t.isLocal {
                            health.markDown(t, because: "\(why) earlier in this run")
                        }
                    case .fatal:
                        throw error
                    case .noAnswer:
                        break
                    case .transient:
                        if tries < configuration.retries {
                            tries += 1
                            logger.debug("tier failed; retrying", metadata: ["tier": "\(tier)", "error": "\(error)"])
                            continue
                        }
                    }
                    logger.debug("tier failed; trying the next", metadata: ["tier": "\(tier)", "error": "\(error)"])
                }
                break
            }
        }
        throw NoTierAnswered(attempts: attempts)
    }

    // MARK: Internals

    /// What one tier produced.
    struct Produced {
        var text: String
        var answerTokens: Int?
        var measuredCost: Double?
        var measurement: MeasuredCost? = nil
        /// Why a first delivery to a remote agent was lost (it exited and was restarted).
        var lostDelivery: String? = nil
        var agent: RoutedAnswer.AgentDelivery? = nil
    }

    // MARK: Parking

    /// `tier`'s parking (passed or not); nil when it has none or the store cannot be read (the
    /// tier is then tried, and the failure logged).
    private func parking(of tier: Tier) async -> TierParking? {
        do { return try await parkingStore.parking(of: tier.name) } catch {
            logger.warning("cannot read whether \(tier.name) is parked; trying it: \(error)")
            return nil
        }
    }

    /// Parks `tier` after `limit`; returns until when, or nil when the store failed.
    private func park(_ tier: Tier, _ limit: AgentError) async -> Date? {
        let parking = TierParking.forUsageLimit(tier, error: limit, now: configuration.now(),
                                                defaultMinutes: configuration.limitParkMinutes)
        do {
            try await parkingStore.park(parking)
            logger.debug("tier parked", metadata: ["tier": "\(tier)", "until": "\(Ledger.timestamp(parking.until))",
                                                   "reason": "\(parking.reason)"])
            return parking.until
        } catch {
            logger.warning("cannot park \(tier.name) (\(error)); it is skipped for this run only")
            return nil
        }
    }

    /// Clears `tier`'s passed parking after it answered again.
    private func unpark(_ tier: Tier) async {
        do {
            if try await parkingStore.unpark(tier.name) { logger.debug("tier answered after its parking; unparked", metadata: ["tier": "\(tier)"]) }
        } catch {
            logger.warning("cannot clear the parking of \(tier.name): \(error)")
        }
    }

    private func unavailableReason(_ tier: Tier) -> String? {
        if let reason = health.skipReason(tier) { return reason }
        if tier.isLocal { return local == nil ? localProblem : nil }
        return remote == nil ? "no remote agent is configured (see [remote] and `escalator doctor`)" : nil
    }

    private func produce(_ question: String, on tier: Tier, session: Int, continuing: Bool = false, generated: LocalAnswer?,
                         onText: @Sendable (String) -> Void) async throws -> Produced {
        if tier.isLocal, let generated, !generated.text.isEmpty {
            // A cascade already generated the local answer while assessing.
            onText(generated.text)
            return Produced(text: generated.text, answerTokens: generated.generatedTokens, measuredCost: nil)
        }
        if tier.isLocal, let local {
            let answer = try await local.answerer.answer(question, onText: onText)
            guard !answer.text.isEmpty else { throw EmptyAnswer(tier: tier, detail: "the local model returned nothing") }
            return Produced(text: answer.text, answerTokens: answer.generatedTokens, measuredCost: nil)
        }
        guard let remote else { throw EmptyAnswer(tier: tier, detail: "no remote agent") }
        let driver = remote.driver(for: tier, session: session, continuing: continuing)
        var answer = try await driver.ask(question)
        guard !answer.text.isEmpty else {
            let detail = answer.permissions.isEmpty ? "the agent gave no answer"
                : "the agent gave no answer (permissions: \(answer.permissions.joined(separator: "; ")))"
            throw EmptyAnswer(tier: tier, detail: detail)
        }
        // The answer goes out at once; its usage follows from the agent's transcript.
        onText(answer.text)
        answer = await driver.measureUsage(answer)
        let measurement = remote.measure(answer, tier: tier)
        return Produced(text: answer.text, answerTokens: nil, measuredCost: measurement?.usd ?? answer.costDeltaUsd,
                        measurement: measurement,
                        lostDelivery: answer.retried ? (answer.retryReason ?? "the agent exited; restarted and asked again") : nil,
                        agent: RoutedAnswer.AgentDelivery(session: answer.session, permissionMode: answer.permissionMode.rawValue,
                                                          delivery: answer.delivery.rawValue, permissions: answer.permissions,
                                                          answerSource: answer.answerSource.rawValue,
                                                          deliveryVerified: answer.deliveryVerified))
    }

    private func finish(_ question: String, id: String, route: Route, assessment: AssessmentOutcome, tier: Tier,
                        produced: Produced, attempts: [Attempt], questionTokens: Int?, start: ContinuousClock.Instant) async -> RoutedAnswer {
        let answered = ContinuousClock.now
        let qTokens: Int
        if let questionTokens { qTokens = questionTokens } else { qTokens = await countTokens(question) }
        let aTokens: Int
        if let counted = produced.answerTokens { aTokens = counted } else { aTokens = await countTokens(produced.text) }
        let estimate = CostEstimate(inputTokens: qTokens, outputTokens: aTokens, price: configuration.tiers.price(of: tier))
        var reasons: [String] = []
        if let skipped = assessment.skippedReason { reasons.append("not assessed (\(skipped))") }
        if let lost = produced.lostDelivery { reasons.append("\(tier.name): \(lost)") }
        if tier != route.tier {
            let failures = attempts.filter { $0.error != nil }.map { "\($0.tier.name): \($0.error!)" }
            reasons.append("\(failures.joined(separator: "; ")); answered by \(tier.name)")
        }
        let answerMs = (answered - start).milliseconds
        let discarded = tier.isLocal ? nil : assessment.localAnswer
        return RoutedAnswer(
            id: id, question: question, route: route, assessment: assessment.assessment, tierUsed: tier,
            answer: produced.text, costUsd: produced.measuredCost ?? estimate.usd,
            timingsMs: .init(assess: assessment.ms, answer: answerMs, total: assessment.ms + answerMs),
            degraded: !reasons.isEmpty, degradedReason: reasons.isEmpty ? nil : reasons.joined(separator: "; "),
            answerTokens: aTokens, questionTokens: qTokens, costEstimatedUsd: estimate.usd,
            costMeasuredUsd: produced.measuredCost, measurement: produced.measurement, attempts: attempts,
            discardedLocalAnswer: discarded?.text, discardedLocalAnswerTokens: discarded?.generatedTokens, agent: produced.agent)
    }

    static func isCancellation(_ error: any Error) -> Bool {
        if Task.isCancelled || error is CancellationError { return true }
        if let error = error as? LlamaError, error.code == .cancelled { return true }
        if let error = error as? RemoteError, error.code == .cancelled { return true }
        return false
    }

    /// The question with surrounding whitespace removed; a question that is empty or holds
    /// characters no terminal agent can receive as text (NUL, control characters, escape
    /// sequences, invisible formatting characters) is refused before anything is sent.
    public static func validated(_ question: String) throws -> String {
        let trimmed = question.trimmingCharacters(in: .whitespacesAndNewlines)
        do { try QuestionText.validate(trimmed) } catch {
            throw RoutingError(problem: error.description.components(separatedBy: " — ").first ?? error.description,
                               fix: error.description.components(separatedBy: " — ").dropFirst().joined(separator: " — "))
        }
        return trimmed
    }
}

/// A tier that ran but produced no answer (e.g. every tool it needed was denied).
struct EmptyAnswer: Error, CustomStringConvertible {
    var tier: Tier
    var detail: String
    var description: String { detail }
}
