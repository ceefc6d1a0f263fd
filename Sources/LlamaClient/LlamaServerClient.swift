import Foundation
import Logging
import Synchronization

/// Settings of a ``LlamaServerClient``.
public struct LlamaClientConfiguration: Sendable {
    /// Base URL of llama-server, e.g. `http://127.0.0.1:8080`.
    public var baseURL: String
    /// How long to wait for the TCP connection, in milliseconds.
    public var connectTimeoutMs: Int
    /// Upper bound for one whole request, in milliseconds (0 = none).
    public var requestTimeoutMs: Int
    /// Idle connections kept for reuse (one request runs on a connection at a time).
    public var maxIdleConnections: Int
    /// Sent as `Authorization: Bearer` when the server was started with `--api-key`.
    public var apiKey: String?

    public init(baseURL: String, connectTimeoutMs: Int = 1_000, requestTimeoutMs: Int = 120_000,
                maxIdleConnections: Int = 4, apiKey: String? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.connectTimeoutMs = connectTimeoutMs
        self.requestTimeoutMs = requestTimeoutMs
        self.maxIdleConnections = maxIdleConnections
        self.apiKey = apiKey
    }
}

/// An event of a streamed completion: a piece of text, then the final summary.
public enum CompletionStreamEvent: Sendable {
    case text(String)
    case done(CompletionResponse)
}

/// A client for llama-server's HTTP API over libcurl: health, properties, completions (with
/// token probabilities and grammars), streamed chat, and tokenisation. Connections are pooled
/// and reused; every request honours the connect and total timeouts and task cancellation.
public final class LlamaServerClient: Sendable {
    public let configuration: LlamaClientConfiguration
    private let logger: Logger
    private let idle = Mutex<[HTTPConnection]>([])
    private let counter = Atomic<Int>(0)

    public init(configuration: LlamaClientConfiguration, logger: Logger = Logger(label: "escalator.llama")) {
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: Endpoints

    /// `GET /health`: returns when the server is ready; throws `.loading` while it loads.
    public func health() async throws {
        _ = try await call(.get, "/health")
    }

    /// Polls `/health` until the server is ready, riding through the 503 "Loading model" phase
    /// and (when `whileRefused`) connection refusals of a server that is still starting.
    public func waitUntilReady(timeout: Duration, whileRefused: Bool = false) async throws {
        let start = ContinuousClock.now
        var pause = Duration.milliseconds(20)
        while true {
            do {
                try await health()
                return
            } catch let error as LlamaError where error.code == .loading || (whileRefused && error.code == .connectionRefused) {
                if ContinuousClock.now - start > timeout {
                    throw LlamaError(code: .timeout, url: configuration.baseURL + "/health",
                                     message: "not ready after \(timeout) (last: \(error.message))")
                }
                logger.trace("llama-server not ready yet", metadata: ["code": "\(error.code)"])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(250))
            }
        }
    }

    /// `GET /props`: the model, slot count and per-slot context.
    public func properties() async throws -> ServerProperties {
        try decode(ServerProperties.self, from: try await call(.get, "/props"), path: "/props")
    }

