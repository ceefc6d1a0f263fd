import Foundation

/// An isolated environment for running the built `escalator`: its own HOME and XDG folders,
/// so tests never touch the user's config or managed server.
public struct CLIEnvironment {
    public let home: TemporaryDirectory
    public var variables: [String: String]
    /// The private tmux socket of the remote tiers, once ``useAgent(command:)`` chose one.
    public private(set) var tmuxSocket: String?

    public init(prefix: String = "cli") throws {
        home = try TemporaryDirectory(prefix: prefix)
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home.path
        env["XDG_CONFIG_HOME"] = home.file("config")
        env["XDG_STATE_HOME"] = home.file("state")
        env["XDG_DATA_HOME"] = home.file("data")
        env["XDG_CACHE_HOME"] = home.file("cache")
        env["ESCALATOR_LOCAL_MANAGED"] = "never"
        env["ESCALATOR_LOCAL_MODEL"] = LlamaServerFixture.modelPath
        env["ESCALATOR_LOCAL_SERVER"] = LlamaServerFixture.serverPath
        // Short local answers: the tests check the plumbing, not the text, and a 270M model writing
        // 256 tokens on a loaded 2-core machine can take minutes.
        env["ESCALATOR_LOCAL_ANSWER_MAX_TOKENS"] = "48"
        env["ESCALATOR_ASSESSMENT_PROMPTS_DIR"] = (BuiltProducts.packageRoot as NSString).appendingPathComponent("prompts")
        env.removeValue(forKey: "ESCALATOR_CONFIG")
        variables = env
    }

    /// Runs the built `escalator` with these variables (plus `extra`).
    public func run(_ arguments: [String], stdin: String? = nil, extra: [String: String] = [:]) throws -> RunResult {
        try runBinary(BuiltProducts.executable("escalator"), arguments, stdin: stdin,
                      environment: variables.merging(extra) { $1 })
    }

    /// Runs the remote tiers as `command` (e.g. claude-sim) in tmux sessions on this machine, on a
    /// private socket that ``remove()`` stops.
    public mutating func useAgent(command: String) {
        let socket = tmuxSocket ?? "escalator-test-\(UUID().uuidString.prefix(8))"
        tmuxSocket = socket
        variables["ESCALATOR_REMOTE_COMMAND"] = command
        variables["ESCALATOR_REMOTE_TMUX_SOCKET"] = socket
    }

    /// Runs the remote tiers as the real Claude Code CLI against the API stand-in at `baseURL`,
    /// with this environment's HOME as the CLI's (onboarding done, trust NOT accepted) and its
    /// workspace as the agent's folder. Returns the fixture (its workspace, command, key).
    @discardableResult
    public mutating func useClaudeCode(baseURL: String) throws -> ClaudeCodeFixture {
        let cli = try ClaudeCodeFixture(home: home.path, baseURL: baseURL)
        useAgent(command: cli.commandLine)
        variables["ESCALATOR_REMOTE_DIRECTORY"] = cli.workspace
        return cli
    }

    /// Stops exactly this environment's tmux server (if any), removes its socket file and the folder.
    /// The server's pid is recorded first: a server that outlives `kill-server` (it waits for
    /// control clients that an escalator killed by a test left behind) is ended by that pid, and
    /// with it those clients (their pipes' other ends).
    public func remove() {
        if let socket = tmuxSocket, let tmux = TmuxFixture.tmuxExecutable {
            let pid = (try? runBinary(tmux, ["-L", socket, "display-message", "-p", "#{pid}"]))
                .flatMap { Int32($0.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }
            _ = try? runBinary(tmux, ["-L", socket, "kill-server"])
            if let pid, pid > 1 {
                let gone = { kill(pid, 0) != 0 }
                var deadline = Date().addingTimeInterval(3)
                while !gone() && Date() < deadline { usleep(20_000) }
                if !gone() { kill(pid, SIGTERM) }
                deadline = Date().addingTimeInterval(3)
                while !gone() && Date() < deadline { usleep(20_000) }
                if !gone() { kill(pid, SIGKILL) }
            }
            let tmpdir = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
            try? FileManager.default.removeItem(atPath: "\(tmpdir)/tmux-\(getuid())/\(socket)")
        }
        home.remove()
    }
}

/// Parses one JSON object printed by a command.
public func jsonObject(_ text: String) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
        throw CocoaError(.coderReadCorrupt)
    }
    return object
}
