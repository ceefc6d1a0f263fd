import Agents
import Foundation
import Logging
import Remote

/// The remote tiers: one tmux session per tier running a terminal agent (Claude Code by default),
/// on this machine or on a host reached over one persistent SSH connection.
public struct RemoteAgents: Sendable {
    public let tmux: Tmux
    public let settings: Settings
    /// Model prices read from the agent's picker, per agent version (`agent-prices.json` in the
    /// state folder).
    public let priceBook: ModelPriceBook
    private let logger: Logger

    /// Builds the transport, tmux and agent profile described by `settings.remote`.
    public init(settings: Settings, environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger) throws {
        let r = settings.remote
        let transport: any Transport
        switch r.transport {
        case .ssh:
            guard !r.host.isEmpty else {
                throw RoutingError(problem: "[remote] transport = \"ssh\" but remote.host is empty",
                                   fix: "set remote.host to the machine running Claude Code, or transport = \"local\"")
            }
            let home = environment["HOME"] ?? NSHomeDirectory()
            transport = try SSHConnection(configuration: SSHConfiguration(
                host: r.host, port: r.port == 22 ? nil : r.port, user: r.user.isEmpty ? nil : r.user,
                identityFiles: r.identityFile.isEmpty ? nil : [r.identityFile], agentSocket: environment["SSH_AUTH_SOCK"],
                homeDirectory: home, projectKnownHostsFile: r.knownHosts.isEmpty ? nil : r.knownHosts), logger: logger)
        case .local:
            transport = LocalTransport(logger: logger)
        }
        tmux = Tmux(transport: transport, socket: .named(r.tmuxSocket), logger: logger)
        priceBook = ModelPriceBook(file: URL(fileURLWithPath: settings.paths.agentPrices))
        self.settings = settings
        self.logger = logger
    }

    /// The profile that reads the agent's screen.
    public var profile: any AgentProfile {
        switch settings.remote.agent {
        case .marker: MarkerProfile()
        case .claudeCode: ClaudeCodeProfile.standard
        }
    }

    /// The tmux session name of `tier`'s session number `index` (from 0): `escalator-sonnet`,
    /// then `escalator-sonnet-2`, `escalator-sonnet-3`… for a batch's extra sessions.
    public func sessionName(_ tier: Tier, index: Int = 0) -> String {
        settings.remote.sessionPrefix + tier.name + (index > 0 ? "-\(index + 1)" : "")
    }

    /// The model alias `tier` runs on (from its `[tiers.NAME]` table).
    public func model(_ tier: Tier) -> String? { settings.tiers.model(of: tier) }

    /// The driver of `tier`'s agent session number `session` (see ``sessionName(_:index:)``).
    /// `continuing`: the question follows up the session's last turn, so its context is kept
    /// (no `/clear` before it, whatever `remote.clear` says).
    public func driver(for tier: Tier, session: Int = 0, continuing: Bool = false) -> AgentDriver {
        let r = settings.remote
        let policy = AgentPolicy(permission: r.permission, trust: r.trust, clearBeforeQuestion: r.clear && !continuing,
                                 answerTimeout: .seconds(r.answerTimeoutS), readCost: r.readCost,
                                 permissionMode: r.permissionMode, apiRetriesToWatch: r.apiRetriesWatched, hooks: r.hooks,
                                 hostTimeZone: r.agentHostTimeZone)
        return AgentDriver(tmux: tmux, profile: profile,
                           spec: AgentSessionSpec(name: sessionName(tier, index: session), command: agentCommand(), model: model(tier),
                                                  workingDirectory: r.directory.isEmpty ? nil : r.directory),
                           policy: policy, priceBook: priceBook, logger: logger)
    }

    /// What `answer`'s turn cost on `tier`, from its transcript usage (nil when none was read).
    public func measure(_ answer: AgentAnswer, tier: Tier) -> MeasuredCost? {
        guard !answer.requests.isEmpty else { return nil }
        let definition = settings.tiers.definition(of: tier)
        let configPrice = (definition?.inputPrice != nil || definition?.outputPrice != nil) ? definition?.price : nil
        let agent = profile.name
        let picker = answer.agentVersion.flatMap { version in
            priceBook.entry(agent: agent, version: version).map { (rows: $0.rows, key: ModelPriceBook.key(agent: agent, version: version)) }
        }
        return MeasuredCost.measure(answer.requests, tierModel: model(tier), configPrice: configPrice, picker: picker)
    }

    /// `remote.command` as words. On this machine a bare `claude` that is not on PATH is the
    /// one `make setup` installed (~/.cache/escalator/bin/claude), as for llama-server.
    public func agentCommand() -> [String] {
        var command = settings.remote.command.words
        let program = command[0]
        if settings.remote.transport == .local, !program.contains("/"), Self.onPath(program) == nil,
           program == "claude", FileManager.default.isExecutableFile(atPath: settings.paths.defaultAgent) {
            command[0] = settings.paths.defaultAgent
        }
        return command
    }

    /// The agent's own version line (`2.1.332 (Claude Code)`), from `COMMAND --version` run where
    /// the agent runs (this machine or the SSH host).
    public func agentVersion() async throws -> String {
        let result = try await tmux.transport.run(agentCommand() + ["--version"], stdin: nil, timeout: .seconds(20))
        let text = (result.stdoutText + result.stderrText).trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.succeeded, !text.isEmpty else {
            throw RoutingError(problem: "`\(settings.remote.command) --version` failed on \(tmux.transport.endpointDescription): "
                               + (text.isEmpty ? "exit \(result.exitStatus)" : String(text.prefix(200))),
                               fix: "install Claude Code there (make setup does it here), or set remote.command")
        }
        return String(text.split(separator: "\n").first ?? "")
    }

    static func onPath(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// The command a person runs to watch `tier`'s agent (read-write; detach with Ctrl-b d).
    public func attachCommand(_ tier: Tier) -> [String] {
        let tmuxPart = ["tmux", "-L", settings.remote.tmuxSocket, "attach-session", "-t", sessionName(tier)]
        guard settings.remote.transport == .ssh else { return tmuxPart }
        var ssh = ["ssh", "-t"]
        if settings.remote.port != 22 { ssh += ["-p", String(settings.remote.port)] }
        if !settings.remote.identityFile.isEmpty { ssh += ["-i", settings.remote.identityFile] }
        ssh.append(settings.remote.user.isEmpty ? settings.remote.host : "\(settings.remote.user)@\(settings.remote.host)")
        return ssh + tmuxPart
    }
}
