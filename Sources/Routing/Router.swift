import Foundation
import LlamaClient
import Logging

/// The path of one question: self-assessment, policy decision, answer. Remote tiers are not
/// wired yet, so a question the policy escalates is answered locally and marked degraded.
public struct Router: Sendable {
    public let assessor: Assessor
    public let answerer: LocalAnswerer
    public let policy: Policy
    private let logger: Logger

    public init(assessor: Assessor, answerer: LocalAnswerer, policy: Policy, logger: Logger = Logger(label: "escalator.router")) {
        self.assessor = assessor
        self.answerer = answerer
        self.policy = policy
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
        if !route.tier.isLocal {
            degradedReason = "remote tier \(route.tier.name) is not available in this version; answered locally"
        }
        let local = try await answerer.answer(question, onText: onText)
        let end = ContinuousClock.now
        return RoutedAnswer(
            id: id, question: question, route: route, assessment: assessment, tierUsed: .local, answer: local.text,
            costUsd: 0,
            timingsMs: .init(assess: (assessed - start).milliseconds, answer: (end - assessed).milliseconds,
                             total: (end - start).milliseconds),
            degraded: degradedReason != nil, degradedReason: degradedReason)
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
