import Foundation

/// A throwaway OpenSSH server on 127.0.0.1 for integration tests (loopback only).
///
/// Creates an ed25519 host key, a second "other" host key, an ed25519 user key, authorized_keys,
/// known_hosts files, and an sshd_config; checks the config with `sshd -t`; starts
/// `/usr/sbin/sshd -D` by absolute path as a ``SpawnedProcess`` and waits for the port.
public final class SSHDFixture: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let port: Int
    /// The sshd listener process (its pid is recorded; ``stop()`` stops exactly it).
    ///
    /// Not a Foundation `Process` : sshd closes every inherited descriptor at
    /// startup, including the socket Foundation watches to learn that a child exited, so Foundation
    /// then blocks its process-monitor thread in `waitpid(sshd)` and no other `Process` in the test
    /// run (``runBinary``, a `Process`'s stop) ever sees its child exit.
    public let process: SpawnedProcess
    public let hostKeyPath: String
    public let otherHostKeyPath: String
    /// The user's private key (ed25519); its `.pub` is in authorized_keys.
    public let userKeyPath: String
    /// `[127.0.0.1]:port` with the real host key.
    public let knownHostsPath: String
    /// `[127.0.0.1]:port` with the other host key.
    public let wrongKnownHostsPath: String
    /// An empty known_hosts file.
    public let emptyKnownHostsPath: String
    public let logPath: String
    /// The user sshd authenticates (this process's user).
    public let user: String

    /// The sshd binary, or nil when openssh-server is not installed.
    public static var sshdPath: String? { RealPart.executable("/usr/sbin/sshd") }

    /// Starts a server; `environment` is set in every session it runs (`SetEnv`), as a host
    /// configured that way would.
    /// - Throws: ``RealPart/Missing`` when sshd or ssh-keygen is missing; other errors on setup failure.
    public init(environment: [String: String] = [:]) async throws {
        guard let sshd = Self.sshdPath, let keygen = RealPart.executable("ssh-keygen") else {
            throw RealPart.Missing(part: "sshd", fix: "apt-get install -y openssh-server openssh-client")
        }
        let dir = try TemporaryDirectory(prefix: "escalator-sshd")
        directory = dir
        hostKeyPath = dir.file("host_ed25519")
        otherHostKeyPath = dir.file("other_host_ed25519")
        userKeyPath = dir.file("user_ed25519")
        for key in [hostKeyPath, otherHostKeyPath, userKeyPath] {
            let result = try runBinary(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "escalator-test", "-f", key])
            guard result.status == 0 else { throw RealPart.Missing(part: "ssh-keygen", fix: result.stderr) }
        }
        let authorizedKeys = dir.file("authorized_keys")
        try FileManager.default.copyItem(atPath: userKeyPath + ".pub", toPath: authorizedKeys)
        port = try freeLoopbackPort()
        logPath = dir.file("sshd.log")
        knownHostsPath = dir.file("known_hosts")
        wrongKnownHostsPath = dir.file("known_hosts_wrong")
        emptyKnownHostsPath = dir.file("known_hosts_empty")
        try Self.knownHostsLine(port: port, publicKey: hostKeyPath + ".pub").write(toFile: knownHostsPath, atomically: true, encoding: .utf8)
        try Self.knownHostsLine(port: port, publicKey: otherHostKeyPath + ".pub").write(toFile: wrongKnownHostsPath, atomically: true, encoding: .utf8)
        try "".write(toFile: emptyKnownHostsPath, atomically: true, encoding: .utf8)
        user = ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
        let config = """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(hostKeyPath)
        AuthorizedKeysFile \(authorizedKeys)
        PidFile \(dir.file("sshd.pid"))
        StrictModes no
        UsePAM no
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PubkeyAuthentication yes
        PermitRootLogin prohibit-password
        AllowTcpForwarding no
        X11Forwarding no
        MaxSessions 50
        MaxStartups 50
        LogLevel VERBOSE
        """ + environment.sorted { $0.key < $1.key }.map { "\nSetEnv \($0.key)=\($0.value)" }.joined()
        let configPath = dir.file("sshd_config")
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        // sshd's privilege separation directory.
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let check = try runBinary(sshd, ["-t", "-f", configPath])
        guard check.status == 0 else {
            throw RealPart.Missing(part: "a valid sshd config", fix: "sshd -t said: \(check.stderr)")
        }
        process = try SpawnedProcess(sshd, ["-D", "-f", configPath, "-E", logPath])
        let port = self.port
        let process = self.process
        try await waitUntil("sshd listening on 127.0.0.1:\(port)", timeout: 15) {
            guard process.isRunning else {
                let log = (try? String(contentsOfFile: dir.file("sshd.log"), encoding: .utf8)) ?? ""
                throw RealPart.Missing(part: "sshd", fix: "sshd exited: \(log)")
            }
            return loopbackAccepts(port: port)
        }
    }

    /// Stops sshd (exactly its recorded pid) and removes the directory.
    public func stop() {
        process.stop()
        directory.remove()
    }

    /// sshd's log so far.
    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// The pids of the per-connection sshd children of the listener (from /proc).
    public func connectionPIDs() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == process.pid
        }
    }

    static func knownHostsLine(port: Int, publicKey: String) throws -> String {
        let pub = try String(contentsOfFile: publicKey, encoding: .utf8).split(separator: " ")
        return "[127.0.0.1]:\(port) \(pub[0]) \(pub[1])\n"
    }
}

