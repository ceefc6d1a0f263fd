import Foundation
@testable import Remote
import Testing
import TestSupport

@Suite("reading files on the agent's host through one long-lived shell", .serialized)
struct HostShellTests {
    @Test("whole files, offsets, tails, missing files and awkward names, all on one shell", arguments: [false, true])
    func reads(overSSH: Bool) async throws {
        try await TmuxHarness.with(overSSH: overSSH) { harness in
            let shell = harness.tmux.hostShell   // closed by the harness
            // Every byte value, a header-looking line and no final line feed.
            var bytes: [UInt8] = Array(0...255) + Array("\n@@escalator-file fake 0 0 0\n".utf8)
            for _ in 0..<12 { bytes += bytes }
            let path = harness.fixture.directory.file("it's a \"transcript\" $(touch nope).jsonl")
            try Data(bytes).write(to: URL(fileURLWithPath: path))

            let whole = try #require(try await shell.read(path))
            #expect(whole.bytes == bytes && whole.offset == 0 && whole.size == bytes.count)
            let rest = try #require(try await shell.read(path, from: 1_000))
            #expect(rest.bytes == Array(bytes[1_000...]) && rest.offset == 1_000)
            let tail = try #require(try await shell.read(path, maxBytes: 300))
            #expect(tail.bytes == Array(bytes.suffix(300)) && tail.offset == bytes.count - 300)
            // An offset past the end (the file was replaced by a shorter one) reads it whole.
            try Data("short".utf8).write(to: URL(fileURLWithPath: path))
            #expect(try await shell.read(path, from: 1_000)?.bytes == Array("short".utf8))
            #expect(try await shell.read(harness.fixture.directory.file("missing.jsonl")) == nil)
            #expect(!FileManager.default.fileExists(atPath: harness.fixture.directory.file("nope")))
            // One shell served them all.
            #expect(shell.shellsStarted == 1)
            // A closed shell is started again on the next read.
            await shell.close()
            #expect(try await shell.read(path)?.bytes == Array("short".utf8))
            #expect(shell.shellsStarted == 2)
        }
    }

    @Test("a command's output, framed: other tokens' markers, no final line feed, standard error dropped", arguments: [false, true])
    func output(overSSH: Bool) async throws {
        try await TmuxHarness.with(overSSH: overSSH) { harness in
            let shell = harness.tmux.hostShell
            let text = try await shell.output(of: "printf 'one\\n@@escalator-out fake end\\nthree'; echo oops >&2")
            #expect(text == "one\n@@escalator-out fake end\nthree")
            #expect(try await shell.output(of: "true") == "")
            // The same shell reads files after it.
            let path = harness.fixture.directory.file("after.txt")
            try Data("x".utf8).write(to: URL(fileURLWithPath: path))
            #expect(try await shell.read(path)?.bytes == Array("x".utf8))
            #expect(shell.shellsStarted == 1)
        }
    }

    @Test("start-up output of the host's shell is skipped (a noisy profile)")
    func noisyStartUp() async throws {
        guard RealPart.shouldRun(true) else { return }
        let directory = try TemporaryDirectory(prefix: "hostshell")
        let path = directory.file("f.txt")
        try Data("content\n".utf8).write(to: URL(fileURLWithPath: path))
        // A transport whose commands print a banner first, as a chatty .bashrc does over SSH.
        struct Noisy: Transport {
            let local = LocalTransport(logger: quietLogger)
            var endpointDescription: String { "noisy" }
            func run(_ argv: [String], stdin: [UInt8]?, timeout: Duration) async throws -> CommandResult {
                try await local.run(argv, stdin: stdin, timeout: timeout)
            }
            func start(_ argv: [String]) async throws -> any CommandStream {
                try await local.start(["sh", "-c", "echo 'Welcome!'; printf 'no newline'; exec \"$@\"", "sh"] + argv)
            }
        }
        let shell = HostShell(transport: Noisy())
        #expect(try await shell.read(path)?.bytes == Array("content\n".utf8))
        await shell.close()
    }
}
