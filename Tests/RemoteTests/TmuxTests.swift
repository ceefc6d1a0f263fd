import Foundation
@testable import Remote
import Testing
import TestSupport

/// A tmux server on a private socket driven either locally or over a loopback SSH connection.
final class TmuxHarness: @unchecked Sendable {
    let fixture: TmuxFixture
    let sshd: SSHDFixture?
    let ssh: SSHConnection?
    let tmux: Tmux
    /// A second driver on the same server through the local transport (a second "process").
    let localTmux: Tmux

    init(overSSH: Bool) async throws {
        fixture = try TmuxFixture()
        let local = Tmux(transport: LocalTransport(logger: quietLogger), socket: .path(fixture.socketPath),
                         executable: fixture.tmuxPath, configFile: "/dev/null", logger: quietLogger)
        localTmux = local
        if overSSH {
            let sshd = try await SSHDFixture()
            let ssh = try SSHConnection(configuration: sshConfiguration(sshd), logger: quietLogger)
            self.sshd = sshd
            self.ssh = ssh
            tmux = Tmux(transport: ssh, socket: .path(fixture.socketPath), executable: fixture.tmuxPath,
                        configFile: "/dev/null", logger: quietLogger)
        } else {
            sshd = nil
            ssh = nil
            tmux = local
        }
    }

    /// Runs `body` with a harness and always stops it (tmux server, SSH, sshd), even when `body` throws.
    /// Skips (returns) when tmux or sshd is missing outside CI.
    static func with(overSSH: Bool, _ body: (TmuxHarness) async throws -> Void) async throws {
        guard RealPart.shouldRun(TmuxFixture.tmuxExecutable != nil && (!overSSH || SSHDFixture.sshdPath != nil)) else { return }
        let harness = try await TmuxHarness(overSSH: overSSH)
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    func stop() async {
        await tmux.hostShell.close()
        await localTmux.hostShell.close()
        fixture.stop()
        await ssh?.close()
        sshd?.stop()
    }

    var python: String { RealPart.executable("python3") ?? "/usr/bin/python3" }

    /// Starts the raw recorder in a new session and waits until it is ready.
    func startRecorder(_ session: String) async throws -> (pane: TmuxPane, output: String) {
        let script = fixture.directory.file("recorder.py")
        try Recorder.script.write(toFile: script, atomically: true, encoding: .utf8)
        let output = fixture.directory.file("\(session).bytes"), ready = fixture.directory.file("\(session).ready")
        let pane = try await tmux.newSession(session, command: [python, script, output, ready], width: 100, height: 30)
        try fixture.recordServerPID()
        try await waitUntil("recorder ready", timeout: 15) { FileManager.default.fileExists(atPath: ready) }
        return (pane, output)
    }
}

func recording(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }

@Suite("tmux driver, locally and over SSH", .serialized)
struct TmuxTests {
    @Test("sessions: create, has, list, kill; bad names refused", arguments: [false, true])
    func sessions(overSSH: Bool) async throws {
        try await TmuxHarness.with(overSSH: overSSH) { harness in
            let tmux = harness.tmux
            let pane = try await tmux.newSession("work_1", command: ["/bin/cat", "-"])
            try harness.fixture.recordServerPID()
            #expect(pane.id.hasPrefix("%"))
            #expect(try await tmux.hasSession("work_1"))
            #expect(!(try await tmux.hasSession("work")))   // exact match, not prefix
            #expect(try await tmux.listSessions() == ["work_1"])
            #expect(try await tmux.pane(inSession: "work_1") == pane)
            #expect(try await tmux.serverPID() == harness.fixture.serverPID)
            await #expect(throws: RemoteError.self) { try await tmux.newSession("bad;name") }
            try await tmux.killSession("work_1")
            #expect(!(try await tmux.hasSession("work_1")))
        }
    }

