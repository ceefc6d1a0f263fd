import Foundation
import Logging

/// Whether escalated questions can reach an agent, decided by one rule for `ask`, `batch` and
/// `doctor`: the remote tiers can be built from `[remote]` (an SSH transport needs a host), and on
/// this machine the agent's program exists (on PATH, or as a path). When they cannot, escalated
/// questions are answered locally, marked degraded, and the reason says why.
public enum AgentAvailability: Sendable {
    case available(RemoteAgents)
    /// `[remote]` does not describe a reachable agent (e.g. `transport = "ssh"` without a host).
    case misconfigured(reason: String)
    /// The agent's program is not on this machine.
    case notInstalled(reason: String)

    /// The availability `settings` describe.
    public static func check(_ settings: Settings, environment: [String: String] = ProcessInfo.processInfo.environment,
                             logger: Logger) -> AgentAvailability {
        let agents: RemoteAgents
        do { agents = try RemoteAgents(settings: settings, environment: environment, logger: logger) } catch {
            return .misconfigured(reason: "\(error)")
        }
        if settings.remote.transport == .local {
            let program = agents.agentCommand()[0]
            guard RemoteAgents.onPath(program) != nil || FileManager.default.isExecutableFile(atPath: program) else {
                return .notInstalled(reason: "`\(program)` (remote.command) is not installed on this machine")
            }
        }
        return .available(agents)
    }

    /// Why there is no agent, when there is none.
    public var problem: String? {
        switch self {
        case .available: nil
        case .misconfigured(let reason), .notInstalled(let reason): reason
        }
    }

    /// The remote tiers, when available.
    public var agents: RemoteAgents? {
        if case .available(let agents) = self { return agents }
        return nil
    }
}
