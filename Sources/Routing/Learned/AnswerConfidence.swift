import Foundation
import LlamaClient

/// How confident the local model was in an answer it generated: its tokens' log-probabilities
/// (llama-server's full-vocabulary softmax, before sampling), reduced to the mean and the minimum.
public struct AnswerConfidence: Sendable, Equatable, Codable {
    /// Mean natural-log probability per generated token.
    public var meanLogprob: Double
    /// The least likely token's log-probability.
    public var minLogprob: Double
    /// Tokens with a probability.
    public var tokens: Int

    /// Log-probabilities below this are taken as this (llama-server encodes probability 0 as the
    /// lowest float).
    public static let floor = -50.0

    /// The confidence of `logprobs`; no tokens give probability 0 (nothing to trust).
    public init(logprobs: [Double]) {
        let values = logprobs.map { $0.isFinite ? max(Self.floor, $0) : Self.floor }
        tokens = values.count
        meanLogprob = values.isEmpty ? Self.floor : values.reduce(0, +) / Double(values.count)
        minLogprob = values.min() ?? Self.floor
    }

    /// exp(mean): the geometric-mean token probability.
    public var meanProbability: Double { exp(meanLogprob) }
    /// exp(min): the least likely token's probability.
    public var minProbability: Double { exp(minLogprob) }

    /// The probability `reduce` names.
    public func probability(_ reduce: Settings.AssessmentSettings.Confidence) -> Double {
        switch reduce {
        case .mean: meanProbability
        case .min: minProbability
        }
    }
}

extension LocalAnswerer {
    /// Answers `question` as ``answer(_:slot:onText:)`` does (same prompt, so the same cached
    /// prefix), streamed with `n_probs`, and returns the answer with its token confidence.
    public func answerWithConfidence(_ question: String, slot: Int? = nil,
                                     onText: @Sendable (String) -> Void = { _ in }) async throws -> (LocalAnswer, AnswerConfidence) {
        let request = CompletionRequest(prompt: try template.render("answer", question: question),
                                        nPredict: maxTokens, temperature: temperature, cachePrompt: true,
                                        idSlot: slot, nProbs: 1, stop: stop + template.restartMarkers)
        let start = ContinuousClock.now
        var text = ""
        var logprobs: [Double] = []
        var summary: CompletionResponse?
        for try await event in client.streamCompletionTokens(request) {
            switch event {
            case .token(let piece, let logprob):
                text += piece
                if let logprob { logprobs.append(logprob) }
                onText(piece)
            case .done(let final):
                summary = final
            }
        }
        let timings = summary?.timings
        let answer = LocalAnswer(text: text.trimmingCharacters(in: .whitespacesAndNewlines),
                                 promptTokens: (timings?.promptN ?? 0) + (timings?.cacheN ?? 0),
                                 cachedTokens: timings?.cacheN ?? 0,
                                 generatedTokens: summary?.tokensPredicted ?? timings?.predictedN ?? logprobs.count,
                                 elapsedMs: (ContinuousClock.now - start).milliseconds)
        return (answer, AnswerConfidence(logprobs: logprobs))
    }
}
