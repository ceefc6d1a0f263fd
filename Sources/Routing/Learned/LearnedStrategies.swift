import Foundation
import LlamaClient
import Logging

/// An assessment strategy that is not one prompted token: a head trained on the local model's
/// embeddings of the question, the local answer's own token confidence (a cascade: the answer
/// is generated first), or a combination. It plugs into ``Assessor`` and ``Router`` like the
/// prompt strategies; its raw score is still P(local answer correct) before calibration.
public protocol LearnedAssessmentStrategy: AssessmentStrategy {
    /// Assesses `question`; a cascade also returns the local answer it generated, which the
    /// router then uses (answered locally) or records as discarded (escalated).
    func assess(_ question: String, context: AssessmentContext) async throws -> LearnedAssessment
}

extension LearnedAssessmentStrategy {
    // The one-token parts do not apply.
    public var section: String { "" }
    public var grammar: String { "" }
    public var labels: [String] { [] }
    public func label(for token: String) -> String? { nil }
    public func score(_ distribution: AllowedTokenDistribution) -> Double { 0 }
}

/// What a learned strategy may use: the local model and its prompts, the calibration, and the
/// answerer a cascade generates the local answer with.
public struct AssessmentContext: Sendable {
    public var client: LlamaServerClient
    public var template: PromptTemplate
    public var calibration: Calibration
    public var answerer: LocalAnswerer

    public init(client: LlamaServerClient, template: PromptTemplate, calibration: Calibration, answerer: LocalAnswerer) {
        self.client = client
        self.template = template
        self.calibration = calibration
        self.answerer = answerer
    }
}

/// A learned strategy's result: the assessment and, for a cascade, the local answer.
public struct LearnedAssessment: Sendable {
    public var assessment: Assessment
    public var localAnswer: LocalAnswer?

    public init(assessment: Assessment, localAnswer: LocalAnswer? = nil) {
        self.assessment = assessment
        self.localAnswer = localAnswer
    }
}

/// What the learned strategies share in one process: the settings, the embedding server (started
/// once, on first use) and the router files (read once). Settings may be given late: without
/// them, the config file and `ESCALATOR_*` variables of the environment are read on first use.
public actor LearnedRuntime {
    private let givenSettings: Settings?
    private let embeddingCachePath: String?
    private let logger: Logger
    private var resolved: Settings?
    private var connecting: Task<Embedder, any Error>?
    private var routers: [String: RouterModel] = [:]

    /// `embeddingCache`: the cache file (nil = `embedding-cache.bin` in escalator's cache folder;
    /// "" = no cache).
    public init(settings: Settings?, embeddingCache: String? = nil, logger: Logger = Logger(label: "escalator.learned")) {
        givenSettings = settings
        embeddingCachePath = embeddingCache
        self.logger = logger
    }

    /// The settings in force.
    public func settings() -> Settings {
        if let resolved { return resolved }
        let environment = ProcessInfo.processInfo.environment
        let settings = givenSettings ?? (try? Settings.load(configFile: nil, environment: environment)) ?? Settings(paths: Paths(environment: environment))
        resolved = settings
        return settings
    }

    /// The default embedding cache file.
    public static func defaultCachePath(_ settings: Settings) -> String {
        (settings.paths.cache as NSString).appendingPathComponent("embedding-cache.bin")
    }

    /// The embedder, connecting (or starting) the embedding server on first use.
    public func embedder() async throws -> Embedder {
        if let connecting { return try await connecting.value }
        let settings = settings()
        let cachePath = embeddingCachePath ?? Self.defaultCachePath(settings)
        let logger = logger
        let task = Task<Embedder, any Error> {
            let endpoint = try await EmbeddingEndpoint.connect(settings, logger: logger)
            let cache = cachePath.isEmpty ? nil : try EmbeddingCache(path: cachePath)
            return Embedder(endpoint: endpoint, cache: cache, batch: settings.embedding.batch)
        }
        connecting = task
        do {
            return try await task.value
        } catch {
            connecting = nil
            throw error
        }
    }

    /// The router file at `path`, read once.
    public func router(at path: String) throws -> RouterModel {
        if let model = routers[path] { return model }
        let model = try RouterModel.load(path: path)
        routers[path] = model
        return model
    }

    /// The embedding router at `path` checked against the embedding server: it must be of
    /// `kind` and trained on the model the server runs.
    public func embeddingRouter(at path: String, kind: RouterModel.Kind) async throws -> (RouterModel, Embedder) {
        let model = try router(at: path)
        guard model.kind == kind else {
            throw RoutingError(problem: "router file \(path) is a \(model.kind.rawValue) router, not \(kind.rawValue)",
                               fix: "use --strategy \(model.kind.rawValue), or point [assessment] router at a \(kind.rawValue) router file")
        }
        let embedder = try await embedder()
        try Self.check(model, path: path, against: embedder.model)
        return (model, embedder)
    }

    /// Refuses a router trained on another embedding model, naming both.
    public static func check(_ model: RouterModel, path: String, against server: String) throws {
        guard let identity = model.embedding else { return }
        guard identity.model == server else {
            throw RoutingError(problem: "router file \(path) was trained on embeddings of \(identity.model), but the embedding server runs \(server)",
                               fix: "retrain it with `escalator router train` on \(server)'s embeddings, or set [embedding] model (or [embedding] url) to \(identity.model)")
        }
    }
}

