import Foundation
import LlamaClient
import Logging

/// Runs a self-assessment: one `/completion` request with the question first and the strategy's
/// instruction last, one generated token under the strategy's grammar, and the allowed tokens'
/// probabilities read from `n_probs` and renormalised.
public struct Assessor: Sendable {
    public let client: LlamaServerClient
    public let template: PromptTemplate
    public let strategy: any AssessmentStrategy
    public let calibration: Calibration
    /// How many alternatives to ask for; enough to cover every allowed token.
    public var alternatives: Int = 20
    private let logger: Logger

    public init(client: LlamaServerClient, template: PromptTemplate, strategy: any AssessmentStrategy,
                calibration: Calibration = .identity, logger: Logger = Logger(label: "escalator.assess")) {
        self.client = client
        self.template = template
        self.strategy = strategy
        self.calibration = calibration
        self.logger = logger
    }

    /// The exact request sent for `question` (exposed so benchmarks can send the same bytes).
    public func request(for question: String, slot: Int? = nil) throws -> CompletionRequest {
        CompletionRequest(prompt: try template.render(strategy.section, question: question),
                          nPredict: 1, temperature: 0, cachePrompt: true, idSlot: slot,
                          grammar: strategy.grammar, nProbs: alternatives)
    }

    /// Assesses `question`. `slot` pins a llama-server slot so the answer reuses the cached prefix.
    public func assess(_ question: String, slot: Int? = nil) async throws -> Assessment {
        if strategy is any LearnedAssessmentStrategy { return try await assessFully(question).assessment }
        let request = try request(for: question, slot: slot)
        let start = ContinuousClock.now
        let response = try await client.complete(request)
        let elapsed = ContinuousClock.now - start
        guard let token = response.completionProbabilities?.first else {
            throw LlamaError(code: .invalidResponse, url: client.configuration.baseURL + "/completion",
                             message: "the answer has no completion_probabilities (is n_probs supported by this llama-server?)")
        }
        let distribution = AllowedTokenDistribution(token: token, labels: strategy.labels, label: strategy.label(for:))
        let raw = strategy.score(distribution)
        let timings = response.timings
        let assessment = Assessment(
            strategy: strategy.name, pLocalCorrect: calibration.apply(raw), rawScore: raw,
            calibration: calibration.kind, distribution: distribution.probabilities,
            allowedMass: distribution.allowedMass, fellBackToSampled: distribution.fellBackToSampled,
            sampledToken: token.token,
            promptTokens: (timings?.promptN ?? 0) + (timings?.cacheN ?? 0), cachedTokens: timings?.cacheN ?? 0,
            generatedTokens: response.tokensPredicted ?? timings?.predictedN ?? 1,
            elapsedMs: elapsed.milliseconds, promptMs: timings?.promptMs ?? 0, predictedMs: timings?.predictedMs ?? 0)
        logger.debug("assessed", metadata: ["p": "\(assessment.pLocalCorrect)", "strategy": "\(strategy.name)"])
        return assessment
    }
}

extension Assessor {
    /// Assesses `question` and, for a cascade strategy (``AnswerLogprobStrategy``, a combined
    /// router using answer confidence), returns the local answer it generated with `answerer`
    /// (default: the template's answer prompt, 256 tokens at most).
    public func assessFully(_ question: String, answerer: LocalAnswerer? = nil) async throws -> LearnedAssessment {
        guard let learned = strategy as? any LearnedAssessmentStrategy else {
            return LearnedAssessment(assessment: try await assess(question))
        }
        let context = AssessmentContext(client: client, template: template, calibration: calibration,
                                        answerer: answerer ?? LocalAnswerer(client: client, template: template))
        return try await learned.assess(question, context: context)
    }
}

extension Duration {
    /// The duration in milliseconds, as a floating-point number.
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