/// An ssh-agent on a private socket holding one key; pids recorded, stopped exactly.
public final class SSHAgentFixture: @unchecked Sendable {
    public let socketPath: String
    /// The agent (a ``SpawnedProcess`` for the same reason as ``SSHDFixture/process``).
    public let process: SpawnedProcess

    /// Starts `ssh-agent -D -a socket` and adds `keyPath` with ssh-add.
    public init(directory: TemporaryDirectory, keyPath: String) async throws {
        guard let agent = RealPart.executable("ssh-agent"), let add = RealPart.executable("ssh-add") else {
            throw RealPart.Missing(part: "ssh-agent", fix: "apt-get install -y openssh-client")
        }
        socketPath = directory.file("agent.sock")
        process = try SpawnedProcess(agent, ["-D", "-a", socketPath])
        let socketPath = self.socketPath
        try await waitUntil("ssh-agent socket", timeout: 10) { FileManager.default.fileExists(atPath: socketPath) }
        let adder = try SpawnedProcess(add, [keyPath], environment: ["SSH_AUTH_SOCK=\(socketPath)", "PATH=/usr/bin:/bin"])
        try await waitUntil("ssh-add", timeout: 10) { !adder.isRunning }
        guard adder.exitStatus == 0 else { throw RealPart.Missing(part: "ssh-add", fix: "ssh-add exited with \(adder.exitStatus ?? -1)") }
    }

    public func stop() { process.stop() }
}

/// A child started with `posix_spawn` (stdin, stdout and stderr on /dev/null). Its pid is recorded
/// and ``stop(grace:)`` signals exactly that pid and reaps it with `waitpid`.
///
/// Every long-running real part (sshd, ssh-agent, llama-server) is started this way rather than
/// with Foundation's `Process`: daemons that close inherited descriptors stall Foundation's exit
/// watcher, and a `Process` child inherits a blocked SIGTERM.
public final class SpawnedProcess: @unchecked Sendable {
    public let pid: pid_t
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `executable` (an absolute path) with `arguments`; `environment` is `NAME=value` strings (nil inherits).
    public init(_ executable: String, _ arguments: [String], environment: [String]? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let env = (environment ?? ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; env.forEach { free($0) } }
        // Dispatch worker threads block most signals and a spawned child inherits that mask:
        // without this, the daemon would ignore SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, env)
        guard rc == 0 else { throw RealPart.Missing(part: executable, fix: "posix_spawn failed: \(String(cString: strerror(rc)))") }
        self.pid = pid
    }

    /// Whether the child is still running (reaps it when it has exited).
    public var isRunning: Bool {
        lock.lock(); defer { lock.unlock() }
        if status != nil { return false }
        var raw: Int32 = 0
        if waitpid(pid, &raw, WNOHANG) == pid { status = raw; return false }
        return true
    }

    /// The signal that ended the child, if one did.
    public var terminationSignal: Int32? {
        _ = isRunning
        lock.lock(); defer { lock.unlock() }
        guard let status, status & 0x7f != 0 else { return nil }
        return status & 0x7f
    }

    /// The exit status once the child has exited normally, else nil.
    public var exitStatus: Int32? {
        _ = isRunning
        lock.lock(); defer { lock.unlock() }
        guard let status, status & 0x7f == 0 else { return nil }
        return (status >> 8) & 0xff
    }

    /// Sends SIGTERM to this pid, then SIGKILL after `grace` seconds, and reaps it.
    public func stop(grace: Double = 5) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while isRunning && Date() < deadline { usleep(10_000) }
        if isRunning {
            kill(pid, SIGKILL)
            lock.lock()
            var raw: Int32 = 0
            if status == nil && waitpid(pid, &raw, 0) == pid { status = raw }
            lock.unlock()
        }
    }

    deinit { stop(grace: 1) }
}
