import Foundation
import TestSupport
import Testing
@testable import LlamaClient

/// `/v1/embeddings` and the token-probability stream against a real llama-server.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(LlamaServerFixture.isAvailable)))
struct EmbeddingIntegrationTests {
    func client(_ url: String) -> LlamaServerClient {
        LlamaServerClient(configuration: .init(baseURL: url, connectTimeoutMs: 1000, requestTimeoutMs: 60_000))
    }

    @Test func embeddingsArePooledUnitVectorsInInputOrder() async throws {
        let server = try LlamaServerFixture(context: 4096, parallel: 2,
                                            extraArguments: ["--embeddings", "--pooling", "mean", "-b", "2048", "-ub", "2048"])
        defer { server.stop() }
        let c = client(server.url)
        try await c.waitUntilReady(timeout: .seconds(60), whileRefused: true)
        let texts = ["What is the capital of France?", "Integrate x^2 from 0 to 1.", "What is the capital of France?"]
        let answer = try await c.embeddings(texts)
        #expect(answer.vectors.count == 3)
        let width = answer.vectors[0].count
        #expect(width == 640, "gemma-3-270m has 640-dimensional embeddings")
        for v in answer.vectors {
            let norm = v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-3, "norm \(norm)")
        }
        let same = zip(answer.vectors[0], answer.vectors[2]).map { Double($0) * Double($1) }.reduce(0, +)
        let different = zip(answer.vectors[0], answer.vectors[1]).map { Double($0) * Double($1) }.reduce(0, +)
        #expect(same > 0.999 && different < same, "cosine same \(same), different \(different)")
        #expect(answer.model?.hasSuffix(".gguf") == true)
        #expect(try await c.embeddings([]).vectors.isEmpty)
    }

    @Test func aServerWithoutEmbeddingsSaysHowToStartOne() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let c = client(server.url)
        try await c.waitUntilReady(timeout: .seconds(60), whileRefused: true)
        let error = await #expect(throws: LlamaError.self) { try await c.embeddings(["hello"]) }
        #expect(error?.httpStatus == 501 && error?.message.contains("--embeddings") == true, "\(String(describing: error))")

        // The same server streams a completion with one log-probability per token.
        var pieces: [(String, Double?)] = []
        var summary: CompletionResponse?
        for try await event in c.streamCompletionTokens(CompletionRequest(prompt: "The capital of France is", nPredict: 8, temperature: 0)) {
            switch event {
            case .token(let text, let logprob): pieces.append((text, logprob))
            case .done(let final): summary = final
            }
        }
        let done = try #require(summary)
        #expect(pieces.count == done.tokensPredicted, "\(pieces.count) pieces for \(done.tokensPredicted ?? -1) tokens")
        #expect(pieces.allSatisfy { ($0.1 ?? 1) <= 0 }, "log-probabilities are at most 0")
        #expect(pieces.filter { $0.1 != nil }.count == pieces.count)
    }
}
