import Foundation
import LlamaClient
import Logging
import Routing

/// What a command needs after parsing: the settings and a logger, and the wiring that turns
/// them into library parts.
struct CommandContext {
    var settings: Settings
    var logger: Logger

    /// A ready llama-server (configured or managed).
    func endpoint() async throws -> LocalEndpoint {
        try await LocalEndpoint.connect(settings, logger: logger)
    }

    func template() throws -> PromptTemplate { try PromptTemplate.locate(settings) }

    func assessor(_ endpoint: LocalEndpoint) throws -> Assessor {
        Assessor(client: endpoint.client, template: try template(),
                 strategy: try AssessmentStrategies.named(settings.assessment.strategy, settings: settings),
                 calibration: settings.calibration, logger: logger)
    }

    func router(_ endpoint: LocalEndpoint) throws -> Router {
        let template = try template()
        return Router(local: .init(assessor: try assessor(endpoint),
                                   answerer: LocalAnswerer(client: endpoint.client, template: template,
                                                           maxTokens: settings.local.answerMaxTokens)),
                      remote: remoteAgents(), configuration: try .init(settings: settings), logger: logger)
    }

    /// A router over the local model if llama-server can be reached or started, else one without
    /// it: questions then skip the assessment and go to the default tier, marked degraded.
    func router() async throws -> Router {
        let endpoint: LocalEndpoint
        do {
            endpoint = try await self.endpoint()
        } catch {
            if Task.isCancelled { throw error }
            logger.warning("local model unavailable; routing without assessment: \(error)")
            return Router(local: nil, localProblem: "llama-server unavailable: \(error)", remote: remoteAgents(),
                          configuration: try .init(settings: settings), logger: logger)
        }
        return try router(endpoint)
    }

    /// The remote tiers, or nil when the agent cannot be started here (the router then answers
    /// escalated questions locally, marked degraded, and says why).
    func remoteAgents() -> RemoteAgents? {
        let availability = AgentAvailability.check(settings, logger: logger)
        switch availability {
        case .available(let agents): return agents
        case .misconfigured(let reason): logger.warning("remote tiers unavailable: \(reason)")
        case .notInstalled(let reason): logger.debug("remote agent command not found locally", metadata: ["reason": "\(reason)"])
        }
        return nil
    }
}