    @Test("paste delivers 200+ hostile strings byte for byte; keys arrive as keys", arguments: [false, true])
    func bytesExactPaste(overSSH: Bool) async throws {
        #expect(HostileCorpus.items.count >= 200)
        try await TmuxHarness.with(overSSH: overSSH) { harness in
            let (pane, output) = try await harness.startRecorder("rec")
            let expected = HostileCorpus.items.map(TmuxText.removingPasteMarkers).filter { !$0.isEmpty }
            for item in HostileCorpus.items {
                try await harness.tmux.paste(bytes: item, into: pane)
            }
            let end = TmuxText.pasteEnd
            try await waitUntil("all pastes recorded", timeout: 60) { Recorder.count(end, in: recording(output)) >= expected.count }
            let (payloads, _) = Recorder.pastes(in: recording(output))
            #expect(payloads.count == expected.count)
            for (index, (got, want)) in zip(payloads, expected).enumerated() where got != want {
                Issue.record("paste \(index) differs: got \(got.prefix(40)) want \(want.prefix(40))")
            }
            // Nothing was executed.
            #expect(!FileManager.default.fileExists(atPath: "/tmp/escalator-pwned"))

            // Named keys arrive as the key's bytes, not as text.
            let before = recording(output).count
            for key in [TmuxKey.enter, .ctrlC, .escape, .up, .down] { try await harness.tmux.press(key, in: pane) }
            let keys: [UInt8] = [0x0D, 0x03, 0x1B, 0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x42]
            try await waitUntil("keys recorded", timeout: 10) { recording(output).count >= before + keys.count }
            #expect(Array(recording(output)[before...]) == keys)
        }
    }

    @Test("capture-pane with and without -J", arguments: [false, true])
    func capture(overSSH: Bool) async throws {
        try await TmuxHarness.with(overSSH: overSSH) { harness in
            let script = "import sys; sys.stdout.write('a' * 100 + '\\n' + 'DONE\\n'); sys.stdout.flush(); sys.stdin.read()"
            let pane = try await harness.tmux.newSession("cap", command: [harness.python, "-c", script], width: 80, height: 20)
            try harness.fixture.recordServerPID()
            var screen = ""
            try await waitUntil("output shown", timeout: 10) {
                screen = try await harness.tmux.capture(pane)
                return screen.contains("DONE")
            }
            let lines = screen.split(separator: "\n")
            #expect(lines[0] == Substring(String(repeating: "a", count: 80)))
            #expect(lines[1] == Substring(String(repeating: "a", count: 20)))
            let joined = try await harness.tmux.capture(pane, joinWrappedLines: true)
            #expect(joined.split(separator: "\n")[0] == Substring(String(repeating: "a", count: 100)))
        }
    }

    @Test("waitForChange notices a change quickly and returns nil when nothing changes", arguments: [false, true])
    func waitForChange(overSSH: Bool) async throws {
        try await TmuxHarness.with(overSSH: overSSH) { harness in
            let tmux = harness.tmux
            let pane = try await tmux.newSession("watch", command: ["/bin/cat", "-"])
            try harness.fixture.recordServerPID()
            let initial = try await tmux.capture(pane)
            #expect(try await tmux.waitForChange(in: pane, since: initial, timeout: .milliseconds(400)) == nil)

            let start = ContinuousClock.now
            async let changed = tmux.waitForChange(in: pane, since: initial, timeout: .seconds(10))
            try await harness.localTmux.paste("changed-text", into: pane)
            let screen = try await changed
            #expect(screen?.contains("changed-text") == true)
            #expect(ContinuousClock.now - start < .seconds(3))

            // A change that happened before the call is returned at once.
            let current = try #require(screen)
            try await tmux.paste("more", into: pane)
            try await waitUntil("second change visible", timeout: 10) { try await tmux.capture(pane) != current }
            let again = try await tmux.waitForChange(in: pane, since: current, timeout: .seconds(5))
            #expect(again?.contains("more") == true)

            // waitForScreen keeps one watcher through several changes until its condition holds.
            async let done = tmux.waitForScreen(in: pane, timeout: .seconds(10)) { $0.contains("step-3") }
            for step in 1...3 { try await harness.localTmux.paste(" step-\(step)", into: pane) }
            #expect(try await done?.contains("step-1 step-2 step-3") == true)
        }
    }

