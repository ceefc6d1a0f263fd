import Foundation
import Remote
import Testing
import TestSupport

@Suite("SSH connection over a loopback sshd", .serialized)
struct SSHConnectionTests {
    @Test("exec: echo, stdout + stderr + exit code, 3 MiB stderr, signal exit")
    func execBasics() async throws {
        guard let sshd = try await startSSHD() else { return }
        defer { sshd.stop() }
        let ssh = try SSHConnection(configuration: sshConfiguration(sshd), logger: quietLogger)
        defer { Task { await ssh.close() } }

        let echo = try await ssh.run(["echo", "hi"])
        #expect(echo.stdoutText == "hi\n")
        #expect(echo.exitStatus == 0 && echo.exitSignal == nil)

        let mixed = try await ssh.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(mixed.stdoutText == "out\n")
        #expect(mixed.stderrText == "err\n")
        #expect(mixed.exitStatus == 3)

        let big = try await ssh.run(["sh", "-c", "head -c 3145728 /dev/zero >&2; echo done"])
        #expect(big.stderr.count == 3 * 1024 * 1024)
        #expect(big.stdoutText == "done\n")

        let killed = try await ssh.run(["sh", "-c", "kill -TERM $$"])
        #expect(killed.exitSignal == "TERM")
        #expect(!killed.succeeded)

        // One connection served every command.
        #expect(await ssh.connectCount == 1)
    }

    @Test("stdin reaches the remote command byte for byte (all 256 byte values, 1 MiB)")
    func stdinBytes() async throws {
        guard let sshd = try await startSSHD() else { return }
        defer { sshd.stop() }
        let ssh = try SSHConnection(configuration: sshConfiguration(sshd), logger: quietLogger)
        var input: [UInt8] = Array(0...255)
        var generator = SystemRandomNumberGenerator()
        input += (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let result = try await ssh.run(["cat"], stdin: input, timeout: .seconds(30))
        #expect(result.stdout == input)
        #expect(result.succeeded)
        await ssh.close()
    }

    @Test("argument vectors reach the remote program byte for byte through the remote shell")
    func remoteQuoting() async throws {
        guard let sshd = try await startSSHD() else { return }
        defer { sshd.stop() }
        let ssh = try SSHConnection(configuration: sshConfiguration(sshd), logger: quietLogger)
        let samples = HostileCorpus.items.enumerated().filter { $0.offset % 6 == 0 }.map { String(decoding: $0.element, as: UTF8.self) }
            .filter { !$0.utf8.contains(0) && !$0.isEmpty }
        // One command carrying many hostile arguments: printf prints each followed by a separator.
        let result = try await ssh.run(["printf", "%s\\037"] + samples)
        let expected: [UInt8] = samples.flatMap { Array($0.utf8) + [UInt8(0x1F)] }
        #expect(result.stdout == expected)
        await ssh.close()
    }

    @Test("a timed-out command throws timedOut and the connection still works afterwards")
    func timeout() async throws {
        guard let sshd = try await startSSHD() else { return }
        defer { sshd.stop() }
        let ssh = try SSHConnection(configuration: sshConfiguration(sshd), logger: quietLogger)
        let start = ContinuousClock.now
        await #expect(throws: RemoteError.self) { try await ssh.run(["sleep", "30"], stdin: nil, timeout: .milliseconds(500)) }
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(try await ssh.run(["echo", "after"]).stdoutText == "after\n")
        await ssh.close()
    }

    @Test("host key: a changed key is refused with its fingerprint and the trust-host command")
    func hostKeyMismatch() async throws {
        guard let sshd = try await startSSHD() else { return }
        defer { sshd.stop() }
        let ssh = try SSHConnection(configuration: sshConfiguration(sshd, knownHosts: sshd.wrongKnownHostsPath), logger: quietLogger)
        let fingerprint = try fingerprintOf(sshd.hostKeyPath + ".pub")
        do {
            _ = try await ssh.run(["echo", "must not run"])
            Issue.record("connected despite a changed host key")
        } catch let error as RemoteError {
            #expect(error.code == .hostKeyChanged)
            #expect(error.description.contains(fingerprint))
            #expect(error.description.contains("escalator trust-host 127.0.0.1 --port \(sshd.port)"))
            #expect(error.description.contains("--replace"))
        }
    }

    @Test("host key: an unknown key is refused with its fingerprint and the trust-host command")
    func hostKeyUnknown() async throws {
        guard let sshd = try await startSSHD() else { return }
        defer { sshd.stop() }
        let ssh = try SSHConnection(configuration: sshConfiguration(sshd, knownHosts: sshd.emptyKnownHostsPath), logger: quietLogger)
        let fingerprint = try fingerprintOf(sshd.hostKeyPath + ".pub")
        do {
            try await ssh.connect()
            Issue.record("connected to an unknown host")
        } catch let error as RemoteError {
            #expect(error.code == .hostKeyUnknown)
            #expect(error.description.contains(fingerprint))
            #expect(error.description.contains("escalator trust-host 127.0.0.1 --port \(sshd.port)"))
        }
    }

    @Test("trust-host records the key in the project file, then connecting works")
    func trustThenConnect() async throws {
        guard let sshd = try await startSSHD() else { return }
        defer { sshd.stop() }
        let project = sshd.directory.file("project/known_hosts")
        let configuration = sshConfiguration(sshd, knownHosts: sshd.emptyKnownHostsPath, projectKnownHosts: project)
        let outcome = try await HostTrust.trust(configuration, replace: false)
        #expect(outcome.written)
        #expect(outcome.previousStatus == .notFound)
        #expect(outcome.key.fingerprint == (try fingerprintOf(sshd.hostKeyPath + ".pub")))
        let text = try String(contentsOfFile: project, encoding: .utf8)
        #expect(text.hasPrefix("[127.0.0.1]:\(sshd.port) ssh-ed25519 "))

        let again = try await HostTrust.trust(configuration, replace: false)
        #expect(!again.written && again.previousStatus == .match)

        let ssh = try SSHConnection(configuration: configuration, logger: quietLogger)
        #expect(try await ssh.run(["echo", "trusted"]).stdoutText == "trusted\n")
        await ssh.close()

        // A changed key is refused without --replace and replaced with it.
        try FileManager.default.removeItem(atPath: project)
        try FileManager.default.copyItem(atPath: sshd.wrongKnownHostsPath, toPath: project)
        await #expect(throws: RemoteError.self) { try await HostTrust.trust(configuration, replace: false) }
        let replaced = try await HostTrust.trust(configuration, replace: true)
        #expect(replaced.written && replaced.previousStatus == .mismatch)
        let lines = try String(contentsOfFile: project, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let ssh2 = try SSHConnection(configuration: configuration, logger: quietLogger)
        #expect(try await ssh2.run(["echo", "replaced"]).stdoutText == "replaced\n")
        await ssh2.close()
    }

    @Test("authentication through ssh-agent")
    func agentAuth() async throws {
        guard let sshd = try await startSSHD() else { return }
        defer { sshd.stop() }
        let agent = try await SSHAgentFixture(directory: sshd.directory, keyPath: sshd.userKeyPath)
        defer { agent.stop() }
        let ssh = try SSHConnection(configuration: sshConfiguration(sshd, identityFiles: [], agentSocket: agent.socketPath),
                                    logger: quietLogger)
        #expect(try await ssh.run(["echo", "agent-ok"]).stdoutText == "agent-ok\n")
        await ssh.close()
    }

    @Test("ECDSA user keys work; RSA user keys are refused (libssh2 1.10 signs with SHA-1)")
    func keyTypes() async throws {
        guard let sshd = try await startSSHD() else { return }
        defer { sshd.stop() }
        let local = LocalTransport(logger: quietLogger)
        let authorized = sshd.directory.file("authorized_keys")
        for (type, bits) in [("ecdsa", "256"), ("rsa", "2048")] {
            let key = sshd.directory.file("user_\(type)")
            let made = try await local.run(["ssh-keygen", "-q", "-t", type, "-b", bits, "-N", "", "-f", key])
            try #require(made.succeeded, "\(made.stderrText)")
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: authorized))
            handle.seekToEndOfFile()
            handle.write(try Data(contentsOf: URL(fileURLWithPath: key + ".pub")))
            try handle.close()
        }
        let ecdsa = try SSHConnection(configuration: sshConfiguration(sshd, identityFiles: [sshd.directory.file("user_ecdsa")]), logger: quietLogger)
        #expect(try await ecdsa.run(["echo", "ecdsa-ok"]).stdoutText == "ecdsa-ok\n")
        await ecdsa.close()
        let rsa = try SSHConnection(configuration: sshConfiguration(sshd, identityFiles: [sshd.directory.file("user_rsa")]), logger: quietLogger)
        await #expect(throws: RemoteError.self) { try await rsa.connect() }
    }

