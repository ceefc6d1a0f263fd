import Foundation
import Remote
import Testing
import TestSupport

@Suite("tmux control-mode command lines and parser (no tmux needed)")
struct TmuxControlParsingTests {
    @Test("arguments are single-quoted with ' escaped; line feeds as \"\\n\" pieces; NUL refused")
    func quoting() {
        #expect(TmuxCommandLine.quote("send-keys") == "send-keys")
        #expect(TmuxCommandLine.quote("%3") == "'%3'")
        #expect(TmuxCommandLine.quote("") == "''")
        #expect(TmuxCommandLine.quote("a'b") == #"'a'\''b'"#)
        #expect(TmuxCommandLine.quote("; kill-server") == "'; kill-server'")
        #expect(TmuxCommandLine.quote("#{pane_id} $HOME ~") == "'#{pane_id} $HOME ~'")
        #expect(TmuxCommandLine.encode(["display-message", "-p", "x y"]) == Array("display-message -p 'x y'\n".utf8))
        #expect(TmuxCommandLine.quote("a\nb") == #"'a'"\n"'b'"#)
        #expect(TmuxCommandLine.quote("\n") == #""\n""#)
        #expect(TmuxCommandLine.quote("x\r\n\ny\n") == "'x\r'" + #""\n""# + #""\n""# + "'y'" + #""\n""#)
        #expect(TmuxCommandLine.encode(["set-option", "@x", "a\nb"]) == Array(#"set-option @x 'a'"\n"'b'"#.utf8) + [0x0A])
        #expect(TmuxCommandLine.encode(["set-option", "@x", "a\u{0}b"]) == nil)
        #expect(TmuxCommandLine.encode([]) == nil)
    }

    @Test("replies are matched by their exact %begin header; %output counted; split input handled")
    func parser() {
        var parser = TmuxControlParser()
        var events: [TmuxControlParser.Event] = []
        let text = "%begin 1 10 0\n%end 1 10 0\n%session-changed $0 s\n%output %3 hi\\015\n"
            + "%begin 2 11 1\nline one\n%end 2 99 1\n%end 1 11 1\n\r tail\n%end 2 11 1\n"
            + "%begin 3 12 1\ncan't find pane\n%error 3 12 1\n%exit\n"
        for byte in Array(text.utf8) { events += parser.feed([byte]) }
        #expect(events == [
            .reply(ok: true, flags: 0, body: []),
            .output(pane: "%3"),
            .reply(ok: true, flags: 1, body: Array("line one\n%end 2 99 1\n%end 1 11 1\n\r tail\n".utf8)),
            .reply(ok: false, flags: 1, body: Array("can't find pane\n".utf8)),
            .exit,
        ])
    }
}

/// Pids of this server's control-mode clients (on this machine: local and loopback SSH alike).
func controlClientPIDs(_ harness: TmuxHarness) async throws -> [Int32] {
    let plain = Tmux(transport: LocalTransport(logger: quietLogger), socket: .path(harness.fixture.socketPath),
                     executable: harness.fixture.tmuxPath, logger: quietLogger, controlMode: false)
    let result = try await plain.run(["list-clients", "-F", "#{client_pid} #{client_control_mode}"])
    return result.stdoutText.split(separator: "\n").compactMap { line in
        let parts = line.split(separator: " ")
        return parts.count == 2 && parts[1] == "1" ? Int32(parts[0]) : nil
    }
}

func processExists(_ pid: Int32) -> Bool {
    // A zombie still has /proc/PID; count it as leaked too.
    FileManager.default.fileExists(atPath: "/proc/\(pid)")
}

@Suite("tmux control-mode client, locally and over SSH", .serialized)
struct TmuxControlTests {
    /// The harness's transport without control mode (the exec path), same server.
    func execTmux(_ harness: TmuxHarness) -> Tmux {
        Tmux(transport: harness.tmux.transport, socket: harness.tmux.socket, executable: harness.tmux.executable,
             configFile: "/dev/null", logger: quietLogger, controlMode: false)
    }

