import Foundation
import Remote
import Testing
import TestSupport

@Suite("local transport and quoting")
struct LocalTransportTests {
    let local = LocalTransport(logger: quietLogger)

    @Test("echo, stdout + stderr + exit code, signal exit")
    func basics() async throws {
        #expect(try await local.run(["echo", "hi"]).stdoutText == "hi\n")
        let mixed = try await local.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(mixed.stdoutText == "out\n" && mixed.stderrText == "err\n" && mixed.exitStatus == 3)
        let killed = try await local.run(["sh", "-c", "kill -TERM $$"])
        #expect(killed.exitSignal == "TERM")
        let big = try await local.run(["sh", "-c", "head -c 3145728 /dev/zero >&2; echo done"])
        #expect(big.stderr.count == 3 * 1024 * 1024 && big.stdoutText == "done\n")
    }

    @Test("stdin round trip of 1 MiB of every byte value")
    func stdin() async throws {
        var input: [UInt8] = Array(0...255)
        while input.count < 1 << 20 { input += input }
        let result = try await local.run(["cat"], stdin: input, timeout: .seconds(30))
        #expect(result.stdout == input)
    }

    @Test("timeout kills the command; a missing program is a spawn error")
    func failures() async throws {
        let start = ContinuousClock.now
        await #expect(throws: RemoteError.self) { try await local.run(["sleep", "30"], stdin: nil, timeout: .milliseconds(300)) }
        // Killed, not waited out: well under the command's own 30 s (a loose bound: on a loaded
        // 2-core machine resuming the caller can wait for a cooperative thread for seconds).
        #expect(ContinuousClock.now - start < .seconds(20))
        do {
            _ = try await local.run(["/nonexistent/program"])
            Issue.record("spawned a missing program")
        } catch let error as RemoteError {
            #expect(error.code == .spawnFailed)
        }
    }

    @Test("streaming: write, read back, close input, finish")
    func streaming() async throws {
        let stream = try await local.start(["cat"])
        try await stream.write(Array("one\ntwo\n".utf8))
        var splitter = LineSplitter()
        var lines: [String] = []
        while lines.count < 2, let bytes = try await stream.read(timeout: .seconds(5)) { lines += splitter.append(bytes) }
        #expect(lines == ["one", "two"])
        #expect(try await stream.read(timeout: .milliseconds(50)) == [])
        try await stream.closeInput()
        let result = try await stream.finish(timeout: .seconds(5))
        #expect(result.exitStatus == 0)
        await stream.close()
    }

    @Test("shell quoting survives /bin/sh for every hostile string", arguments: [0, 1, 2, 3])
    func quoting(shard: Int) async throws {
        let items = HostileCorpus.items.enumerated().filter { $0.offset % 4 == shard }.map(\.element)
        for bytes in items {
            let text = String(decoding: bytes, as: UTF8.self)
            if text.utf8.contains(0) || text.isEmpty { continue }
            let line = try ShellQuoting.join(["printf", "%s", text])
            let result = try await local.run(["/bin/sh", "-c", line])
            #expect(result.stdout == Array(text.utf8), "quoting broke \(text.debugDescription.prefix(60))")
        }
        #expect(throws: RemoteError.self) { try ShellQuoting.join(["a\u{0}b"]) }
        #expect(ShellQuoting.quote("plain-word_1.txt") == "plain-word_1.txt")
        #expect(ShellQuoting.quote("") == "''")
        #expect(ShellQuoting.quote("it's") == #"'it'\''s'"#)
    }
}

/// Spawns and waits run on threads of their own, not on Swift's cooperative pool (as wide as
/// the cores) nor on a bounded worker pool.
@Suite("local transport concurrency")
struct LocalTransportConcurrencyTests {
    let local = LocalTransport(logger: quietLogger)

    /// A ring of commands joined by FIFOs that can only finish while every one of them runs at
    /// once: each opens its FIFO (a FIFO's open blocks until the other end opens too) and passes
    /// one token on, and the first writes the token only once the ring is closed. With more
    /// commands than cores, any command waiting for a pool thread stalls the ring until the
    /// commands' timeout fails the test.
    @Test("more concurrent commands than cores all run at once")
    func ringOfFIFOs() async throws {
        let dir = try TemporaryDirectory(prefix: "ring")
        defer { dir.remove() }
        let count = 4 * ProcessInfo.processInfo.activeProcessorCount + 2
        let fifos = (0..<count).map { dir.file("fifo\($0)") }
        for fifo in fifos { #expect(mkfifo(fifo, 0o600) == 0) }
        let first = #"exec 4>"$2"; exec 3<"$1"; echo token >&4; read line <&3; echo "$line""#
        let other = #"exec 3<"$1"; exec 4>"$2"; read line <&3; echo "$line" >&4; echo "$line""#
        let local = local
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<count {
                group.addTask {
                    try await local.run(["sh", "-c", i == 0 ? first : other, "sh", fifos[i], fifos[(i + 1) % count]],
                                        stdin: nil, timeout: .seconds(60)).stdoutText
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outputs == Array(repeating: "token\n", count: count))
    }

    /// Commands spawned at the same moment from many threads see only their own three pipe ends
    /// (no lock orders the spawns: every pipe is close-on-exec from its creation, and the child
    /// closes every other descriptor, even one another test opens meanwhile).
    @Test("concurrent spawns leak no descriptors into each other's children")
    func noLeakedDescriptors() async throws {
        let local = local
        for _ in 0..<5 {
            let listings = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        // The shell's own listing: 0, 1, 2 and the directory ls reads.
                        try await local.run(["ls", "/proc/self/fd"]).stdoutText.split(separator: "\n").map(String.init)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for fds in listings { #expect(fds.count == 4, "child saw descriptors \(fds)") }
        }
    }
}

@Suite("tmux text helpers")
struct TmuxTextTests {
    @Test("paste markers are removed, including ones formed by removal")
    func markers() {
        let esc: UInt8 = 0x1B
        #expect(TmuxText.removingPasteMarkers(Array("a\u{1B}[201~b".utf8)) == Array("ab".utf8))
        #expect(TmuxText.removingPasteMarkers(Array("\u{1B}[200~x\u{1B}[201~".utf8)) == Array("x".utf8))
        #expect(TmuxText.removingPasteMarkers(Array("\u{1B}[20\u{1B}[201~1~".utf8)) == [])
        #expect(TmuxText.removingPasteMarkers([esc, 0x5B, 0x32]) == [esc, 0x5B, 0x32])
    }

    @Test("control-mode %output lines name their pane")
    func controlLines() {
        #expect(TmuxText.outputPane(ofControlLine: "%output %12 hello\\015") == "%12")
        #expect(TmuxText.outputPane(ofControlLine: "%begin 1 2 0") == nil)
    }

    @Test("key names are validated; lines are split on LF with CR removed")
    func keysAndLines() {
        #expect(TmuxKey(name: "C-c") == .ctrlC)
        #expect(TmuxKey(name: "Enter; kill-server") == nil)
        #expect(TmuxKey(name: "-t") == nil)
        var splitter = LineSplitter()
        #expect(splitter.append(Array("a\r\nb".utf8)) == ["a"])
        #expect(splitter.append(Array("c\n".utf8)) == ["bc"])
    }
}
