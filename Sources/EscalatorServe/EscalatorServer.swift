import Foundation
import Hummingbird
import Logging
import Routing

/// `escalator serve`: an OpenAI- and Anthropic-compatible HTTP server in front of the one
/// question path. Stops on SIGINT/SIGTERM: it stops accepting, lets requests in flight finish,
/// then returns.
public struct EscalatorServer: Sendable {
    public let configuration: ServeConfiguration
    let responder: ServeResponder
    let logger: Logger

    public init(configuration: ServeConfiguration, path: QuestionPath, tiers: TierTable, bounds: TierBounds, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        responder = ServeResponder(path: path, tiers: tiers, bounds: bounds, configuration: configuration,
                                   admission: Admission(concurrency: configuration.concurrency, queue: configuration.queue),
                                   budgets: KeyBudgets(configuration.keys), conversations: Conversations(), logger: logger)
    }

    /// Serves until SIGINT or SIGTERM; `onListening` gets the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let app = Application(responder: responder,
                              configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
                              onServerRunning: { channel in onListening(channel.localAddress?.port ?? configuration.port) },
                              logger: quiet)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
