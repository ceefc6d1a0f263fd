import Foundation

/// Where and how to connect over SSH. Values given here override `~/.ssh/config`.
public struct SSHConfiguration: Sendable {
    /// The host as the user typed it; may be a `Host` alias from the ssh config file.
    public var host: String
    /// The port; nil takes the config file's `Port`, else 22.
    public var port: Int?
    /// The user; nil takes the config file's `User`, else the local user name.
    public var user: String?
    /// Private key files to try; nil takes the config file's `IdentityFile`s, else `~/.ssh/id_ed25519`
    /// and `~/.ssh/id_ecdsa`.
    public var identityFiles: [String]?
    /// The ssh-agent socket to try first (usually `SSH_AUTH_SOCK`); nil skips the agent.
    public var agentSocket: String?
    /// The home directory used for `~` and the default paths.
    public var homeDirectory: String
    /// The OpenSSH client config file; nil reads none.
    public var sshConfigPath: String?
    /// The user's known_hosts file (read only); nil reads none.
    public var userKnownHostsFile: String?
    /// The project-managed known_hosts file that `escalator trust-host` appends to (read too).
    public var projectKnownHostsFile: String
    /// How long connecting, the handshake and authentication may take together.
    public var connectTimeout: Duration
    /// Seconds between keepalive messages once authenticated (0 disables them).
    public var keepaliveInterval: Int

    /// The ssh-agent socket named by this process's `SSH_AUTH_SOCK`, for ``agentSocket``.
    /// (Read by the caller, typically the CLI, and passed in; library code reads no environment.)
    public static var agentSocketFromEnvironment: String? {
        ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The project-managed known_hosts file used when none is given: `~/.config/escalator/known_hosts`.
    public static func defaultProjectKnownHostsFile(homeDirectory: String) -> String {
        homeDirectory + "/.config/escalator/known_hosts"
    }

    /// Creates a configuration.
    /// - Parameters:
    ///   - host: The host or `Host` alias.
    ///   - port: Overrides the config file's `Port`.
    ///   - user: Overrides the config file's `User`.
    ///   - identityFiles: Overrides the config file's `IdentityFile`s.
    ///   - agentSocket: The ssh-agent socket, usually the caller's `SSH_AUTH_SOCK`.
    ///   - homeDirectory: Defaults to this user's home directory.
    ///   - sshConfigPath: Defaults to `~/.ssh/config`; pass "" to read none.
    ///   - userKnownHostsFile: Defaults to `~/.ssh/known_hosts`; pass "" to read none.
    ///   - projectKnownHostsFile: Defaults to ``defaultProjectKnownHostsFile(homeDirectory:)``.
    ///   - connectTimeout: Defaults to 10 s.
    ///   - keepaliveInterval: Defaults to 15 s.
    public init(host: String, port: Int? = nil, user: String? = nil, identityFiles: [String]? = nil,
                agentSocket: String? = nil, homeDirectory: String = NSHomeDirectory(), sshConfigPath: String? = nil,
                userKnownHostsFile: String? = nil, projectKnownHostsFile: String? = nil,
                connectTimeout: Duration = .seconds(10), keepaliveInterval: Int = 15) {
        self.host = host
        self.port = port
        self.user = user
        self.identityFiles = identityFiles
        self.agentSocket = agentSocket
        self.homeDirectory = homeDirectory
        let configPath = sshConfigPath ?? homeDirectory + "/.ssh/config"
        self.sshConfigPath = configPath.isEmpty ? nil : configPath
        let knownHosts = userKnownHostsFile ?? homeDirectory + "/.ssh/known_hosts"
        self.userKnownHostsFile = knownHosts.isEmpty ? nil : knownHosts
        self.projectKnownHostsFile = projectKnownHostsFile ?? Self.defaultProjectKnownHostsFile(homeDirectory: homeDirectory)
        self.connectTimeout = connectTimeout
        self.keepaliveInterval = keepaliveInterval
    }

    /// Applies the ssh config file and the defaults.
    /// - Throws: ``RemoteError`` when the config file exists but cannot be read.
    public func resolve() throws(RemoteError) -> SSHEndpoint {
        let localUser = Self.localUserName()
        let file = try sshConfigPath.map { path throws(RemoteError) in try SSHConfigFile.load(path: path) } ?? SSHConfigFile(parsing: "")
        let settings = file.settings(for: host, homeDirectory: homeDirectory, localUser: localUser)
        let defaults = [homeDirectory + "/.ssh/id_ed25519", homeDirectory + "/.ssh/id_ecdsa"]
        return SSHEndpoint(alias: host,
                           hostName: settings.hostName ?? host,
                           port: port ?? settings.port ?? 22,
                           user: user ?? settings.user ?? localUser,
                           identityFiles: identityFiles ?? (settings.identityFiles.isEmpty ? defaults : settings.identityFiles),
                           portWasExplicit: port != nil)
    }

    static func localUserName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "root"
    }
}

/// A fully resolved SSH destination.
public struct SSHEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// The name the user typed.
    public var alias: String
    /// The host name or address to connect to.
    public var hostName: String
    public var port: Int
    public var user: String
    /// Private key files to try, in order.
    public var identityFiles: [String]
    /// Whether the port came from the caller rather than the config file.
    public var portWasExplicit: Bool

    public var description: String { "\(user)@\(hostName):\(port)" }
}