    @Test("replies through the control client equal the exec path's; one client serves all", arguments: [false, true])
    func replies(overSSH: Bool) async throws {
        try await TmuxHarness.with(overSSH: overSSH) { harness in
            let tmux = harness.tmux, exec = execTmux(harness)
            let pane = try await tmux.newSession("ctl", command: ["/bin/cat", "-"], width: 90, height: 25)
            try harness.fixture.recordServerPID()
            try await exec.paste("héllo ✻ 'quoted' \"dq\" $HOME\nsecond line", into: pane)
            try await waitUntil("text shown", timeout: 10) { try await exec.capture(pane).contains("second line") }
            #expect(try await tmux.hasSession("ctl"))
            #expect(!(try await tmux.hasSession("ct")))
            let before = tmux.controlStatistics
            #expect(before.clientsStarted == 1)
            for join in [false, true] {
                #expect(try await tmux.capture(pane, joinWrappedLines: join) == (try await exec.capture(pane, joinWrappedLines: join)))
            }
            #expect(try await tmux.capture(pane, escapes: true, fromLine: -5) == (try await exec.capture(pane, escapes: true, fromLine: -5)))
            #expect(try await tmux.pane(inSession: "ctl") == pane)
            let size = try await tmux.checked(["display-message", "-p", "-t", pane.target, "#{window_width}x#{window_height}"])
            #expect(size.stdoutText == "90x25\n")   // the control client does not resize the window
            let missing = try await tmux.run(["show-options", "-v", "-t", pane.target, "@not-set-anywhere"])
            let missingExec = try await exec.run(["show-options", "-v", "-t", pane.target, "@not-set-anywhere"])
            #expect(missing.succeeded == missingExec.succeeded)
            await #expect(throws: RemoteError.self) { try await tmux.checked(["capture-pane", "-p", "-t", "%9999"]) }
            let after = tmux.controlStatistics
            #expect(after.clientsStarted == 1)
            #expect(after.controlCommands == before.controlCommands + 7)
            #expect(after.execCommands == before.execCommands)
            #expect(try await controlClientPIDs(harness).count == 1)
        }
    }

    @Test("waitForChange is woken by %output promptly, with no new client per wait", arguments: [false, true])
    func wakes(overSSH: Bool) async throws {
        try await TmuxHarness.with(overSSH: overSSH) { harness in
            let tmux = harness.tmux, exec = execTmux(harness)
            let pane = try await tmux.newSession("wake", command: ["/bin/cat", "-"])
            try harness.fixture.recordServerPID()
            var screen = try await tmux.capture(pane)
            #expect(try await tmux.waitForChange(in: pane, since: screen, timeout: .milliseconds(300)) == nil)
            for round in 1...5 {
                let since = screen
                let waiter = Task { try await tmux.waitForChange(in: pane, since: since, timeout: .seconds(10)) }
                // Let the waiter block on the control client (its first capture matches `screen`).
                try await waitUntil("waiter started", timeout: 10) { tmux.controlStatistics.controlCommands >= 2 * round + 1 }
                let typed = ContinuousClock.now
                try await exec.paste(" r\(round)", into: pane)
                let pasted = ContinuousClock.now
                let changed = try await waiter.value
                let woke = ContinuousClock.now
                #expect(changed?.contains("r\(round)") == true)
                #expect(woke - pasted < .milliseconds(500), "woke \(woke - pasted) after the paste (\(pasted - typed) to paste)")
                screen = try #require(changed)
            }
            #expect(tmux.controlStatistics.clientsStarted == 1)
            #expect(try await controlClientPIDs(harness).count == 1)
        }
    }

