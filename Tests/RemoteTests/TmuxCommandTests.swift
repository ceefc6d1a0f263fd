import Foundation
import Remote
import Testing

/// Records every command instead of running it, answering with a canned result.
final class RecordingTransport: Transport, @unchecked Sendable {
    struct Call: Sendable { var argv: [String]; var stdin: [UInt8]? }
    private let lock = NSLock()
    private var recorded: [Call] = []
    var reply = CommandResult(stdout: Array("%7\n".utf8), stderr: [], exitStatus: 0, exitSignal: nil)

    var calls: [Call] { lock.withLock { recorded } }
    var endpointDescription: String { "recording" }

    private func record(_ call: Call) { lock.withLock { recorded.append(call) } }

    func run(_ argv: [String], stdin: [UInt8]?, timeout: Duration) async throws -> CommandResult {
        record(Call(argv: argv, stdin: stdin))
        return reply
    }

    func start(_ argv: [String]) async throws -> any CommandStream {
        throw RemoteError(.spawnFailed, call: "start", message: "streams are not recorded")
    }
}

@Suite("tmux command building (no tmux needed)")
struct TmuxCommandTests {
    let transport = RecordingTransport()
    var tmux: Tmux { Tmux(transport: transport, socket: .named("esc"), executable: "/usr/bin/tmux", configFile: "/dev/null", logger: quietLogger) }

    @Test("paste sends the text only on stdin, never in the argument vector")
    func pasteUsesStdin() async throws {
        let text = "Enter; $(rm -rf /) `id` C-c \u{1B}[201~ end"
        try await tmux.paste(text, into: TmuxPane(session: "s", id: "%7"))
        let call = try #require(transport.calls.first)
        #expect(transport.calls.count == 1)
        #expect(call.stdin == Array("Enter; $(rm -rf /) `id` C-c  end".utf8))
        #expect(!call.argv.contains { $0.contains("rm -rf") || $0.contains("Enter") })
        #expect(Array(call.argv.prefix(5)) == ["/usr/bin/tmux", "-L", "esc", "-f", "/dev/null"])
        #expect(call.argv.contains("load-buffer") && call.argv.contains("paste-buffer"))
        #expect(call.argv.contains("-p") && call.argv.contains("-r") && call.argv.contains("-d"))
    }

    @Test("keys are their own argument; capture flags; session names validated")
    func keysAndCapture() async throws {
        let pane = TmuxPane(session: "s", id: "%7")
        try await tmux.press(.enter, in: pane)
        #expect(transport.calls.last?.argv.suffix(6) == ["send-keys", "-N", "1", "-t", "%7", "Enter"])
        _ = try await tmux.capture(pane, joinWrappedLines: true)
        #expect(transport.calls.last?.argv.suffix(5) == ["capture-pane", "-p", "-t", "%7", "-J"])
        await #expect(throws: RemoteError.self) { try await tmux.newSession("a.b") }
        let made = try await tmux.newSession("ok-1", command: ["claude", "--flag"], width: 120, height: 40)
        #expect(made == TmuxPane(session: "ok-1", id: "%7"))
        #expect(transport.calls.last?.argv.suffix(3) == ["--", "claude", "--flag"])
    }

    @Test("a failing tmux command throws tmuxFailed with tmux's message")
    func failure() async throws {
        transport.reply = CommandResult(stdout: [], stderr: Array("can't find pane: %9\n".utf8), exitStatus: 1, exitSignal: nil)
        do {
            _ = try await tmux.capture(TmuxPane(session: "s", id: "%9"))
            Issue.record("no error")
        } catch let error as RemoteError {
            #expect(error.code == .tmuxFailed)
            #expect(error.description.contains("can't find pane: %9"))
        }
    }
}
