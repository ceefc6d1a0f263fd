import Foundation
import LlamaClient
import Logging

/// The llama-server escalator talks to: the one at the configured URL if it answers, else
/// (with `managed = auto` and a model file) one escalator starts and reuses.
public struct LocalEndpoint: Sendable {
    public var client: LlamaServerClient
    /// Set when the server is the managed one.
    public var managed: ManagedServerState?

    /// Finds or starts the server described by `settings`.
    public static func connect(_ settings: Settings, logger: Logger) async throws -> LocalEndpoint {
        let configured = client(url: settings.local.url, settings, logger: logger)
        do {
            try await configured.waitUntilReady(timeout: .seconds(settings.local.startTimeoutS))
            return LocalEndpoint(client: configured, managed: nil)
        } catch let error as LlamaError where error.code == .connectionRefused {
            guard settings.local.managed == .auto else {
                throw RoutingError(problem: "nothing answers at \(settings.local.url) and [local] managed = never",
                                   fix: "start llama-server there, or set managed = \"auto\" so escalator starts one")
            }
            logger.debug("nothing at the configured URL; using the managed llama-server", metadata: ["url": "\(settings.local.url)"])
        }
        let state = try await managedServer(settings, logger: logger).ensureRunning()
        return LocalEndpoint(client: client(url: state.url, settings, logger: logger), managed: state)
    }

    /// The managed server described by `settings` (started or not).
    public static func managedServer(_ settings: Settings, logger: Logger) -> ManagedServer {
        return ManagedServer(configuration: .init(
            serverExecutable: serverExecutable(settings) ?? (settings.local.server.isEmpty ? settings.paths.defaultServer : settings.local.server),
            modelPath: settings.local.model, stateDirectory: settings.paths.state,
            contextSize: settings.local.context, parallelSlots: settings.local.parallel, swaFull: settings.local.swaFull.flag,
            startTimeout: .seconds(settings.local.startTimeoutS)), logger: logger)
    }

    /// A client for `url` with the configured timeouts.
    public static func client(url: String, _ settings: Settings, logger: Logger) -> LlamaServerClient {
        LlamaServerClient(configuration: .init(
            baseURL: url, connectTimeoutMs: settings.local.connectTimeoutMs,
            requestTimeoutMs: settings.local.requestTimeoutMs, maxIdleConnections: max(4, settings.local.parallel),
            apiKey: settings.local.apiKey.isEmpty ? nil : settings.local.apiKey), logger: logger)
    }

    /// The llama-server binary: the configured one, else the one `make setup` linked into the
    /// cache, else `llama-server` on PATH. Nil if none is executable.
    public static func serverExecutable(_ settings: Settings) -> String? {
        if !settings.local.server.isEmpty {
            return FileManager.default.isExecutableFile(atPath: settings.local.server) ? settings.local.server : nil
        }
        if FileManager.default.isExecutableFile(atPath: settings.paths.defaultServer) { return settings.paths.defaultServer }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/llama-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
