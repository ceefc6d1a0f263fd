import Foundation
import LlamaClient
import Logging

/// The llama-server that embeds questions for the learned routers.
///
/// llama-server serves `/v1/embeddings` only when started with `--embeddings` and a pooling
/// mode, and such a server is meant for embeddings (it turns off what generation needs, e.g.
/// speculative decoding), so escalator does not ask the answering server for them: with
/// `[embedding] url` empty it starts and reuses a **second** managed llama-server of the same
/// model (`--embeddings --pooling mean`, loopback, a free port), recorded under
/// `$XDG_STATE_HOME/escalator/embedding/` (`escalator router status|stop`). A user with their
/// own embedding server sets `[embedding] url`.
public struct EmbeddingEndpoint: Sendable {
    public var client: LlamaServerClient
    /// The embedding model's identity: the file name of `/props` model_path (else of the
    /// configured model). Router files record it and refuse vectors of another model.
    public var model: String
    /// Set when the server is the managed one.
    public var managed: ManagedServerState?

    /// The model file the managed embedding server loads.
    public static func modelPath(_ settings: Settings) -> String {
        settings.embedding.model.isEmpty ? settings.local.model : settings.embedding.model
    }

    /// Finds or starts the embedding server described by `settings`.
    public static func connect(_ settings: Settings, logger: Logger) async throws -> EmbeddingEndpoint {
        let client: LlamaServerClient
        var managed: ManagedServerState?
        if settings.embedding.url.isEmpty {
            let state: ManagedServerState
            do {
                state = try await managedServer(settings, logger: logger).ensureRunning()
            } catch let error as ManagedServerError {
                throw RoutingError(problem: "cannot start the embedding llama-server: \(error.message)", fix: error.fix)
            }
            managed = state
            client = LocalEndpoint.client(url: state.url, settings, logger: logger)
        } else {
            client = LocalEndpoint.client(url: settings.embedding.url, settings, logger: logger)
            do {
                try await client.waitUntilReady(timeout: .seconds(settings.local.startTimeoutS))
            } catch let error as LlamaError where error.code == .connectionRefused {
                throw RoutingError(problem: "nothing answers at [embedding] url \(settings.embedding.url)",
                                   fix: "start llama-server there with --embeddings --pooling mean, or leave [embedding] url empty so escalator starts one")
            }
        }
        let props = try? await client.properties()
        let path = props?.modelPath ?? modelPath(settings)
        return EmbeddingEndpoint(client: client, model: URL(fileURLWithPath: path).lastPathComponent, managed: managed)
    }

    /// The managed embedding server (started or not).
    public static func managedServer(_ settings: Settings, logger: Logger) -> ManagedServer {
        let e = settings.embedding
        let perSlot = max(256, e.context / max(1, e.parallel))
        // An embedding is computed in one micro-batch, so the batch sizes must hold a whole question.
        let arguments = ["--embeddings", "--pooling", e.pooling.rawValue, "-b", String(perSlot), "-ub", String(perSlot)]
        return ManagedServer(configuration: .init(
            serverExecutable: LocalEndpoint.serverExecutable(settings) ?? (settings.local.server.isEmpty ? settings.paths.defaultServer : settings.local.server),
            modelPath: modelPath(settings), stateDirectory: stateDirectory(settings),
            contextSize: e.context, parallelSlots: e.parallel, swaFull: false, extraArguments: arguments,
            startTimeout: .seconds(settings.local.startTimeoutS)), logger: logger)
    }

    /// Where the managed embedding server's state file and log live.
    public static func stateDirectory(_ settings: Settings) -> String {
        (settings.paths.state as NSString).appendingPathComponent("embedding")
    }