    @Test("pane lock: exclusive across drivers, released on every path", arguments: [false, true])
    func lock(overSSH: Bool) async throws {
        try await TmuxHarness.with(overSSH: overSSH) { harness in
            let tmux = harness.tmux, other = harness.localTmux
            let pane = try await tmux.newSession("locked", command: ["/bin/cat", "-"])
            try harness.fixture.recordServerPID()

            // Uncontended, a lock and a paste start no process (over SSH: no exec channel, no remote
            // shell start-up): control clients carry them.
            _ = try await tmux.capture(pane)
            let before = tmux.controlStatistics
            try await tmux.withPaneLock(pane) { try await tmux.paste("one line\nand a second", into: pane) }
            let after = tmux.controlStatistics
            #expect(after.execCommands == before.execCommands)
            #expect(after.controlCommands >= before.controlCommands + 4)

            let held = try await tmux.acquireLock(pane, timeout: .seconds(10))
            await #expect(throws: RemoteError.self) { try await other.acquireLock(pane, timeout: .milliseconds(500)) }
            try await held.release()
            // The abandoned wait above is granted and released in the background; the lock is free again.
            let next = try await other.acquireLock(pane, timeout: .seconds(10))
            try await next.release()

            struct Boom: Error {}
            await #expect(throws: Boom.self) { try await tmux.withPaneLock(pane) { throw Boom() } }

            let counter = Overlap()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for driver in [tmux, other, tmux, other] {
                    group.addTask {
                        for _ in 0..<3 {
                            try await driver.withPaneLock(pane, timeout: .seconds(30)) {
                                await counter.enter()
                                _ = try await driver.run(["display-message", "-p", "inside"])
                                await counter.leave()
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(await counter.maximum == 1)
            #expect(await counter.total == 12)
        }
    }

    @Test("pane lock: a lock left by a killed holder is broken; a live holder's is not")
    func staleLock() async throws {
        try await TmuxHarness.with(overSSH: false) { harness in
            let tmux = harness.tmux
            let pane = try await tmux.newSession("stale", command: ["/bin/cat", "-"])
            try harness.fixture.recordServerPID()
            let name = tmux.lockName(for: pane)
            // A process that exited: its pid no longer exists once reaped.
            let gone = try SpawnedProcess("/bin/true", [])
            try await waitUntil("/bin/true to exit") { !gone.isRunning }

            // A live owner (this test process) holding the lock keeps it.
            _ = try await tmux.run(["wait-for", "-L", name])
            _ = try await tmux.run(["set-option", "-g", "@" + name, "\(PosixIO.hostName()):\(getpid())"])
            await #expect(throws: RemoteError.self) { try await tmux.acquireLock(pane, timeout: .seconds(3)) }

            // The same lock recorded as held by the exited process is broken and granted.
            _ = try await tmux.run(["set-option", "-g", "@" + name, "\(PosixIO.hostName()):\(gone.pid)"])
            let lock = try await tmux.acquireLock(pane, timeout: .seconds(15))
            let owner = try await tmux.run(["show-options", "-gqv", "@" + name]).stdoutText
            #expect(owner.trimmingCharacters(in: .whitespacesAndNewlines) == "\(PosixIO.hostName()):\(getpid())")
            try await lock.release()

            // A lock held with no owner recorded (its holder was killed before recording itself) is broken too.
            _ = try await tmux.run(["wait-for", "-L", name])
            let ownerless = try await tmux.acquireLock(pane, timeout: .seconds(15))
            try await ownerless.release()
        }
    }
}

actor Overlap {
    private(set) var active = 0
    private(set) var maximum = 0
    private(set) var total = 0
    func enter() { active += 1; total += 1; maximum = max(maximum, active) }
    func leave() { active -= 1 }
}
