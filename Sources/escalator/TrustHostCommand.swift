import ArgumentParser
import Foundation
import Remote

/// `escalator trust-host HOST`: records a server's SSH host key in the project-managed known_hosts.
struct TrustHostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust-host",
        abstract: "Record an SSH server's host key so escalator will connect to it.",
        discussion: """
        Connects to HOST (a host name or a Host alias from ~/.ssh/config), shows the key's SHA256 \
        fingerprint and appends it to the project-managed known_hosts file. Compare the fingerprint \
        with the one the server's administrator gives you (on the server: \
        ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub). A key that differs from the recorded one \
        is refused unless --replace is given.
        """
    )

    @Argument(help: "The host name or ~/.ssh/config Host alias.")
    var host: String

    @Option(help: "The SSH port (default: the config file's Port, else 22).")
    var port: Int?

    @Option(name: .customLong("known-hosts"), help: "The project-managed known_hosts file (default: ~/.config/escalator/known_hosts).")
    var knownHosts: String?

    @Option(name: .customLong("expect-fingerprint"), help: "Refuse unless the server's key has this fingerprint (SHA256:...).")
    var expectedFingerprint: String?

    @Flag(help: "Replace a recorded key for this host that differs from the server's key.")
    var replace = false

    func run() async throws {
        let configuration = SSHConfiguration(host: host, port: port, projectKnownHostsFile: knownHosts)
        if let expectedFingerprint {
            let (endpoint, key) = try await SSHConnection.fetchHostKey(configuration)
            guard key.fingerprint == expectedFingerprint else {
                throw RemoteError(.hostKeyChanged, call: "trust-host",
                                  message: "\(endpoint.hostName) port \(endpoint.port) presents \(key), not \(expectedFingerprint); nothing recorded")
            }
        }
        let outcome = try await HostTrust.trust(configuration, replace: replace)
        let name = KnownHostsFile.entryName(host: outcome.endpoint.hostName, port: outcome.endpoint.port)
        print("\(name) presents \(outcome.key.typeName) key \(outcome.key.fingerprint)")
        if outcome.written {
            let verb = outcome.previousStatus == .mismatch ? "Replaced the recorded key in" : "Added it to"
            print("\(verb) \(outcome.file)")
        } else {
            print("Already trusted; \(outcome.file) left unchanged")
        }
    }
}