    /// Embeds `texts` in one request; a server without embeddings is a ``RoutingError`` saying how
    /// to start one.
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        do {
            return try await client.embeddings(texts).vectors
        } catch let error as LlamaError where error.httpStatus == 501 || error.message.contains("--embeddings") {
            throw RoutingError(problem: "the llama-server at \(client.configuration.baseURL) does not serve embeddings (\(error.message))",
                               fix: "start it with --embeddings --pooling mean, or leave [embedding] url empty so escalator starts its own embedding server")
        }
    }

    /// One line for `escalator doctor` / `escalator router status`: whether embeddings can be
    /// had, from where, and (with `start`) proof that the server answers.
    public static func diagnose(_ settings: Settings, start: Bool, logger: Logger) async -> (ok: Bool, detail: String, fix: String?) {
        if !settings.embedding.url.isEmpty {
            let client = LocalEndpoint.client(url: settings.embedding.url, settings, logger: logger)
            do {
                let vectors = try await client.embeddings(["ping"]).vectors
                return (true, "\(settings.embedding.url) serves \(vectors[0].count)-dimensional embeddings", nil)
            } catch {
                return (false, "\(settings.embedding.url): \(error)",
                        "start llama-server there with --embeddings --pooling mean, or leave [embedding] url empty")
            }
        }
        let server = managedServer(settings, logger: logger)
        if let state = server.current() {
            return (true, "managed embedding server pid \(state.pid) at \(state.url) (a second llama-server: --embeddings makes a server embedding-only)", nil)
        }
        if start {
            do {
                let endpoint = try await connect(settings, logger: logger)
                let vectors = try await endpoint.embed(["ping"])
                return (true, "started the managed embedding server at \(endpoint.client.configuration.baseURL): \(endpoint.model), \(vectors[0].count) dimensions", nil)
            } catch {
                return (false, "\(error)", "see \(stateDirectory(settings))/llama-server.log")
            }
        }
        let model = modelPath(settings)
        let ready = LocalEndpoint.serverExecutable(settings) != nil && FileManager.default.isReadableFile(atPath: model)
        return (ready, ready ? "not running; escalator starts a second llama-server (--embeddings --pooling \(settings.embedding.pooling)) of \(URL(fileURLWithPath: model).lastPathComponent) on demand"
                             : "no llama-server binary or model file \(model) for the managed embedding server",
                ready ? nil : "run `make setup`, or set [embedding] url to a llama-server started with --embeddings")
    }
}

/// Embeds texts through an ``EmbeddingEndpoint``, reusing and filling an ``EmbeddingCache``.
/// Repeated texts are embedded once; misses go to the server `batch` at a time.
public final class Embedder: Sendable {
    public let endpoint: EmbeddingEndpoint
    public let cache: EmbeddingCache?
    public let batch: Int
    /// Longer texts are cut to this many UTF-8 bytes (at a character boundary) before embedding,
    /// so one question never exceeds the server's batch; the cache is keyed by the full text.
    public let maxBytes: Int

    public init(endpoint: EmbeddingEndpoint, cache: EmbeddingCache?, batch: Int = 16, maxBytes: Int = 6000) {
        self.endpoint = endpoint
        self.cache = cache
        self.batch = max(1, batch)
        self.maxBytes = maxBytes
    }

    public var model: String { endpoint.model }

    /// What one call did.
    public struct Counts: Sendable, Equatable {
        public var cached = 0
        public var computed = 0
    }

    /// The vectors of `texts` in order, and how many came from the cache. `concurrency` requests
    /// run at once (the server's slots).
    public func vectors(for texts: [String], concurrency: Int = 1,
                        progress: @Sendable (Int) -> Void = { _ in }) async throws -> (vectors: [[Float]], counts: Counts) {
        var result = [[Float]?](repeating: nil, count: texts.count)
        var missing: [String] = []
        var seen = Set<String>()
        var counts = Counts()
        for (i, text) in texts.enumerated() {
            if let hit = cache?.vector(model: model, text: text) {
                result[i] = hit
                counts.cached += 1
            } else if seen.insert(text).inserted {
                missing.append(text)
            }
        }
        var fresh: [String: [Float]] = [:]
        let chunks = stride(from: 0, to: missing.count, by: batch).map { Array(missing[$0..<min($0 + batch, missing.count)]) }
        var next = 0
        let width = max(1, concurrency)
        try await withThrowingTaskGroup(of: ([String], [[Float]]).self) { group in
            func start(_ chunk: [String]) {
                group.addTask { (chunk, try await self.endpoint.embed(chunk.map(self.truncated))) }
            }
            while next < min(width, chunks.count) { start(chunks[next]); next += 1 }
            for try await (chunk, vectors) in group {
                try cache?.store(model: model, texts: chunk, vectors: vectors)
                for (text, vector) in zip(chunk, vectors) { fresh[text] = vector }
                progress(fresh.count)
                if next < chunks.count { start(chunks[next]); next += 1 }
            }
        }
        for i in texts.indices where result[i] == nil {
            result[i] = fresh[texts[i]]
            counts.computed += 1
        }
        return (result.map { $0! }, counts)
    }

    /// One text's vector.
    public func vector(for text: String) async throws -> [Float] {
        try await vectors(for: [text]).vectors[0]
    }

    func truncated(_ text: String) -> String {
        guard text.utf8.count > maxBytes else { return text }
        var bytes = 0
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            bytes += String(scalar).utf8.count
            if bytes > maxBytes { break }
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
