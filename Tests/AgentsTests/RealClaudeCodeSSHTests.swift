import Foundation
import Remote
import TestSupport
import Testing
@testable import Agents

/// The driver on the real Claude Code CLI over a real SSH connection (libssh2 to a throwaway
/// loopback sshd) into tmux, against the API stand-in: what a deployment on another machine does.
@Suite(.serialized, .timeLimit(.minutes(3)),
       .enabled(if: RealPart.shouldRun(RealClaudeCode.available && SSHDFixture.sshdPath != nil)))
struct RealClaudeCodeSSHTests {
    func connection(_ sshd: SSHDFixture) throws -> SSHConnection {
        try SSHConnection(configuration: SSHConfiguration(
            host: "127.0.0.1", port: sshd.port, user: sshd.user, identityFiles: [sshd.userKeyPath],
            sshConfigPath: "", userKnownHostsFile: "", projectKnownHostsFile: sshd.knownHostsPath))
    }

    @Test func firstRunModelsDeliveryAndLongAnswersOverSSH() async throws {
        let sshd = try await SSHDFixture()
        defer { sshd.stop() }
        let canary = try TemporaryDirectory(prefix: "canary")
        defer { canary.remove() }
        let long = (1...80).map { String(format: "Row %02d of an answer read over SSH.", $0) }.joined(separator: "\n\n")
        let rules = ["{\"match\": \"[long]\", \"reply\": \(RealClaudeCode.json(long))}"]
        let ssh = try connection(sshd)
        let real = try RealClaudeCode(script: RealClaudeCode.script(reply: "Over SSH.", rules: rules), transport: ssh)
        defer { real.stop() }

        // First run: the trust dialog is met and accepted over SSH; the tier's model is the one asked.
        let opus = real.driver("escalator-opus", model: "opus")
        let first = try await opus.ask("Which model answers over SSH?")
        #expect(first.text == "Over SSH.")
        #expect(try real.messages(withText: "Which model answers over SSH?").map(\.model) == ["claude-opus-5-5"])

        // A question that would be a shell line and one that would be a slash command go in as text.
        let bang = "! touch \(canary.file("ran"))"
        _ = try await opus.ask(bang)
        #expect(!FileManager.default.fileExists(atPath: canary.file("ran")), "a question ran as a shell command over SSH")
        #expect(try real.messages().contains { $0.lastUserText?.contains("touch \(canary.file("ran"))") == true })
        let slash = "/model haiku"
        _ = try await opus.ask(slash)
        #expect(try real.messages().contains { $0.lastUserText?.contains(slash) == true }, "the slash question did not reach the API")
        _ = try await opus.ask("Still on opus?")
        #expect(try real.messages(withText: "Still on opus?").map(\.model) == ["claude-opus-5-5"],
                "a question changed the agent's model")

        // A long answer is read whole from the scrollback over SSH.
        let answer = try await opus.ask("Please give the [long] answer")
        #expect(answer.text == long)

        // A dropped connection mid-turn: reconnect, read the answer, never type the question again.
        let slow = "{\"match\": \"[slow]\", \"think_ms\": 3000, \"reply\": \"After the drop.\"}"
        try real.standin.setScript(RealClaudeCode.script(reply: "Over SSH.", rules: rules + [slow]))
        let question = "Does the answer survive a dropped connection? [slow]"
        let asking = Task { try await opus.ask(question) }
        try await real.waitForQuestion(question)
        let children = sshd.connectionPIDs()
        #expect(!children.isEmpty)
        for pid in children { kill(pid, SIGKILL) }
        let after = try await asking.value
        #expect(after.text == "After the drop.")
        #expect(try real.messages(withText: question).count == 1, "the question was sent again after reconnecting")
        #expect(await ssh.connectCount >= 2)
        await ssh.close()
    }
}
