import Foundation
import LlamaClient

/// One way of asking the local model how likely it is to answer a question correctly, in a
/// single one-token request. Strategies differ in the prompt section they append, the grammar
/// that constrains the token, and how the token's distribution becomes a score.
public protocol AssessmentStrategy: Sendable {
    /// The name used in config (`[assessment] strategy`) and in results.
    var name: String { get }
    /// The template section appended after the shared prefix.
    var section: String { get }
    /// GBNF grammar allowing exactly the answers this strategy reads.
    var grammar: String { get }
    /// The allowed answers, as labels.
    var labels: [String] { get }
    /// The label a generated token's text counts for, or nil if it is not allowed.
    func label(for token: String) -> String?
    /// The raw P(local answer correct) in [0, 1], before calibration.
    func score(_ distribution: AllowedTokenDistribution) -> Double
}

/// The strategies escalator knows, by config name.
public enum AssessmentStrategies {
    /// The one-token prompt strategies.
    public static let all: [any AssessmentStrategy] = [DigitScaleStrategy(), YesNoStrategy()]

    /// The learned strategies (see ``LearnedAssessmentStrategy``): heads on the question's
    /// embedding, the local answer's token confidence (a cascade), and a combination.
    public static let learnedNames = Settings.AssessmentSettings.Strategy.allCases.filter(\.isLearned).map(\.rawValue)

    /// Every strategy's config name (``Settings/AssessmentSettings/Strategy``).
    public static var names: [String] { Settings.AssessmentSettings.Strategy.allCases.map(\.rawValue) }

    /// The learned strategies that read the question's embedding (an embeddings server is needed).
    public static let embeddingNames = Set(Settings.AssessmentSettings.Strategy.allCases.filter(\.needsEmbeddings).map(\.rawValue))

    /// The strategy called `name`, or an error listing the known names. Learned strategies made
    /// here read the config file and environment on first use; prefer
    /// ``named(_:settings:embeddingCache:)`` where the settings are at hand.
    public static func named(_ name: String) throws -> any AssessmentStrategy {
        try named(name, settings: nil)
    }

    /// The configured strategy; learned strategies take their router file, embedding server and
    /// confidence from `settings`.
    public static func named(_ strategy: Settings.AssessmentSettings.Strategy, settings: Settings?,
                             embeddingCache: String? = nil) throws -> any AssessmentStrategy {
        try named(strategy.rawValue, settings: settings, embeddingCache: embeddingCache)
    }

    /// The strategy called `name`; learned strategies take their router file, embedding server
    /// and confidence from `settings` (`embeddingCache`: the cache file, nil = the default, "" = none).
    public static func named(_ name: String, settings: Settings?, embeddingCache: String? = nil) throws -> any AssessmentStrategy {
        if let strategy = all.first(where: { $0.name == name }) { return strategy }
        guard learnedNames.contains(name) else {
            throw RoutingError(problem: "unknown assessment strategy \"\(name)\"",
                               fix: "use one of: \(names.joined(separator: ", "))")
        }
        return learned(name, runtime: LearnedRuntime(settings: settings, embeddingCache: embeddingCache))!
    }

    /// The learned strategy `name` over a shared runtime (router file from the runtime's settings).
    public static func learned(_ name: String, runtime: LearnedRuntime, routerPath: String? = nil) -> (any LearnedAssessmentStrategy)? {
        switch name {
        case "embedding-logistic": EmbeddingRouterStrategy(kind: .logistic, routerPath: routerPath, runtime: runtime)
        case "embedding-knn": EmbeddingRouterStrategy(kind: .knn, routerPath: routerPath, runtime: runtime)
        case "answer-logprob": AnswerLogprobStrategy(runtime: runtime)
        case "combined": CombinedStrategy(routerPath: routerPath, runtime: runtime)
        default: nil
        }
    }
}

/// The model rates difficulty from 1 (trivial) to 9 (impossible); the score is the expected
/// value under the digit distribution, mapped to P(correct) = (9 − E[difficulty]) / 8.
/// A 1-9 scale keeps every answer a single token (“10” would be two).
public struct DigitScaleStrategy: AssessmentStrategy {
    public init() {}
    public var name: String { "digit-scale" }
    public var section: String { "digit-scale" }
    public var grammar: String { "root ::= [1-9]" }
    public var labels: [String] { (1...9).map(String.init) }

    public func label(for token: String) -> String? {
        let t = token.trimmingCharacters(in: .whitespaces)
        guard t.count == 1, let d = Int(t), (1...9).contains(d) else { return nil }
        return t
    }

    public func score(_ distribution: AllowedTokenDistribution) -> Double {
        let expected = labels.reduce(0.0) { $0 + Double(Int($1)!) * (distribution.probabilities[$1] ?? 0) }
        return min(1, max(0, (9 - expected) / 8))
    }
}

/// The model answers " Yes" or " No" to "can you answer this correctly without tools?"
/// (P(IK), Kadavath et al. 2022); the score is P(yes) over both answers.
public struct YesNoStrategy: AssessmentStrategy {
    public init() {}
    public var name: String { "yes-no" }
    public var section: String { "yes-no" }
    public var grammar: String { #"root ::= " Yes" | " No""# }
    public var labels: [String] { ["yes", "no"] }

    public func label(for token: String) -> String? {
        switch token.trimmingCharacters(in: .whitespaces).lowercased() {
        case "yes": return "yes"
        case "no": return "no"
        default: return nil
        }
    }

    public func score(_ distribution: AllowedTokenDistribution) -> Double {
        distribution.probabilities["yes"] ?? 0
    }
}
