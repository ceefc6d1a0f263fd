import Foundation

/// One embedding request's answer: a vector per input, in input order, and the model that made them.
public struct EmbeddingResponse: Sendable {
    /// One vector per input text, in the order the texts were given.
    public var vectors: [[Float]]
    /// The `model` field of the answer (llama-server: the model path or its alias).
    public var model: String?
    /// Prompt tokens the server evaluated for the whole request, when it says.
    public var promptTokens: Int?
}

extension LlamaServerClient {
    /// `POST /v1/embeddings` for `texts` (one request, one pooled vector per text).
    ///
    /// llama-server answers only when started with `--embeddings` and a pooling mode other than
    /// `none` (e.g. `--pooling mean`); otherwise it refuses with 501 `not_supported_error`, which
    /// arrives here as a ``LlamaError`` with code `.serverError` and the server's message. Vectors
    /// are normalised by the server (Euclidean norm, its default `embd_normalize = 2`).
    public func embeddings(_ texts: [String]) async throws -> EmbeddingResponse {
        struct Body: Encodable { var input: [String]; var encoding_format = "float" }
        struct Answer: Decodable {
            struct Item: Decodable { var index: Int?; var embedding: [Float] }
            struct Usage: Decodable { var prompt_tokens: Int? }
            var data: [Item]
            var model: String?
            var usage: Usage?
        }
        guard !texts.isEmpty else { return EmbeddingResponse(vectors: [], model: nil, promptTokens: 0) }
        let body = try JSONEncoder().encode(Body(input: texts))
        let raw = try await post("/v1/embeddings", body: Array(body))
        let url = configuration.baseURL + "/v1/embeddings"
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: Data(raw))
        } catch {
            throw LlamaError(code: .invalidResponse, url: url,
                             message: "could not read the embeddings: \(String(decoding: raw.prefix(200), as: UTF8.self))")
        }
        guard answer.data.count == texts.count else {
            throw LlamaError(code: .invalidResponse, url: url,
                             message: "asked for \(texts.count) embeddings, got \(answer.data.count)")
        }
        var vectors = [[Float]](repeating: [], count: texts.count)
        for (position, item) in answer.data.enumerated() {
            let index = item.index ?? position
            guard vectors.indices.contains(index), vectors[index].isEmpty else {
                throw LlamaError(code: .invalidResponse, url: url, message: "embedding index \(index) is out of order or repeated")
            }
            vectors[index] = item.embedding
        }
        let width = vectors.first?.count ?? 0
        guard width > 0, vectors.allSatisfy({ $0.count == width }) else {
            throw LlamaError(code: .invalidResponse, url: url, message: "embeddings are empty or of different lengths")
        }
        return EmbeddingResponse(vectors: vectors, model: answer.model, promptTokens: answer.usage?.prompt_tokens)
    }
}
