import CLibSSH2
import Dispatch
import Foundation
import Logging

/// One persistent SSH connection to one host through libssh2, running commands on exec channels.
///
/// - The host key must be in the user's known_hosts or the project-managed file; an unknown or
///   changed key is refused with an error showing its fingerprint and the `escalator trust-host`
///   command to accept it. Nothing is ever accepted silently.
/// - Authentication tries ssh-agent, then the identity files (ed25519 or ECDSA).
/// - Keepalives are sent only after authentication.
/// - If the connection dropped, the next command reconnects; a command that failed before it was
///   sent is retried once on the new connection.
///
/// All libssh2 work happens on one private serial queue, never on Swift's cooperative pool.
/// Connecting is lazy: the first command (or ``connect()``) opens the connection.
public final class SSHConnection: Transport, @unchecked Sendable {
    /// The configuration as given.
    public let configuration: SSHConfiguration
    /// The destination after applying the ssh config file.
    public let endpoint: SSHEndpoint
    let queue: DispatchQueue
    private let logger: Logger

    // State below is confined to `queue`.
    private var live: LiveSession?
    private(set) var generation = 0
    private var keepaliveTimer: (any DispatchSourceTimer)?
    private var isClosed = false

    /// Creates a connection (no network traffic yet).
    /// - Throws: ``RemoteError`` when the ssh config file cannot be read.
    public init(configuration: SSHConfiguration, logger: Logger = Logger(label: "escalator.remote.ssh")) throws {
        self.configuration = configuration
        self.endpoint = try configuration.resolve()
        self.queue = DispatchQueue(label: "escalator.remote.ssh.\(configuration.host)")
        var logger = logger
        logger[metadataKey: "ssh"] = "\(endpoint)"
        self.logger = logger
    }

    deinit {
        keepaliveTimer?.cancel()
    }

    public var endpointDescription: String { endpoint.description }

    /// How many times this connection has connected (1 after the first connect; more after reconnects).
    public var connectCount: Int {
        get async { (try? await onQueue(queue) { self.generation }) ?? 0 }
    }

    /// Connects, verifies the host key and authenticates now instead of at the first command.
    /// - Throws: ``RemoteError`` (codes `hostKeyUnknown`, `hostKeyChanged`, `authenticationFailed`, …).
    public func connect() async throws {
        let deadline = ContinuousClock.now + configuration.connectTimeout
        _ = try await onQueue(queue) { _ = try self.ensureConnected(deadline: deadline) }
    }

    /// Closes the connection. Later commands reconnect.
    public func close() async {
        _ = try? await onQueue(queue) {
            self.dropSession(reason: "closed by caller")
        }
    }

    public func run(_ argv: [String], stdin: [UInt8]?, timeout: Duration) async throws -> CommandResult {
        let command = try ShellQuoting.join(argv)
        let deadline = ContinuousClock.now + timeout
        let flag = CancelFlag()
        logger.debug("ssh run", metadata: ["command": "\(command)"])
        return try await withTaskCancellationHandler {
            try await onQueue(queue) {
                try self.runWithReconnect(command: command, stdin: stdin ?? [], deadline: deadline, cancel: flag)
            }
        } onCancel: { flag.cancel() }
    }

    public func start(_ argv: [String]) async throws -> any CommandStream {
        let command = try ShellQuoting.join(argv)
        let deadline = ContinuousClock.now + configuration.connectTimeout
        logger.debug("ssh start", metadata: ["command": "\(command)"])
        return try await onQueue(queue) {
            var attempt = 0
            while true {
                let session = try self.ensureConnected(deadline: deadline)
                do {
                    let io = try SSHChannelIO.open(session.handle, command: command, deadline: deadline)
                    return SSHStream(connection: self, io: io, generation: session.generation)
                } catch let failure as ChannelOpenFailure {
                    if Self.isSessionFailure(failure.error.cCode) { self.dropSession(reason: failure.error.description) }
                    if failure.sent || attempt > 0 || !Self.isSessionFailure(failure.error.cCode) { throw failure.error }
                    attempt += 1
                }
            }
        }
    }

    /// Connects to the host just far enough to read its host key (no authentication).
    /// Used by `escalator trust-host`.
    public static func fetchHostKey(_ configuration: SSHConfiguration) async throws -> (SSHEndpoint, HostKey) {
        let endpoint = try configuration.resolve()
        let timeout = configuration.connectTimeout
        return try await onQueue(DispatchQueue(label: "escalator.remote.ssh.hostkey")) {
            let session = try LibSSH2Session.connect(host: endpoint.hostName, port: endpoint.port, timeout: timeout)
            guard let key = HostKey.of(session) else {
                throw RemoteError(.handshakeFailed, call: "libssh2_session_hostkey", libraryMessage: session.lastError(),
                                  message: "the server sent no host key")
            }
            return (endpoint, key)
        }
    }

