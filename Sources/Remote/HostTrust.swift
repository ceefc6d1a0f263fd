import Foundation

/// Accepting a server's host key into the project-managed known_hosts file (`escalator trust-host`).
public enum HostTrust {
    /// What ``trust(_:replace:)`` found and did.
    public struct Outcome: Sendable {
        /// The resolved destination.
        public var endpoint: SSHEndpoint
        /// The key the server presented.
        public var key: HostKey
        /// The lookup result before anything was written.
        public var previousStatus: KnownHostsStatus
        /// Whether a line was written to ``file``.
        public var written: Bool
        /// The project-managed known_hosts file.
        public var file: String
    }

    /// Connects to the host, reads its key, and records it in `configuration.projectKnownHostsFile`.
    ///
    /// An already-known key is left alone. A changed key is refused (code `hostKeyChanged`, with
    /// the new fingerprint) unless `replace` is true, in which case the project file's plain lines
    /// for the host are replaced.
    public static func trust(_ configuration: SSHConfiguration, replace: Bool) async throws -> Outcome {
        let (endpoint, key) = try await SSHConnection.fetchHostKey(configuration)
        let file = configuration.projectKnownHostsFile
        let files = [configuration.userKnownHostsFile, file].compactMap { $0 }
        let status = try KnownHostsFile.check(key, host: endpoint.hostName, port: endpoint.port, files: files)
        let name = KnownHostsFile.entryName(host: endpoint.hostName, port: endpoint.port)
        switch status {
        case .match:
            return Outcome(endpoint: endpoint, key: key, previousStatus: status, written: false, file: file)
        case .mismatch where !replace:
            throw RemoteError(.hostKeyChanged, call: "libssh2_knownhost_checkp",
                              message: "HOST KEY CHANGED for \(name): the server now presents \(key.typeName) key \(key.fingerprint), "
                                + "which differs from the recorded key. Not recording it. If you have confirmed the new fingerprint "
                                + "with the server's administrator, run again with --replace")
        case .mismatch, .notFound:
            try KnownHostsFile.add(key, host: endpoint.hostName, port: endpoint.port, to: file, replace: replace)
            return Outcome(endpoint: endpoint, key: key, previousStatus: status, written: true, file: file)
        }
    }
}
