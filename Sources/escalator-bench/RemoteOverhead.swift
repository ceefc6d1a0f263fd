import Agents
import ArgumentParser
import Foundation
import Logging
import Remote

/// Escalation overhead over SSH: the real `AgentDriver` (libssh2, persistent tmux control
/// client) asking claude-sim N questions. Prints each question's total time in milliseconds;
/// overhead is total minus claude-sim's `--think-ms`. `.ci/bench-remote.sh` compares it with the
/// seed's one-`ssh`-process-per-tmux-command method.
struct RemoteOverhead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remote-overhead")

    @Option var host = "127.0.0.1"
    @Option var port: Int
    @Option var user: String
    @Option(help: "Private key file (ed25519).") var key: String
    @Option(help: "known_hosts file holding the server's key.") var knownHosts: String
    @Option(help: "tmux -L socket name on the remote side.") var socket = "escalator-bench"
    @Option(help: "tmux on the remote side.") var tmux = "tmux"
    @Option(help: "claude-sim on the remote side.") var sim: String
    @Option var session = "bench-escalator"
    @Option var thinkMs = 500
    @Option var questions = 50
    @Option(help: "The driver's settle time (quiet period before an idle screen is trusted).") var settleMs = 50
    @Option(help: "Pause between typing the question and pressing Enter.") var enterDelayMs = 50
    @Flag(help: "Run every tmux command as its own exec (no control-mode client).") var noControl = false

    func run() async throws {
        let quiet = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let configuration = SSHConfiguration(host: host, port: port, user: user, identityFiles: [key], agentSocket: "",
                                             sshConfigPath: "", userKnownHostsFile: knownHosts,
                                             projectKnownHostsFile: knownHosts, connectTimeout: .seconds(10))
        let ssh = try SSHConnection(configuration: configuration, logger: quiet)
        try await ssh.connect()
        let tmux = Tmux(transport: ssh, socket: .named(socket), executable: tmux, configFile: "/dev/null",
                        logger: quiet, controlMode: !noControl)
        let driver = AgentDriver(tmux: tmux, profile: ClaudeCodeProfile(settleTime: .milliseconds(settleMs), enterDelay: .milliseconds(enterDelayMs)),
                                 spec: AgentSessionSpec(name: session, command: [sim, "--think-ms", String(thinkMs)], model: nil),
                                 policy: AgentPolicy(clearBeforeQuestion: false, answerTimeout: .seconds(120),
                                                     startTimeout: .seconds(60)),
                                 logger: quiet)
        // Warm-up (not measured): starts the session and the agent, and the control client.
        _ = try await driver.ask("Warm-up question number 0?")
        var totals: [Double] = []
        for index in 1...max(1, questions) {
            let start = ContinuousClock.now
            let answer = try await driver.ask("Benchmark question number \(index): what is \(index) plus \(index)?")
            let total = Self.ms(ContinuousClock.now - start)
            guard !answer.text.isEmpty else { throw ValidationError("question \(index) got an empty answer") }
            totals.append(total)
            print("question \(index) total_ms \(String(format: "%.1f", total))")
        }
        let stats = tmux.controlStatistics
        print("escalator_totals_ms \(totals.map { String(format: "%.1f", $0) }.joined(separator: " "))")
        print("control_commands \(stats.controlCommands) exec_commands \(stats.execCommands) control_clients_started \(stats.clientsStarted)")
        try await tmux.killSession(session)
        await tmux.closeControlClients()
        await ssh.close()
    }

    static func ms(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) * 1000 + Double(atto) / 1e15
    }
}
