import Foundation
import Remote
import TestSupport
import Testing
@testable import Agents

/// The driver over a real SSH connection (libssh2 to a loopback sshd) into tmux running claude-sim.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(SSHDFixture.sshdPath != nil && TmuxFixture.tmuxExecutable != nil)))
struct AgentDriverSSHTests {
    func connection(_ sshd: SSHDFixture) throws -> SSHConnection {
        try SSHConnection(configuration: SSHConfiguration(
            host: "127.0.0.1", port: sshd.port, user: sshd.user, identityFiles: [sshd.userKeyPath],
            sshConfigPath: "", userKnownHostsFile: "", projectKnownHostsFile: sshd.knownHostsPath))
    }

    func prompts(_ record: String) -> [String] {
        guard let text = try? String(contentsOfFile: record, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["kind"] as? String == "prompt" }
            .compactMap { ($0["base64"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } }
    }

    func expected(_ question: String) throws -> String {
        try runBinary(BuiltProducts.executable("claude-sim"), ["--print-answer", "--model", "opus", "--", question]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func roundTripAndReconnectMidAnswerWithoutRetyping() async throws {
        let sshd = try await SSHDFixture()
        defer { sshd.stop() }
        let tmuxFixture = try TmuxFixture()
        defer { tmuxFixture.stop() }
        let record = tmuxFixture.directory.file("record.jsonl")
        let ssh = try connection(sshd)
        let tmux = Tmux(transport: ssh, socket: .path(tmuxFixture.socketPath), executable: tmuxFixture.tmuxPath)
        let driver = AgentDriver(
            tmux: tmux, profile: ClaudeCodeProfile(settleTime: .milliseconds(300)),
            spec: AgentSessionSpec(name: "escalator-opus",
                                   command: [BuiltProducts.executable("claude-sim"), "--think-ms", "2500", "--record", record],
                                   model: "opus", width: 100, height: 40),
            policy: AgentPolicy(answerTimeout: .seconds(60), startTimeout: .seconds(30)))

        let first = try await driver.ask("What runs over SSH?")
        #expect(first.text == (try expected("What runs over SSH?")))

        let question = "Does the answer survive a dropped connection?"
        let asking = Task { try await driver.ask(question) }
        try await waitUntil("the question to reach claude-sim", timeout: 30) { prompts(record).contains(question) }
        let children = sshd.connectionPIDs()
        #expect(!children.isEmpty)
        for pid in children { kill(pid, SIGKILL) }
        let second = try await asking.value
        #expect(second.text == (try expected(question)))
        #expect(!second.retried)
        #expect(prompts(record).filter { $0 == question }.count == 1, "the question was typed again after reconnecting")
        #expect(await ssh.connectCount >= 2)
        await ssh.close()
    }
    /// A limit row without a zone, from an agent on a host whose clock runs in another zone
    /// (sshd sets TZ=Asia/Kathmandu, UTC+05:45, in its sessions) and no `remote.time_zone`:
    /// the reset is read on the host's zone, which the driver asked the host for.
    @Test func aZonelessResetTimeIsReadInTheHostsZone() async throws {
        let sshd = try await SSHDFixture(environment: ["TZ": "Asia/Kathmandu"])
        defer { sshd.stop() }
        let tmuxFixture = try TmuxFixture()
        defer { tmuxFixture.stop() }
        let ssh = try connection(sshd)
        let tmux = Tmux(transport: ssh, socket: .path(tmuxFixture.socketPath), executable: tmuxFixture.tmuxPath)
        let driver = AgentDriver(
            tmux: tmux, profile: ClaudeCodeProfile(settleTime: .milliseconds(300)),
            spec: AgentSessionSpec(name: "escalator-opus",
                                   command: [BuiltProducts.executable("claude-sim"), "--limit-after", "0",
                                             "--limit-text", "You've hit your limit · resets 3pm"],
                                   model: "opus", width: 100, height: 40),
            policy: AgentPolicy(answerTimeout: .seconds(60), startTimeout: .seconds(30)))
        let before = Date()
        let error = try await #require(throws: AgentError.self) { _ = try await driver.ask("Anything left?") }
        #expect(error.code == .usageLimit)
        let reset = try #require(error.limitReset)
        #expect(reset.zoneSource == .agentHost)
        #expect(reset.zone.identifier == "Asia/Kathmandu")
        // The next 3pm on the host's clock.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Asia/Kathmandu"))
        let parts = calendar.dateComponents([.hour, .minute], from: reset.date)
        #expect(parts.hour == 15 && parts.minute == 0)
        #expect(reset.date > before && reset.date.timeIntervalSince(before) <= 24 * 3600)
        _ = try? await tmux.killSession("escalator-opus")
        await tmux.hostShell.close()
        await tmux.closeControlClients()
        await ssh.close()
    }
}