    /// The `escalator trust-host …` command that accepts this connection's host.
    public var trustCommand: String {
        var parts = ["escalator", "trust-host", ShellQuoting.quote(configuration.host)]
        if endpoint.portWasExplicit { parts += ["--port", String(endpoint.port)] }
        if configuration.projectKnownHostsFile != SSHConfiguration.defaultProjectKnownHostsFile(homeDirectory: configuration.homeDirectory) {
            parts += ["--known-hosts", ShellQuoting.quote(configuration.projectKnownHostsFile)]
        }
        return parts.joined(separator: " ")
    }

    // MARK: - On the queue

    /// The live session, connecting first if needed. Call on `queue`.
    func ensureConnected(deadline: ContinuousClock.Instant) throws(RemoteError) -> LiveSession {
        if let live { return live }
        let connectDeadline = min(deadline, ContinuousClock.now + configuration.connectTimeout)
        logger.debug("connecting")
        let session = try LibSSH2Session.connect(host: endpoint.hostName, port: endpoint.port,
                                                 timeout: connectDeadline - .now)
        try verifyHostKey(session)
        try session.authenticate(user: endpoint.user, identityFiles: endpoint.identityFiles,
                                 agentSocket: configuration.agentSocket, deadline: connectDeadline, logger: logger)
        if configuration.keepaliveInterval > 0 {
            // Only now: a keepalive during the key exchange breaks it (libssh2 1.10).
            libssh2_keepalive_config(session.raw, 1, UInt32(configuration.keepaliveInterval))
        }
        generation += 1
        let fresh = LiveSession(handle: session, generation: generation)
        live = fresh
        startKeepalive()
        logger.debug("connected", metadata: ["generation": "\(generation)"])
        return fresh
    }

    /// Whether `generation` is still the live session. Call on `queue`.
    func isCurrent(_ generation: Int) -> LiveSession? {
        guard let live, live.generation == generation else { return nil }
        return live
    }

    /// Forgets the live session (freeing it and its channels). Call on `queue`.
    func dropSession(reason: String) {
        if live != nil { logger.debug("dropping session", metadata: ["reason": "\(reason)"]) }
        live = nil
        keepaliveTimer?.cancel()
        keepaliveTimer = nil
    }

    private func verifyHostKey(_ session: borrowing LibSSH2Session) throws(RemoteError) {
        guard let key = HostKey.of(session) else {
            throw RemoteError(.handshakeFailed, call: "libssh2_session_hostkey", libraryMessage: session.lastError(),
                              message: "the server sent no host key")
        }
        let files = [configuration.userKnownHostsFile, configuration.projectKnownHostsFile].compactMap { $0 }
        let name = KnownHostsFile.entryName(host: endpoint.hostName, port: endpoint.port)
        switch try KnownHostsFile.check(key, host: endpoint.hostName, port: endpoint.port, files: files) {
        case .match:
            logger.trace("host key matches", metadata: ["fingerprint": "\(key.fingerprint)"])
        case .mismatch:
            throw RemoteError(.hostKeyChanged, call: "libssh2_knownhost_checkp", cCode: LIBSSH2_KNOWNHOST_CHECK_MISMATCH,
                              message: "HOST KEY CHANGED for \(name): the server now presents \(key.typeName) key \(key.fingerprint), "
                                + "which differs from the key recorded in \(files.joined(separator: " or ")). Someone may be intercepting "
                                + "the connection, or the server was reinstalled. Refusing to connect. If you know the key changed, "
                                + "check the fingerprint with the server's administrator and accept it with: \(trustCommand) --replace")
        case .notFound:
            throw RemoteError(.hostKeyUnknown, call: "libssh2_knownhost_checkp", cCode: LIBSSH2_KNOWNHOST_CHECK_NOTFOUND,
                              message: "unknown host key for \(name): the server presents \(key.typeName) key \(key.fingerprint), "
                                + "which is in no known_hosts file (\(files.joined(separator: ", "))). Refusing to connect. "
                                + "If this fingerprint is the server's, accept it with: \(trustCommand)")
        }
    }

