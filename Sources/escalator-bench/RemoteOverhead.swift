import Agents
import ArgumentParser
import Foundation
import Logging
import Remote
import Routing
import Synchronization

/// Escalation overhead over SSH: the real `AgentDriver` (libssh2, persistent tmux control
/// client, the production `ClaudeCodeProfile`) asking an agent N questions. The agent is either
/// claude-sim (`--sim`; overhead is total minus its `--think-ms`, `.ci/bench-remote.sh`) or any
/// command (`--agent-command`, e.g. the real Claude Code CLI pointed at `api-standin`,
/// `.ci/bench-remote-real.sh`, which subtracts the time the stand-in spent serving each question,
/// read from its log, using the wall-clock window printed here).
///
/// One line per question: `question N total_ms T start_ms S end_ms E source SOURCE measured_total_ms M requests K enter_ms N ended_ms D ready_ms R answer "…"`
/// (T: until the answer; M: until its usage was read from the agent's transcript, K requests)
/// (S, E, N, D and R: wall-clock epoch milliseconds, the same clock as the stand-in's `received_at_ms` /
/// `finished_at_ms`; N: when the driver pressed Enter after pasting the question; D: when it read the
/// turn's Stop event, 0 when the turn's end was read from the screen; R: when it found the input box
/// ready, after the pane lock and the readiness check), so the caller can split the
/// overhead into escalator's steps and the CLI's own work between Enter and its request and between
/// the response's end and its Stop hook.
struct RemoteOverhead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remote-overhead")

    @Option var host = "127.0.0.1"
    @Option var port: Int
    @Option var user: String
    @Option(help: "Private key file (ed25519).") var key: String
    @Option(help: "known_hosts file holding the server's key.") var knownHosts: String
    @Option(help: "tmux -L socket name on the remote side.") var socket = "escalator-bench"
    @Option(help: "tmux on the remote side.") var tmux = "tmux"
    @Option(help: "claude-sim on the remote side (started with --think-ms).") var sim: String?
    @Option(help: ArgumentHelp("The whole command that starts the agent on the remote side, split into words like remote.command "
                               + "(quotes and backslashes, no shell), e.g. \"/usr/bin/env HOME=/tmp/h ANTHROPIC_BASE_URL=... claude\".",
                               valueName: "words"))
    var agentCommand: String?
    @Option(help: "The agent's working directory on the remote side (the folder the trust dialog asks about).")
    var directory: String?
    @Option(help: "Model alias to keep the session on (the driver's /model switch; default: leave it).") var model: String?
    @Flag(help: "Send /clear before each question (the production default of remote.clear; off: the same work as the seed's method).")
    var clear = false
    @Option var session = "bench-escalator"
    @Option(help: "claude-sim's think time (only with --sim).") var thinkMs = 500
    @Option var questions = 50
    @Option(help: "The driver's settle time (quiet period before an idle screen is trusted).") var settleMs = 50
    @Option(help: "The longest wait between the pasted question and Enter for the input box to show it (the production 500).") var enterDelayMs = 500
    @Option(help: "How long one answer may take, seconds.") var answerTimeoutS = 120
    @Option(help: "How long the agent may take to start and show its composer, seconds.") var startTimeoutS = 60
    @Flag(help: "Run every tmux command as its own exec (no control-mode client).") var noControl = false
    @Flag(help: "Start the agent without escalator's hooks (turn ends and answers read from the screen only).")
    var noHooks = false
    @Flag(help: "Log every tmux command and driver step to stderr, each with its wall-clock epoch ms (to see where a question's time goes).")
    var trace = false
    @Flag(help: "Leave the agent's session running at the end (the caller stops that tmux server and the agent's pid).")
    var keepSession = false

    func validate() throws {
        guard (sim == nil) != (agentCommand == nil) else {
            throw ValidationError("give exactly one of --sim PATH or --agent-command WORDS")
        }
        if directory != nil && sim != nil { throw ValidationError("--directory goes with --agent-command") }
        if let agentCommand, (try? CommandLineWords.split(agentCommand))?.isEmpty ?? true {
            throw ValidationError("--agent-command is empty or has an unterminated quote: \(agentCommand)")
        }
    }

    func run() async throws {
        let stages = StageClock()
        let trace = self.trace
        let quiet = Logger(label: "bench") { _ in StageLogHandler(clock: stages, trace: trace) }
        let configuration = SSHConfiguration(host: host, port: port, user: user, identityFiles: [key], agentSocket: "",
                                             sshConfigPath: "", userKnownHostsFile: knownHosts,
                                             projectKnownHostsFile: knownHosts, connectTimeout: .seconds(10))
        let ssh = try SSHConnection(configuration: configuration, logger: quiet)
        try await ssh.connect()
        let tmux = Tmux(transport: ssh, socket: .named(socket), executable: tmux, configFile: "/dev/null",
                        logger: quiet, controlMode: !noControl)
        let command: [String]
        if let agentCommand {
            command = try CommandLineWords.split(agentCommand)
        } else {
            command = [sim!, "--think-ms", String(thinkMs)]
        }
        let driver = AgentDriver(tmux: tmux, profile: ClaudeCodeProfile(settleTime: .milliseconds(settleMs), enterDelay: .milliseconds(enterDelayMs)),
                                 spec: AgentSessionSpec(name: session, command: command, model: model, workingDirectory: directory),
                                 policy: AgentPolicy(trust: .accept, clearBeforeQuestion: clear, answerTimeout: .seconds(answerTimeoutS),
                                                     startTimeout: .seconds(startTimeoutS), hooks: !noHooks),
                                 logger: quiet)
        do {
            // Warm-up (not measured): starts the session and the agent (answering the real CLI's
            // folder-trust dialog by the default policy, accept), switches the model if asked,
            // and starts the control client.
            _ = try await driver.ask("Warm-up question number 0?")
            var totals: [Double] = []
            for index in 1...max(1, questions) {
                stages.reset()
                let wallStart = Self.epochMs()
                let start = ContinuousClock.now
                let answer = try await driver.ask("Benchmark question number \(index): what is \(index) plus \(index)?")
                let total = Self.ms(ContinuousClock.now - start)
                let wallEnd = Self.epochMs()
                guard !answer.text.isEmpty else { throw ValidationError("question \(index) got an empty answer") }
                // As Routing does: the answer first, then its usage from the agent's transcript.
                let measured = await driver.measureUsage(answer)
                let measuredTotal = Self.ms(ContinuousClock.now - start)
                totals.append(total)
                print("question \(index) total_ms \(String(format: "%.1f", total)) start_ms \(String(format: "%.1f", wallStart)) "
                      + "end_ms \(String(format: "%.1f", wallEnd)) source \(answer.answerSource.rawValue) "
                      + "measured_total_ms \(String(format: "%.1f", measuredTotal)) requests \(measured.requests.count) "
                      + "enter_ms \(String(format: "%.1f", stages.enter ?? 0)) ended_ms \(String(format: "%.1f", stages.ended ?? 0)) "
                      + "ready_ms \(String(format: "%.1f", stages.ready ?? 0)) "
                      + "answer \(answer.text.debugDescription)")
            }
            let stats = tmux.controlStatistics
            print("escalator_totals_ms \(totals.map { String(format: "%.1f", $0) }.joined(separator: " "))")
            print("control_commands \(stats.controlCommands) exec_commands \(stats.execCommands) control_clients_started \(stats.clientsStarted)")
        } catch {
            await shutDown(tmux, ssh)
            throw error
        }
        await shutDown(tmux, ssh)
    }

    /// Ends the agent's session unless `--keep-session` (its tmux server is the caller's to stop)
    /// and the connection.
    private func shutDown(_ tmux: Tmux, _ ssh: SSHConnection) async {
        if !keepSession { _ = try? await tmux.killSession(session) }
        await tmux.closeControlClients()
        await ssh.close()
    }

    static func epochMs() -> Double { Date().timeIntervalSince1970 * 1000 }

    static func ms(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) * 1000 + Double(atto) / 1e15
    }
}