    /// `POST /completion` without streaming.
    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        let body = try JSONEncoder().encode(request)
        return try decode(CompletionResponse.self, from: try await call(.post, "/completion", body: Array(body)), path: "/completion")
    }

    /// `POST /completion` streamed: text pieces as they are generated, then the summary.
    /// Stopping the iteration (or cancelling its task) closes the connection, which cancels
    /// the generation on the server.
    public func streamCompletion(_ request: CompletionRequest) -> AsyncThrowingStream<CompletionStreamEvent, any Error> {
        var request = request
        request.stream = true
        let body = (try? JSONEncoder().encode(request)).map(Array.init) ?? []
        return stream(path: "/completion", body: body) { data in
            let chunk = try JSONDecoder().decode(CompletionChunk.self, from: Data(data.utf8))
            let text: [CompletionStreamEvent] = chunk.content.map { $0.isEmpty ? [] : [.text($0)] } ?? []
            guard chunk.stop == true else { return text }
            // The last event also carries the summary (timings, token counts).
            return text + [.done(try JSONDecoder().decode(CompletionResponse.self, from: Data(data.utf8)))]
        }
    }

    /// `POST /v1/chat/completions` streamed: the answer's text pieces as they arrive.
    public func streamChat(_ request: ChatRequest) -> AsyncThrowingStream<String, any Error> {
        let body = (try? JSONEncoder().encode(request)).map(Array.init) ?? []
        return stream(path: "/v1/chat/completions", body: body) { data in
            if data == "[DONE]" { return [] }
            let chunk = try JSONDecoder().decode(ChatChunk.self, from: Data(data.utf8))
            return chunk.choices.compactMap { $0.delta?.content }.filter { !$0.isEmpty }
        }
    }

    /// `POST /tokenize`: the token ids of `text` (without BOS unless `addSpecial`).
    public func tokenize(_ text: String, addSpecial: Bool = false) async throws -> [Int] {
        struct Body: Encodable { var content: String; var add_special: Bool }
        struct Tokens: Decodable { var tokens: [Int] }
        let body = try JSONEncoder().encode(Body(content: text, add_special: addSpecial))
        return try decode(Tokens.self, from: try await call(.post, "/tokenize", body: Array(body)), path: "/tokenize").tokens
    }

    /// Posts `body` as it is to `path` and returns the raw answer: the bare request, for
    /// benchmarks that compare the client's own overhead with an HTTP round trip.
    public func post(_ path: String, body: [UInt8]) async throws -> [UInt8] {
        try await call(.post, path, body: body)
    }

    // MARK: Plumbing

    private func request(_ method: HTTPRequest.Method, _ path: String, body: [UInt8]?) -> HTTPRequest {
        var headers = ["Accept: application/json"]
        if body != nil { headers.append("Content-Type: application/json") }
        if let key = configuration.apiKey { headers.append("Authorization: Bearer \(key)") }
        return HTTPRequest(method: method, url: configuration.baseURL + path, headers: headers, body: body,
                           connectTimeoutMs: configuration.connectTimeoutMs,
                           totalTimeoutMs: configuration.requestTimeoutMs)
    }

    private func call(_ method: HTTPRequest.Method, _ path: String, body: [UInt8]? = nil) async throws -> [UInt8] {
        let request = request(method, path, body: body)
        let response = try await withConnection { try await $0.send(request) }
        guard (200..<300).contains(response.status) else {
            throw Self.error(status: response.status, body: response.body, url: request.url)
        }
        return response.body
    }

    func stream<Element: Sendable>(path: String, body: [UInt8],
                                           decode: @escaping @Sendable (String) throws -> [Element]) -> AsyncThrowingStream<Element, any Error> {
        let request = request(.post, path, body: body)
        return AsyncThrowingStream { continuation in
            let task = Task {
                let parser = Mutex(ServerSentEventParser())
                let failure = Mutex<(any Error)?>(nil)
                let handle: @Sendable (ServerSentEvent) -> Bool = { event in
                    do {
                        if event.data.hasPrefix("{\"error\"") {
                            throw Self.error(status: 500, body: Array(event.data.utf8), url: request.url)
                        }
                        for element in try decode(event.data) { continuation.yield(element) }
                        return true
                    } catch {
                        failure.withLock { $0 = error }
                        return false
                    }
                }
                do {
                    let response = try await self.withConnection { connection in
                        try await connection.send(request) { bytes in
                            let events = parser.withLock { $0.feed(bytes) }
                            return events.allSatisfy(handle)
                        }
                    }
                    if let error = failure.withLock({ $0 }) { throw error }
                    guard (200..<300).contains(response.status) else {
                        throw Self.error(status: response.status, body: response.body, url: request.url)
                    }
                    if let last = parser.withLock({ $0.finish() }), !handle(last), let error = failure.withLock({ $0 }) {
                        throw error
                    }
                    continuation.finish()
                } catch {
                    if let own = failure.withLock({ $0 }) { continuation.finish(throwing: own) }
                    else { continuation.finish(throwing: error) }
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func withConnection<T: Sendable>(_ body: (HTTPConnection) async throws -> T) async throws -> T {
        let connection: HTTPConnection
        if let reused = idle.withLock({ $0.popLast() }) {
            connection = reused
        } else {
            do {
                connection = try HTTPConnection(label: "\(counter.add(1, ordering: .relaxed).newValue)")
            } catch {
                throw LlamaError(code: .transport, url: configuration.baseURL, message: error.description)
            }
        }
        do {
            let value = try await body(connection)
            release(connection)
            return value
        } catch let error as CurlError {
            release(connection)
            throw translate(error)
        } catch {
            release(connection)
            throw error
        }
    }

    private func release(_ connection: HTTPConnection) {
        idle.withLock { if $0.count < configuration.maxIdleConnections { $0.append(connection) } }
    }

    private func translate(_ error: CurlError) -> LlamaError {
        let code: LlamaError.Code =
            error.isCouldNotConnect ? .connectionRefused :
            error.isTimeout ? .timeout :
            error.isAborted ? .cancelled : .transport
        return LlamaError(code: code, url: configuration.baseURL, message: error.message)
    }

    private func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], path: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            let preview = String(decoding: body.prefix(200), as: UTF8.self)
            throw LlamaError(code: .invalidResponse, url: configuration.baseURL + path,
                             message: "could not read the answer as \(T.self): \(preview)")
        }
    }

    /// Maps an HTTP error answer (llama-server's `{"error":{code,message,type}}`) to a LlamaError.
    static func error(status: Int, body: [UInt8], url: String) -> LlamaError {
        struct Envelope: Decodable {
            struct Inner: Decodable {
                var message: String?
                var type: String?
                var n_prompt_tokens: Int?
                var n_ctx: Int?
            }
            var error: Inner
        }
        let inner = try? JSONDecoder().decode(Envelope.self, from: Data(body)).error
        let message = inner?.message ?? String(decoding: body.prefix(300), as: UTF8.self)
        let code: LlamaError.Code
        switch (status, inner?.type) {
        case (503, _): code = .loading
        case (_, "exceed_context_size_error"): code = .contextExceeded
        case (400..<500, _): code = .badRequest
        default: code = .serverError
        }
        return LlamaError(code: code, url: url, httpStatus: status, serverType: inner?.type, message: message,
                          promptTokens: inner?.n_prompt_tokens, contextSize: inner?.n_ctx)
    }
}
