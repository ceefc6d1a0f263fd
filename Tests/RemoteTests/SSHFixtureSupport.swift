import Foundation
import Logging
import Remote
import Testing
import TestSupport

/// Starts an sshd fixture, or returns nil when sshd is missing outside CI (the test then skips).
func startSSHD() async throws -> SSHDFixture? {
    guard RealPart.shouldRun(SSHDFixture.sshdPath != nil) else { return nil }
    return try await SSHDFixture()
}

/// A configuration for the fixture: key-file auth, the fixture's known_hosts, no user files.
func sshConfiguration(_ sshd: SSHDFixture, knownHosts: String? = nil, projectKnownHosts: String? = nil,
                      identityFiles: [String]? = nil, agentSocket: String? = nil) -> SSHConfiguration {
    SSHConfiguration(host: "127.0.0.1", port: sshd.port, user: sshd.user,
                     identityFiles: identityFiles ?? [sshd.userKeyPath], agentSocket: agentSocket,
                     homeDirectory: sshd.directory.path, sshConfigPath: "",
                     userKnownHostsFile: knownHosts ?? sshd.knownHostsPath,
                     projectKnownHostsFile: projectKnownHosts ?? sshd.emptyKnownHostsPath,
                     connectTimeout: .seconds(10), keepaliveInterval: 5)
}

/// A logger that discards everything (tests do not bootstrap logging).
let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