    @Test("hostile option values round-trip byte for byte; line feeds included, all through the control client", arguments: [false, true])
    func hostileOptions(overSSH: Bool) async throws {
        try await TmuxHarness.with(overSSH: overSSH) { harness in
            let tmux = harness.tmux
            // Read back with a UTF-8 exec client on this machine (same server), independent of the transport.
            var environment = ProcessInfo.processInfo.environment
            environment["LANG"] = "C.UTF-8"
            let reader = Tmux(transport: LocalTransport(environment: environment, logger: quietLogger),
                              socket: .path(harness.fixture.socketPath), executable: harness.fixture.tmuxPath,
                              logger: quietLogger, controlMode: false)
            let pane = try await tmux.newSession("opts", command: ["/bin/cat", "-"])
            try harness.fixture.recordServerPID()
            _ = try await tmux.capture(pane)   // starts the session's control client (as the driver's first command does)
            #expect(tmux.controlStatistics.liveClients == 1)
            let strings = HostileCorpus.items.compactMap { String(validating: $0, as: UTF8.self) }
                .filter { !$0.utf8.contains(0) && $0.utf8.count < 4096 }
            #expect(strings.count > 150)
            var multiLines = 0
            for value in strings {
                let before = tmux.controlStatistics
                try await tmux.checked(["set-option", "-t", pane.target, "@hostile", value])
                let after = tmux.controlStatistics
                // Line feeds too travel on the one control line (as "\n" pieces between quotes).
                #expect(after.controlCommands == before.controlCommands + 1 && after.execCommands == before.execCommands,
                        "set-option of \(Array(value.utf8)) did not go through the control client")
                if value.utf8.contains(0x0A) { multiLines += 1 }
                let read = try await reader.checked(["show-options", "-v", "-t", pane.target, "@hostile"]).stdout
                #expect(read == Array(value.utf8) + [0x0A], "set-option of \(Array(value.utf8)) read back as \(read)")
                let back = try await tmux.checked(["show-options", "-v", "-t", pane.target, "@hostile"]).stdout
                #expect(back == read)
            }
            #expect(multiLines > 5)
            // Nothing the strings say was run.
            #expect(try await tmux.hasSession("opts"))
            #expect(!FileManager.default.fileExists(atPath: "/tmp/escalator-should-not-exist"))
        }
    }

    @Test("after its control client is killed, commands fall back to exec and a new client starts", arguments: [false, true])
    func fallback(overSSH: Bool) async throws {
        try await TmuxHarness.with(overSSH: overSSH) { harness in
            let tmux = harness.tmux, exec = execTmux(harness)
            let pane = try await tmux.newSession("fb", command: ["/bin/cat", "-"])
            try harness.fixture.recordServerPID()
            let first = try await tmux.capture(pane)
            let pids = try await controlClientPIDs(harness)
            try #require(pids.count == 1)
            #expect(kill(pids[0], SIGKILL) == 0)
            try await waitUntil("control client gone", timeout: 10) { try await controlClientPIDs(harness).isEmpty }
            // The dead client is noticed, the capture still answers (exec or a fresh client).
            #expect(try await tmux.capture(pane) == first)
            try await exec.paste("after-kill", into: pane)
            let changed = try await tmux.waitForChange(in: pane, since: first, timeout: .seconds(10))
            #expect(changed?.contains("after-kill") == true)
            try await waitUntil("a new control client", timeout: 10) {
                _ = try await tmux.capture(pane)
                return tmux.controlStatistics.clientsStarted == 2
            }
            #expect(try await controlClientPIDs(harness).count == 1)
            #expect(try await tmux.capture(pane) == (try await exec.capture(pane)))
            if !overSSH {
                try await waitUntil("killed client reaped", timeout: 10) { !processExists(pids[0]) }
            }
        }
    }

    @Test("control clients end with closeControlClients and killSession; none leak", arguments: [false, true])
    func noLeaks(overSSH: Bool) async throws {
        try await TmuxHarness.with(overSSH: overSSH) { harness in
            let tmux = harness.tmux
            let a = try await tmux.newSession("leak-a", command: ["/bin/cat", "-"])
            let b = try await tmux.newSession("leak-b", command: ["/bin/cat", "-"])
            try harness.fixture.recordServerPID()
            for pane in [a, b] {
                let screen = try await tmux.capture(pane)
                _ = try await tmux.waitForChange(in: pane, since: screen, timeout: .milliseconds(50))
            }
            // Each session's lock-waiting client too.
            for pane in [a, b] { try await tmux.withPaneLock(pane) {} }
            let pids = try await controlClientPIDs(harness)
            #expect(pids.count == 4)
            try await tmux.killSession("leak-a")
            try await waitUntil("two clients left", timeout: 10) { try await controlClientPIDs(harness).count == 2 }
            await tmux.closeControlClients()
            try await waitUntil("no control clients", timeout: 10) { try await controlClientPIDs(harness).isEmpty }
            #expect(tmux.controlStatistics.liveClients == 0)
            try await waitUntil("client processes gone", timeout: 10) { !pids.contains(where: processExists) }
            // Later commands start a client again on demand.
            _ = try await tmux.capture(b)
            #expect(tmux.controlStatistics.liveClients == 1)
        }
    }
}
