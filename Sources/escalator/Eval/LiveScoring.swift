import Evaluation
import Foundation
import LlamaClient
import Routing

/// A live self-assessment strategy as a `ScoreSource`: score = 1 − P(local correct) from the
/// local model, uncalibrated (the assessor runs with the identity map, so `tune` fits the
/// calibration on raw values). Cached by model, strategy and prompt template.
struct AssessorScoreSource: ScoreSource {
    let assessor: Assessor
    let identity: ScoreCache.Identity

    var strategy: String { identity.strategy }
    var cacheIdentity: ScoreCache.Identity? { identity }

    func score(_ item: DatasetItem) async throws -> Double {
        1 - (try await assessor.assess(Router.validated(item.question)).pLocalCorrect)
    }
}

/// What the live eval commands need from the local model.
struct LiveModel {
    var endpoint: LocalEndpoint
    /// The model's identity for cache keys: the file name of llama-server's `/props` model_path,
    /// else of the configured model.
    var model: String
    /// llama-server's parallel slots (nil when /props does not say).
    var slots: Int?

    static func connect(_ context: CommandContext) async throws -> LiveModel {
        let endpoint = try await context.endpoint()
        let props = try? await endpoint.client.properties()
        let path = props?.modelPath ?? context.settings.local.model
        return LiveModel(endpoint: endpoint, model: URL(fileURLWithPath: path).lastPathComponent, slots: props?.totalSlots)
    }

    /// The cache identity of `strategy` under `template`: the prefix and the strategy's section
    /// are what the request is built from.
    static func identity(model: String, strategy: any AssessmentStrategy, template: PromptTemplate) -> ScoreCache.Identity {
        let text = (template.sections["prefix"] ?? "") + "\u{1F}" + (template.sections[strategy.section] ?? "") + "\u{1F}" + strategy.grammar
        return ScoreCache.Identity(model: model, strategy: strategy.name, template: text)
    }
}
