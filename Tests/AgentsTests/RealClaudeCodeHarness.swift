import Foundation
import Logging
import Remote
import TestSupport
@testable import Agents

/// The real Claude Code CLI in a private tmux server, talking to the API stand-in, with its own
/// HOME (onboarding done, folder trust NOT accepted) and an empty workspace folder.
final class RealClaudeCode: @unchecked Sendable {
    /// True when the CLI and tmux are here (in CI the tests run anyway and fail if they are not).
    static var available: Bool { ClaudeCodeFixture.executable != nil && TmuxFixture.tmuxExecutable != nil }

    let standin: APIStandin
    let tmuxFixture: TmuxFixture
    let home: TemporaryDirectory
    let cli: ClaudeCodeFixture
    let tmux: Tmux

    init(script: String? = nil, transport: (any Transport)? = nil) throws {
        standin = try APIStandin.start(script: script)
        do {
            tmuxFixture = try TmuxFixture()
            home = try TemporaryDirectory(prefix: "claude-home")
            cli = try ClaudeCodeFixture(home: home.path, baseURL: standin.baseURL)
        } catch {
            standin.stop()
            throw error
        }
        tmux = Tmux(transport: transport ?? LocalTransport(), socket: .path(tmuxFixture.socketPath), executable: tmuxFixture.tmuxPath)
    }

    /// A driver for session `name` on `model`, with the production profile timings.
    func driver(_ name: String = "escalator-sonnet", model: String? = "sonnet", width: Int = 120,
                policy: AgentPolicy = AgentPolicy(answerTimeout: .seconds(90), startTimeout: .seconds(45))) -> AgentDriver {
        AgentDriver(tmux: tmux, profile: ClaudeCodeProfile.standard,
                    spec: AgentSessionSpec(name: name, command: cli.command, model: model, width: width, height: 40,
                                           workingDirectory: cli.workspace),
                    policy: policy, logger: Self.logger)
    }

    /// The drivers' logger: `ESCALATOR_TEST_LOG_LEVEL=debug` shows each step of a turn.
    static var logger: Logger {
        var logger = Logger(label: "escalator.agent")
        logger.logLevel = ProcessInfo.processInfo.environment["ESCALATOR_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }

    /// The Messages requests (not count_tokens) whose last user text is `text`.
    func messages(withText text: String) throws -> [APIStandin.LoggedRequest] {
        try standin.requests().filter { $0.path.hasPrefix("/v1/messages") && !$0.path.contains("count_tokens") && $0.lastUserText == text }
    }

    /// Every Messages request (not count_tokens).
    func messages() throws -> [APIStandin.LoggedRequest] {
        try standin.requests().filter { $0.path.hasPrefix("/v1/messages") && !$0.path.contains("count_tokens") }
    }

    /// Waits until a Messages request carrying `text` arrived at the stand-in (answered or not).
    func waitForQuestion(_ text: String, timeout: Double = 30) async throws {
        try await waitUntil("the question to reach the API stand-in", timeout: timeout) {
            ((try? self.standin.arrivals().filter { $0.lastUserText == text }.count) ?? 0) > 0
        }
    }

    /// The pid of the process in the session's pane (the CLI).
    func panePID(_ session: String) throws -> Int32? {
        let r = try runBinary(tmuxFixture.tmuxPath, ["-S", tmuxFixture.socketPath, "display-message", "-p", "-t", "=\(session):", "#{pane_pid}"])
        return Int32(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// What the session's pane shows now.
    func screen(_ session: String) -> String {
        (try? runBinary(tmuxFixture.tmuxPath, ["-S", tmuxFixture.socketPath, "capture-pane", "-p", "-t", "=\(session):"]).stdout) ?? ""
    }

    func stop() {
        tmuxFixture.stop()
        standin.stop()
        home.remove()
    }

    /// A script whose default reply is `reply`, plus `rules` (JSON objects as text).
    static func script(reply: String, rules: [String] = []) -> String {
        "{\"default\": {\"reply\": \(json(reply))}, \"rules\": [\(rules.joined(separator: ","))]}"
    }

    /// `value` as a JSON string literal.
    static func json(_ value: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [value], options: [.fragmentsAllowed]), as: UTF8.self)
            .dropFirst().dropLast().description
    }
}