/// The epoch ms of the driver steps a question's time is split at: the input box found ready, the
/// first Enter after the question's paste, and the read of the turn's Stop event (from the
/// driver's own log records).
final class StageClock: Sendable {
    private struct Stamps {
        var ready: Double?
        var pasted = false
        var enter: Double?
        var ended: Double?
    }
    private let stamps = Mutex(Stamps())

    var ready: Double? { stamps.withLock { $0.ready } }
    var enter: Double? { stamps.withLock { $0.enter } }
    var ended: Double? { stamps.withLock { $0.ended } }

    func reset() { stamps.withLock { $0 = Stamps() } }

    func note(_ message: String, _ metadata: Logger.Metadata, at ms: Double) {
        stamps.withLock { stamps in
            switch message {
            case "input box ready" where stamps.ready == nil: stamps.ready = ms
            case "pasted": stamps.pasted = true
            case "pressed" where stamps.pasted && stamps.enter == nil && metadata["key"]?.description == "Enter": stamps.enter = ms
            case "turn ended (Stop hook)": stamps.ended = ms
            default: break
            }
        }
    }
}

/// Feeds the ``StageClock``; with `--trace`, also one stderr line per log record,
/// `epoch_ms message metadata`, every level.
struct StageLogHandler: LogHandler {
    let clock: StageClock
    let trace: Bool
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let now = RemoteOverhead.epochMs()
        clock.note(event.message.description, event.metadata ?? [:], at: now)
        guard trace else { return }
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = String(format: "%.1f", now) + " trace \(event.message) \(fields)\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
