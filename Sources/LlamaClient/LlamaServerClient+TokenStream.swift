import Foundation

/// An event of a streamed completion read token by token: each generated piece with its
/// log-probability, then the final summary.
public enum TokenStreamEvent: Sendable {
    /// A generated piece of text and the natural-log probability the model gave the token(s)
    /// behind it (nil when the server sent no probabilities for it).
    case token(text: String, logprob: Double?)
    case done(CompletionResponse)
}

extension LlamaServerClient {
    /// `POST /completion` streamed with `n_probs` (at least 1): every generated token with its
    /// log-probability from the full-vocabulary softmax (llama-server's default, pre-sampling
    /// probabilities), then the summary. Stopping the iteration cancels the generation.
    public func streamCompletionTokens(_ request: CompletionRequest) -> AsyncThrowingStream<TokenStreamEvent, any Error> {
        var request = request
        request.stream = true
        if (request.nProbs ?? 0) < 1 { request.nProbs = 1 }
        let body = (try? JSONEncoder().encode(request)).map(Array.init) ?? []
        return stream(path: "/completion", body: body) { data in
            let chunk = try JSONDecoder().decode(ProbabilityChunk.self, from: Data(data.utf8))
            var events: [TokenStreamEvent] = []
            let probabilities = chunk.completionProbabilities ?? []
            if probabilities.isEmpty {
                if let content = chunk.content, !content.isEmpty { events.append(.token(text: content, logprob: nil)) }
            } else if probabilities.count == 1 {
                events.append(.token(text: chunk.content ?? probabilities[0].token, logprob: probabilities[0].logprob))
            } else {
                for entry in probabilities { events.append(.token(text: entry.token, logprob: entry.logprob)) }
            }
            guard chunk.stop == true else { return events }
            return events + [.done(try JSONDecoder().decode(CompletionResponse.self, from: Data(data.utf8)))]
        }
    }
}

/// One chunk of a streamed `/completion` with its token probabilities.
struct ProbabilityChunk: Decodable {
    struct Entry: Decodable {
        var token: String
        var logprob: Double
    }
    var content: String?
    var stop: Bool?
    var completionProbabilities: [Entry]?

    enum CodingKeys: String, CodingKey {
        case content, stop
        case completionProbabilities = "completion_probabilities"
    }
}