/// `embedding-logistic` and `embedding-knn`: the router file's head applied to the question's
/// embedding. Raw P(local correct) = 1 − the head's P(wrong).
public struct EmbeddingRouterStrategy: LearnedAssessmentStrategy {
    public let kind: RouterModel.Kind
    /// The router file; nil = the settings' `routerFile`.
    public let routerPath: String?
    public let runtime: LearnedRuntime

    public init(kind: RouterModel.Kind, routerPath: String?, runtime: LearnedRuntime) {
        self.kind = kind
        self.routerPath = routerPath
        self.runtime = runtime
    }

    public var name: String { kind.rawValue }

    /// The router file this strategy reads.
    public func resolvedRouterPath() async -> String {
        if let routerPath { return routerPath }
        return await runtime.settings().routerFile
    }

    /// The head's P(local wrong) for `question`.
    public func probabilityWrong(_ question: String) async throws -> Double {
        let path = await resolvedRouterPath()
        let (model, embedder) = try await runtime.embeddingRouter(at: path, kind: kind)
        return try model.probabilityWrong(embedding: try await embedder.vector(for: question))
    }

    public func assess(_ question: String, context: AssessmentContext) async throws -> LearnedAssessment {
        let start = ContinuousClock.now
        let wrong = try await probabilityWrong(question)
        let raw = 1 - wrong
        return LearnedAssessment(assessment: .learned(strategy: name, raw: raw, calibration: context.calibration,
                                                      features: ["p_local_wrong": wrong], elapsedMs: (ContinuousClock.now - start).milliseconds))
    }
}

/// `answer-logprob`, a cascade: the local answer is generated first (streamed with `n_probs`),
/// and its token confidence is the raw P(local correct): exp(mean log-probability) by default,
/// exp(minimum) with `[assessment] confidence = "min"`; both are reported. Answered locally, the
/// answer is already there; escalated, it is discarded (and the ledger says so).
public struct AnswerLogprobStrategy: LearnedAssessmentStrategy {
    /// `mean` or `min`; nil = the settings' `[assessment] confidence`.
    public let reduce: Settings.AssessmentSettings.Confidence?
    public let runtime: LearnedRuntime

    public init(reduce: Settings.AssessmentSettings.Confidence? = nil, runtime: LearnedRuntime) {
        self.reduce = reduce
        self.runtime = runtime
    }

    public var name: String { "answer-logprob" }

    public func assess(_ question: String, context: AssessmentContext) async throws -> LearnedAssessment {
        let start = ContinuousClock.now
        let reduce: Settings.AssessmentSettings.Confidence
        if let given = self.reduce { reduce = given } else { reduce = await runtime.settings().assessment.confidence }
        let (answer, confidence) = try await context.answerer.answerWithConfidence(question)
        let raw = confidence.probability(reduce)
        var assessment = Assessment.learned(strategy: name, raw: raw, calibration: context.calibration,
                                            features: Self.features(confidence), elapsedMs: (ContinuousClock.now - start).milliseconds)
        assessment.promptTokens = answer.promptTokens
        assessment.cachedTokens = answer.cachedTokens
        assessment.generatedTokens = answer.generatedTokens
        return LearnedAssessment(assessment: assessment, localAnswer: answer)
    }

