import Foundation
import Testing
import TestSupport

/// The real Claude Code CLI, in a private tmux server, answers through the stand-in.
///
/// Skipped when the CLI (`ESCALATOR_CLAUDE` or ~/.cache/escalator/bin/claude, installed by
/// `make setup`) or tmux is missing, except in CI (`CI=true`), where it fails instead.
@Suite struct RealClaudeCodeTests {
    static var claudePath: String {
        ProcessInfo.processInfo.environment["ESCALATOR_CLAUDE"]
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache/escalator/bin/claude")
    }

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: claudePath) && TmuxFixture.tmuxExecutable != nil
    }

    @Test(.enabled(if: RealPart.shouldRun(available), "needs the Claude Code CLI (make setup) and tmux"),
          .timeLimit(.minutes(3)))
    func realCLIAnswersThroughTheStandinAndTheLogHasThePrompt() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.claudePath) else {
            throw RealPart.Missing(part: "Claude Code CLI (\(Self.claudePath))", fix: "make setup")
        }
        let standin = try APIStandin.start(script: #"{"default": {"reply": "Stand-in answer to: {{echo}}", "chunk_chars": 6}}"#)
        defer { standin.stop() }
        let tmux = try TmuxFixture()
        defer { tmux.stop() }
        let home = try TemporaryDirectory(prefix: "standin-claude-home")
        defer { home.remove() }
        let workspace = home.file("workspace")
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        let key = "sk-ant-api03-standin-test-key-0123456789abcdefghijklmnop"
        let config: [String: Any] = [
            "hasCompletedOnboarding": true,
            "customApiKeyResponses": ["approved": [String(key.suffix(20))], "rejected": [String]()],
            "projects": [workspace: ["hasTrustDialogAccepted": true, "allowedTools": [String]()]],
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: home.file(".claude.json")))

        // `env` sets exactly these variables whatever the tmux server inherited; no shell in between.
        let command = ["/usr/bin/env", "-u", "ANTHROPIC_AUTH_TOKEN", "HOME=\(home.path)", "ANTHROPIC_API_KEY=\(key)",
                       "ANTHROPIC_BASE_URL=\(standin.baseURL)", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1",
                       "DISABLE_AUTOUPDATER=1", Self.claudePath]
        func tmuxRun(_ arguments: [String]) throws -> RunResult {
            try runBinary(tmux.tmuxPath, ["-S", tmux.socketPath, "-f", "/dev/null"] + arguments)
        }
        // Not through Foundation's Process: the tmux server it forks closes every inherited
        // descriptor, and Foundation then never saw this client exit (the test hung).
        let starter = try SpawnedProcess(tmux.tmuxPath, ["-S", tmux.socketPath, "-f", "/dev/null", "new-session", "-d", "-s", "cli",
                                                         "-x", "160", "-y", "45", "-c", workspace] + command)
        try await waitUntil("tmux new-session to return", timeout: 30) { !starter.isRunning }
        #expect(starter.exitStatus == 0, "tmux new-session exited with \(String(describing: starter.exitStatus))")
        try tmux.recordServerPID()
        func pane() throws -> String { try tmuxRun(["capture-pane", "-p", "-t", "cli"]).stdout }

        // The input box takes keys once the footer is drawn (keys sent while the CLI is still
        // starting are dropped).
        try await waitUntil("Claude Code's input prompt and footer", timeout: 90) {
            let screen = try pane()
            return screen.contains("❯") && (screen.contains("mode on") || screen.contains("for shortcuts"))
        }
        let prompt = "standin probe \(UUID().uuidString.prefix(8)): \"quotes\" and 👍"
        #expect(try tmuxRun(["send-keys", "-t", "cli", "-l", "--", prompt]).status == 0)
        try await waitUntil("the typed prompt on screen", timeout: 30) { try pane().contains(prompt) }
        #expect(try tmuxRun(["send-keys", "-t", "cli", "Enter"]).status == 0)

        var asked: APIStandin.LoggedRequest?
        try await waitUntil("the stand-in to log the prompt", timeout: 90) {
            asked = try standin.requests().first { $0.path == "/v1/messages" && $0.lastUserText == prompt && $0.status == 200 }
            return asked != nil
        }
        let request = try #require(asked)
        #expect(request.stream == true)
        #expect(request.model?.hasPrefix("claude-") == true)
        #expect(request.sessionId?.isEmpty == false)
        #expect(request.disconnected == false)
        try await waitUntil("the streamed answer on screen", timeout: 60) {
            try pane().contains("Stand-in answer to: \(prompt)")
        }
    }
}
