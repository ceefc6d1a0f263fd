import Foundation
import LlamaClient
import Logging

/// A local answer and what producing it cost.
public struct LocalAnswer: Sendable, Codable, Equatable {
    public var text: String
    public var promptTokens: Int
    public var cachedTokens: Int
    public var generatedTokens: Int
    public var elapsedMs: Double
}

/// Answers a question with the local model through the template's `answer` section, streaming
/// the text as it is generated. The prompt starts with the same prefix as the assessment, so
/// llama-server reuses the cached question.
public struct LocalAnswerer: Sendable {
    public let client: LlamaServerClient
    public let template: PromptTemplate
    public var maxTokens: Int
    public var temperature: Double
    public var stop: [String]

    public init(client: LlamaServerClient, template: PromptTemplate, maxTokens: Int = 256, temperature: Double = 0,
                stop: [String] = ["\nQuestion:", "\n\n\n"]) {
        self.client = client
        self.template = template
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.stop = stop
    }

    /// Answers `question`; `onText` receives each generated piece (for live output).
    public func answer(_ question: String, slot: Int? = nil,
                       onText: @Sendable (String) -> Void = { _ in }) async throws -> LocalAnswer {
        let request = CompletionRequest(prompt: try template.render("answer", question: question),
                                        nPredict: maxTokens, temperature: temperature, cachePrompt: true,
                                        idSlot: slot, stop: stop + template.restartMarkers)
        let start = ContinuousClock.now
        var text = ""
        var summary: CompletionResponse?
        for try await event in client.streamCompletion(request) {
            switch event {
            case .text(let piece):
                text += piece
                onText(piece)
            case .done(let final):
                summary = final
            }
        }
        let timings = summary?.timings
        return LocalAnswer(text: text.trimmingCharacters(in: .whitespacesAndNewlines),
                           promptTokens: (timings?.promptN ?? 0) + (timings?.cacheN ?? 0),
                           cachedTokens: timings?.cacheN ?? 0,
                           generatedTokens: summary?.tokensPredicted ?? timings?.predictedN ?? 0,
                           elapsedMs: (ContinuousClock.now - start).milliseconds)
    }
}
