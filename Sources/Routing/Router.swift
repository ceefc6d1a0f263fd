import Foundation
import LlamaClient
import Logging

/// The path of one question: self-assessment, policy decision, answer. An escalated question
/// goes to its tier's agent session; if the agent cannot answer (usage limit, API error, crash,
/// unreachable host) or no remote is configured, it is answered locally and marked degraded
/// with the reason, never dropped.
public struct Router: Sendable {
    public let assessor: Assessor
    public let answerer: LocalAnswerer
    public let policy: Policy
    /// The remote tiers; nil when none is configured.
    public let remote: RemoteAgents?
    private let logger: Logger

    public init(assessor: Assessor, answerer: LocalAnswerer, policy: Policy, remote: RemoteAgents? = nil,
                logger: Logger = Logger(label: "escalator.router")) {
        self.assessor = assessor
        self.answerer = answerer
        self.policy = policy
        self.remote = remote
        self.logger = logger
    }

    /// Routes and answers `question`. `onText` receives local answer text as it streams.
    public func ask(_ question: String, choice: TierChoice = .auto, id: String = RoutedAnswer.newID(),
                    onText: @Sendable (String) -> Void = { _ in }) async throws -> RoutedAnswer {
        let question = try Self.validated(question)
        let start = ContinuousClock.now
        var assessment: Assessment?
        if choice == .auto {
            // llama-server picks the slot whose cache shares the longest prefix, so the answer
            // below reuses the question the assessment just processed.
            assessment = try await assessor.assess(question)
        }
        let assessed = ContinuousClock.now
        let route = policy.decide(p: assessment?.pLocalCorrect, choice: choice)
        logger.debug("routed", metadata: ["tier": "\(route.tier)", "reason": "\(route.reason)"])
        var degradedReason: String?
        var tierUsed = Tier.local
        var text: String?
        var cost = 0.0
        if !route.tier.isLocal {
            if let remote {
                do {
                    let answer = try await remote.driver(for: route.tier).ask(question)
                    if answer.text.isEmpty {
                        degradedReason = "\(route.tier.name) gave no answer (permissions: \(answer.permissions.joined(separator: "; "))); answered locally"
                    } else {
                        text = answer.text
                        tierUsed = route.tier
                        cost = answer.costDeltaUsd ?? 0
                        onText(answer.text)
                    }
                } catch {
                    degradedReason = "\(route.tier.name) failed (\(error)); answered locally"
                    logger.debug("remote tier failed; falling back to local", metadata: ["error": "\(error)"])
                }
            } else {
                degradedReason = "no remote agent is configured for \(route.tier.name); answered locally"
            }
        }
        var answerTokens: Int?
        if text == nil {
            let local = try await answerer.answer(question, onText: onText)
            text = local.text
            answerTokens = local.generatedTokens
        }
        let end = ContinuousClock.now
        return RoutedAnswer(
            id: id, question: question, route: route, assessment: assessment, tierUsed: tierUsed, answer: text ?? "",
            costUsd: cost,
            timingsMs: .init(assess: (assessed - start).milliseconds, answer: (end - assessed).milliseconds,
                             total: (end - start).milliseconds),
            degraded: degradedReason != nil, degradedReason: degradedReason, answerTokens: answerTokens)
    }

    /// The question with surrounding whitespace removed; empty questions are refused.
    public static func validated(_ question: String) throws -> String {
        let trimmed = question.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw RoutingError(problem: "the question is empty", fix: "pass the question as an argument or on standard input")
        }
        return trimmed
    }
}