    /// The numbers reported with the assessment.
    public static func features(_ c: AnswerConfidence) -> [String: Double] {
        ["mean_logprob": c.meanLogprob, "min_logprob": c.minLogprob, "p_mean": c.meanProbability,
         "p_min": c.minProbability, "answer_tokens": Double(c.tokens)]
    }
}

/// `combined`: logistic regression (trained by `escalator router train --strategy combined`)
/// over the escalation scores of other strategies (self-rating, embedding heads, answer
/// confidence), each computed live. With an answer-confidence feature it is a cascade.
public struct CombinedStrategy: LearnedAssessmentStrategy {
    public let routerPath: String?
    public let runtime: LearnedRuntime

    public init(routerPath: String?, runtime: LearnedRuntime) {
        self.routerPath = routerPath
        self.runtime = runtime
    }

    public var name: String { "combined" }

    public func model() async throws -> (RouterModel, CombinedHead, String) {
        let path: String
        if let routerPath { path = routerPath } else { path = await runtime.settings().routerFile }
        let model = try await runtime.router(at: path)
        guard model.kind == .combined, let head = model.combined else {
            throw RoutingError(problem: "router file \(path) is a \(model.kind.rawValue) router, not combined",
                               fix: "use --strategy \(model.kind.rawValue), or train a combined router with `escalator router train --strategy combined`")
        }
        return (model, head, path)
    }

    public func assess(_ question: String, context: AssessmentContext) async throws -> LearnedAssessment {
        let start = ContinuousClock.now
        let (_, head, path) = try await model()
        let folder = (path as NSString).deletingLastPathComponent
        var scores: [Double] = []
        var features: [String: Double] = [:]
        var local: (LocalAnswer, AnswerConfidence)?
        for feature in head.features {
            let score: Double
            switch feature.name {
            case "digit-scale", "yes-no":
                let strategy = try AssessmentStrategies.named(feature.name)
                let rating = try await Assessor(client: context.client, template: context.template, strategy: strategy).assess(question)
                score = 1 - rating.rawScore
            case "embedding-logistic", "embedding-knn":
                let file = feature.router.map { $0.hasPrefix("/") ? $0 : (folder as NSString).appendingPathComponent($0) }
                let strategy = EmbeddingRouterStrategy(kind: RouterModel.Kind(rawValue: feature.name)!, routerPath: file, runtime: runtime)
                score = try await strategy.probabilityWrong(question)
            default:  // answer-logprob, answer-logprob-min
                if local == nil { local = try await context.answerer.answerWithConfidence(question) }
                score = 1 - local!.1.probability(feature.name == "answer-logprob-min" ? .min : .mean)
            }
            scores.append(score)
            features[feature.name] = score
        }
        let wrong = head.probabilityWrong(scores: scores)
        features["p_local_wrong"] = wrong
        if let local { features.merge(AnswerLogprobStrategy.features(local.1)) { a, _ in a } }
        var assessment = Assessment.learned(strategy: name, raw: 1 - wrong, calibration: context.calibration, features: features,
                                            elapsedMs: (ContinuousClock.now - start).milliseconds)
        if let answer = local?.0 {
            assessment.promptTokens = answer.promptTokens
            assessment.cachedTokens = answer.cachedTokens
            assessment.generatedTokens = answer.generatedTokens
        }
        return LearnedAssessment(assessment: assessment, localAnswer: local?.0)
    }
}

extension Assessment {
    /// An assessment made without a one-token distribution.
    static func learned(strategy: String, raw: Double, calibration: Calibration, features: [String: Double], elapsedMs: Double) -> Assessment {
        let raw = min(1, max(0, raw.isFinite ? raw : 0))
        return Assessment(strategy: strategy, pLocalCorrect: calibration.apply(raw), rawScore: raw, calibration: calibration.kind,
                          distribution: [:], allowedMass: 1, fellBackToSampled: false, sampledToken: "",
                          promptTokens: 0, cachedTokens: 0, generatedTokens: 0, elapsedMs: elapsedMs,
                          promptMs: 0, predictedMs: 0, features: features)
    }
}