    @Test("authentication fails clearly without a usable key")
    func authFailure() async throws {
        guard let sshd = try await startSSHD() else { return }
        defer { sshd.stop() }
        let ssh = try SSHConnection(configuration: sshConfiguration(sshd, identityFiles: [sshd.otherHostKeyPath]), logger: quietLogger)
        do {
            try await ssh.connect()
            Issue.record("authenticated with a key that is not authorized")
        } catch let error as RemoteError {
            #expect(error.code == .authenticationFailed)
            #expect(error.description.contains("ed25519"))
        }
    }

    @Test("reconnects after the sshd child serving the connection is killed")
    func reconnect() async throws {
        guard let sshd = try await startSSHD() else { return }
        defer { sshd.stop() }
        let ssh = try SSHConnection(configuration: sshConfiguration(sshd), logger: quietLogger)
        #expect(try await ssh.run(["echo", "one"]).stdoutText == "one\n")
        let children = sshd.connectionPIDs()
        try #require(children.count == 1, "expected one sshd child, found \(children)")
        kill(children[0], SIGKILL)
        try await waitUntil("sshd child gone", timeout: 10) { !sshd.connectionPIDs().contains(children[0]) }
        #expect(try await ssh.run(["echo", "two"]).stdoutText == "two\n")
        #expect(await ssh.connectCount == 2)
        await ssh.close()
    }

    @Test("a streaming command: write lines, read them back, finish with the exit status")
    func streaming() async throws {
        guard let sshd = try await startSSHD() else { return }
        defer { sshd.stop() }
        let ssh = try SSHConnection(configuration: sshConfiguration(sshd), logger: quietLogger)
        let stream = try await ssh.start(["cat"])
        // Another command runs on the same connection while the stream is open.
        #expect(try await ssh.run(["echo", "meanwhile"]).stdoutText == "meanwhile\n")
        try await stream.write(Array("hello\n".utf8))
        var received: [UInt8] = []
        while received.count < 6, let chunk = try await stream.read(timeout: .seconds(5)) { received += chunk }
        #expect(received == Array("hello\n".utf8))
        try await stream.closeInput()
        let result = try await stream.finish(timeout: .seconds(10))
        #expect(result.exitStatus == 0)
        await stream.close()
        await ssh.close()
    }
}

/// The SHA256 fingerprint of a public key file, as ssh-keygen prints it.
func fingerprintOf(_ publicKeyPath: String) throws -> String {
    let output = try runBinary(RealPart.executable("ssh-keygen") ?? "/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", publicKeyPath]).stdout
    return String(output.split(separator: " ")[1])
}
