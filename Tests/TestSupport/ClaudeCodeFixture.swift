import Foundation

/// The real Claude Code CLI (2.1.332, from PyPI's claude-agent-sdk wheel; `make setup` links it
/// as ~/.cache/escalator/bin/claude) set up to run offline against the API stand-in: its own
/// HOME holding `.claude.json` with onboarding done and the test key approved. The folder-trust
/// dialog is NOT pre-accepted: every test meets it as a new user does.
public struct ClaudeCodeFixture: Sendable {
    /// The key the CLI sends to the stand-in (never a real key).
    public static let apiKey = "sk-ant-api03-escalator-test-key-0123456789abcdefghijklmnopq"

    /// The CLI executable: `ESCALATOR_CLAUDE`, else ~/.cache/escalator/bin/claude, else `claude` on PATH.
    public static var executable: String? {
        if let path = ProcessInfo.processInfo.environment["ESCALATOR_CLAUDE"], FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        let cache = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")
        let linked = cache + "/escalator/bin/claude"
        if FileManager.default.isExecutableFile(atPath: linked) { return linked }
        return RealPart.executable("claude")
    }

    /// The CLI, or ``RealPart/Missing`` saying how to install it.
    public static func requireExecutable() throws -> String {
        guard let path = executable else {
            throw RealPart.Missing(part: "Claude Code CLI", fix: "make setup (installs claude-agent-sdk's bundled CLI into ~/.cache/escalator/bin/claude)")
        }
        return path
    }

    /// The CLI's HOME.
    public let home: String
    /// The folder the agent works in (the trust dialog asks about it); empty, inside the fixture.
    public let workspace: String
    public let executable: String
    /// The stand-in's base URL.
    public let baseURL: String

    /// Writes `home/.claude.json` (onboarding done, the test key approved) and makes the workspace.
    public init(home: String, baseURL: String) throws {
        executable = try Self.requireExecutable()
        self.home = home
        self.baseURL = baseURL
        workspace = (home as NSString).appendingPathComponent("workspace")
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        let config: [String: Any] = [
            "hasCompletedOnboarding": true,
            "customApiKeyResponses": ["approved": [String(Self.apiKey.suffix(20))], "rejected": [String]()],
        ]
        let data = try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: (home as NSString).appendingPathComponent(".claude.json")))
    }

    /// Variables the CLI needs (HOME included): its API at the stand-in, no other traffic.
    public var environment: [String: String] {
        ["HOME": home, "ANTHROPIC_API_KEY": Self.apiKey, "ANTHROPIC_BASE_URL": baseURL,
         "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_AUTOUPDATER": "1"]
    }

    /// The command that starts the CLI with this environment whatever the tmux server's own
    /// environment is: `env NAME=value … claude` (no shell; `env` only sets variables).
    public var command: [String] {
        ["/usr/bin/env"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + [executable]
    }

    /// ``command`` as one `remote.command` line (words quoted for escalator's splitter).
    public var commandLine: String {
        command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    }
}
