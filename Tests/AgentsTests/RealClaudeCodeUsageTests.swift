import Foundation
import Remote
import TestSupport
import Testing
@testable import Agents

/// What a turn used, from the real Claude Code 2.1.332's own transcript (read on its host after
/// the Stop hook), checked request by request against what the API stand-in served; and the
/// model prices read once from its picker and kept per agent version. Locally and over SSH.
@Suite(.serialized, .timeLimit(.minutes(3)),
       .enabled(if: RealPart.shouldRun(RealClaudeCode.available && SSHDFixture.sshdPath != nil)))
struct RealClaudeCodeUsageTests {
    /// Fixed usage, cache tokens included, so every field is checked with non-zero values.
    static let script = RealClaudeCode.script(reply: "Measured.", rules: [
        "{\"match\": \"[usage]\", \"reply\": \"Measured.\", \"usage\": {\"input_tokens\": 1234, \"output_tokens\": 56, "
            + "\"cache_read_input_tokens\": 7890, \"cache_creation_input_tokens\": 321}}",
    ])

    @Test(arguments: [false, true])
    func everyRequestOfTheTurnIsCountedFromTheTranscript(overSSH: Bool) async throws {
        var sshd: SSHDFixture?
        var transport: (any Transport)?
        if overSSH {
            let fixture = try await SSHDFixture()
            sshd = fixture
            transport = try SSHConnection(configuration: SSHConfiguration(
                host: "127.0.0.1", port: fixture.port, user: fixture.user, identityFiles: [fixture.userKeyPath],
                sshConfigPath: "", userKnownHostsFile: "", projectKnownHostsFile: fixture.knownHostsPath))
        }
        defer { sshd?.stop() }
        let real = try RealClaudeCode(script: Self.script, transport: transport)
        defer { real.stop() }
        let prices = try TemporaryDirectory(prefix: "prices")
        defer { prices.remove() }
        let book = ModelPriceBook(file: URL(fileURLWithPath: prices.file("agent-prices.json")))
        let base = real.driver("escalator-opus", model: "opus")
        let driver = AgentDriver(tmux: base.tmux, profile: base.profile, spec: base.spec, policy: base.policy, priceBook: book,
                                 logger: RealClaudeCode.logger)

        var ends: [Int] = []
        for (index, question) in ["How much did this cost? [usage]", "And this one? [usage]"].enumerated() {
            let before = try real.messages().count
            let returned = try await driver.ask(question)
            // The answer comes back at the Stop event; its usage is read from the transcript after.
            #expect(returned.text == "Measured.")
            #expect(returned.requests.isEmpty)
            let pending = try #require(returned.pendingUsage, "the answer names the turn whose usage is still to read")
            let path = try #require(pending.prompts.first?.transcriptPath)
            if index == 1 {
                // A recorded end past this turn's prompt (as if the file had been rewritten): the
                // read finds no prompt after it, and reads the file whole once.
                let size = try #require(try await real.tmux.hostShell.read(path)).size
                try await real.tmux.setUserOption(AgentDriver.transcriptEndOption, to: "\(size) \(path)", of: pending.pane)
            }
            let answer = await driver.measureUsage(returned)
            #expect(answer.pendingUsage == nil)
            #expect(answer.agentVersion == "2.1.332")
            // The next read starts where this one ended: a whole line's end inside the file.
            let end = try #require(await driver.transcriptEnd(pending.pane))
            #expect(end.path == path)
            let file = try #require(try await real.tmux.hostShell.read(path))
            #expect(end.offset > (ends.last ?? 0) && end.offset <= file.size)
            #expect(file.bytes[end.offset - 1] == 0x0A)
            ends.append(end.offset)
            // Exactly the requests the stand-in served for this turn (the CLI's own extra ones
            // included, had it made any), with the usage it reported for each.
            let served = Array(try real.messages().dropFirst(before))
            #expect(!served.isEmpty)
            #expect(answer.requests.map(\.id) == served.map(\.requestId), "transcript \(answer.requests) vs served \(served)")
            #expect(answer.requests.map(\.model) == served.map { $0.model ?? "" })
            for (request, log) in zip(answer.requests, served) {
                let u = try #require(log.usage)
                #expect(request.usage == TokenUsage(inputTokens: u.inputTokens, outputTokens: u.outputTokens,
                                                    cacheReadTokens: u.cacheReadInputTokens,
                                                    cacheWrite5mTokens: u.cacheCreationInputTokens))
            }
        }
        // The picker was read once, after the first turn, and holds the 2.1.332 prices.
        let entry = try #require(book.entry(agent: "claude-code", version: "2.1.332"))
        #expect(PickerPrice.row(for: "claude-opus-5-5", in: entry.rows)?.price == ScreenMenu.Price(input: 4, output: 20))
        #expect(PickerPrice.row(for: "claude-sonnet-5-5", in: entry.rows)?.price == ScreenMenu.Price(input: 2, output: 10))
        #expect(real.tmux.hostShell.shellsStarted == 1, "one shell on the agent's host read both turns' transcript")
        await real.tmux.hostShell.close()
        await real.tmux.closeControlClients()
    }
}
