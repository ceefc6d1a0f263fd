import Foundation
import LlamaClient
import TestSupport
import Testing
@testable import Routing

/// Self-assessment and local answers against a real llama-server with the small model.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(LlamaServerFixture.isAvailable)))
struct AssessmentIntegrationTests {
    func client(_ url: String) -> LlamaServerClient {
        LlamaServerClient(configuration: .init(baseURL: url, connectTimeoutMs: 1000, requestTimeoutMs: 60_000))
    }

    @Test func twentyAssessmentsAreValidDistributions() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let c = client(server.url)
        try await c.waitUntilReady(timeout: .seconds(60), whileRefused: true)
        let template = try PromptTemplate(directory: BuiltProducts.packageRoot + "/prompts")
        let questions = ["What is the capital of France?", "What is 17 * 23?", "Prove that there are infinitely many primes.",
                         "Who wrote Hamlet?", "Translate 'good morning' into German."]
        for strategy in AssessmentStrategies.all {
            let assessor = Assessor(client: c, template: template, strategy: strategy)
            for i in 0..<10 {
                let a = try await assessor.assess(questions[i % questions.count])
                let total = a.distribution.values.reduce(0, +)
                #expect(abs(total - 1) < 1e-9, "\(strategy.name): sums to \(total)")
                #expect(Set(a.distribution.keys) == Set(strategy.labels))
                #expect((0...1).contains(a.pLocalCorrect))
                #expect(a.generatedTokens == 1)
                // The grammar admits an allowed answer or a token that starts one (" " of " Yes").
                let admitted = strategy.label(for: a.sampledToken) != nil
                    || (strategy is YesNoStrategy && [" Yes", " No"].contains { $0.hasPrefix(a.sampledToken) })
                #expect(admitted, "sampled \(a.sampledToken) is not allowed by the grammar")
                #expect(a.promptTokens > 10)
            }
        }
    }

    @Test func answerReusesTheAssessmentPrefixAndStreams() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let c = client(server.url)
        try await c.waitUntilReady(timeout: .seconds(60), whileRefused: true)
        let template = try PromptTemplate(directory: BuiltProducts.packageRoot + "/prompts")
        let question = "Name three primary colours."
        _ = try await Assessor(client: c, template: template, strategy: DigitScaleStrategy()).assess(question)
        let pieces = PieceCounter()
        let answer = try await LocalAnswerer(client: c, template: template, maxTokens: 24).answer(question) { _ in pieces.add() }
        #expect(pieces.count > 1, "the answer arrived in one piece; it was not streamed")
        #expect(!answer.text.isEmpty)
        let prefix = template.prefix(question: question)
        let prefixTokens = try await c.tokenize(prefix).count
        #expect(answer.cachedTokens >= prefixTokens - 2, "cached \(answer.cachedTokens) of a \(prefixTokens)-token shared prefix")
    }

}