    private func startKeepalive() {
        keepaliveTimer?.cancel()
        guard configuration.keepaliveInterval > 0 else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let interval = DispatchTimeInterval.seconds(configuration.keepaliveInterval)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.sendKeepalive() }
        timer.resume()
        keepaliveTimer = timer
    }

    private func sendKeepalive() {
        guard let live, live.handle.isAuthenticated else { return }
        var next: Int32 = 0
        let rc = libssh2_keepalive_send(live.handle.raw, &next)
        if rc != 0 && rc != LIBSSH2_ERROR_EAGAIN {
            dropSession(reason: "keepalive failed: \(live.handle.lastError())")
        } else {
            logger.trace("keepalive sent")
        }
    }

    /// libssh2 codes meaning the connection itself is gone.
    static func isSessionFailure(_ code: Int32?) -> Bool {
        guard let code else { return false }
        return [LIBSSH2_ERROR_SOCKET_NONE, LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_DISCONNECT,
                LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_TIMEOUT, LIBSSH2_ERROR_BANNER_RECV,
                LIBSSH2_ERROR_KEX_FAILURE, LIBSSH2_ERROR_DECRYPT, LIBSSH2_ERROR_INVAL].contains(code)
    }

    private func runWithReconnect(command: String, stdin: [UInt8], deadline: ContinuousClock.Instant,
                                  cancel: CancelFlag) throws -> CommandResult {
        var attempt = 0
        while true {
            let session = try ensureConnected(deadline: deadline)
            let io: SSHChannelIO
            do {
                io = try SSHChannelIO.open(session.handle, command: command, deadline: deadline)
            } catch let failure {
                let dead = Self.isSessionFailure(failure.error.cCode)
                if dead { dropSession(reason: failure.error.description) }
                if dead && !failure.sent && attempt == 0 {
                    attempt += 1
                    logger.debug("connection lost before the command was sent; reconnecting and retrying once")
                    continue
                }
                if dead {
                    var error = failure.error
                    error.code = .connectionLost
                    error.message = "the SSH connection to \(endpoint) was lost" + (failure.sent ? " after the command was sent; it may have run" : "")
                    throw error
                }
                throw failure.error
            }
            do {
                return try execute(io, stdin: stdin, deadline: deadline, cancel: cancel)
            } catch {
                if Self.isSessionFailure(error.cCode) || error.code == .connectionLost {
                    dropSession(reason: error.description)
                    var lost = error
                    lost.code = .connectionLost
                    lost.message = "the SSH connection to \(endpoint) was lost while the command ran; it may have run"
                    throw lost
                }
                io.free(deadline: ContinuousClock.now + .milliseconds(500))
                if error.code == .timedOut || error.code == .cancelled {
                    // The channel may be half-closed mid-packet; start afresh next time.
                    dropSession(reason: "command \(error.code)")
                }
                throw error
            }
        }
    }

    /// Feeds stdin, drains stdout and stderr until EOF, closes and collects the exit status and signal.
    private func execute(_ io: SSHChannelIO, stdin: [UInt8], deadline: ContinuousClock.Instant,
                         cancel: CancelFlag) throws(RemoteError) -> CommandResult {
        var pending = stdin[...]
        var eofSent = false
        var stdout: [UInt8] = [], stderr: [UInt8] = []
        while true {
            if cancel.isCancelled { throw RemoteError(.cancelled, call: "exec", message: "command cancelled") }
            var progressed = false
            if !pending.isEmpty {
                do {
                    let n = try io.writeSome(pending)
                    pending = pending.dropFirst(n)
                    progressed = n > 0
                } catch {
                    if io.isEOF { pending = [] } else { throw error }
                }
            }
            if pending.isEmpty && !eofSent {
                eofSent = true
                do { try io.sendEOF(deadline: deadline) } catch { if !io.isEOF { throw error } }
            }
            if try io.readAvailable(stream: 0, into: &stdout) { progressed = true }
            if try io.readAvailable(stream: SSH_EXTENDED_DATA_STDERR, into: &stderr) { progressed = true }
            if !progressed {
                if io.isEOF && pending.isEmpty { break }
                if io.hasBufferedData { continue }
                guard io.wait(deadline) else {
                    throw RemoteError(.timedOut, call: "poll", message: "the remote command did not finish in time")
                }
            }
        }
        let (status, signal) = try io.closeAndCollect(deadline: deadline)
        io.free(deadline: deadline)
        return CommandResult(stdout: stdout, stderr: stderr, exitStatus: status, exitSignal: signal)
    }
}

/// The owner of one connected, authenticated session and its generation number.
final class LiveSession {
    let handle: LibSSH2Session
    let generation: Int
    init(handle: consuming LibSSH2Session, generation: Int) {
        self.handle = handle
        self.generation = generation
    }
}
