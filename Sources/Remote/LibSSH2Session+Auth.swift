import CLibSSH2
import Foundation
import Logging

extension LibSSH2Session {
    /// Authenticates `user`: first with the ssh-agent at `agentSocket` (if given), then with each
    /// identity file that exists. Only ed25519 and ECDSA keys work against modern OpenSSH servers
    /// with libssh2 1.10 (RSA signatures use SHA-1, which OpenSSH ≥ 8.8 refuses).
    func authenticate(user: String, identityFiles: [String], agentSocket: String?, deadline: ContinuousClock.Instant,
                      logger: Logger) throws(RemoteError) {
        var tried: [String] = []
        if let agentSocket, !agentSocket.isEmpty {
            tried.append("ssh-agent at \(agentSocket)")
            if authenticateWithAgent(user: user, socket: agentSocket, deadline: deadline, logger: logger) { return }
        }
        for privateKey in identityFiles where FileManager.default.fileExists(atPath: privateKey) {
            tried.append(privateKey)
            let publicKey = privateKey + ".pub"
            let hasPublic = FileManager.default.fileExists(atPath: publicKey)
            let rc = retrying("libssh2_userauth_publickey_fromfile_ex", deadline: deadline) {
                libssh2_userauth_publickey_fromfile_ex(raw, user, UInt32(user.utf8.count),
                                                       hasPublic ? publicKey : nil, privateKey, nil)
            }
            if rc == 0 { logger.debug("authenticated with key file", metadata: ["key": "\(privateKey)"]); return }
            if rc == LIBSSH2_ERROR_TIMEOUT { throw error(.timedOut, "libssh2_userauth_publickey_fromfile_ex", rc, "authentication timed out") }
            logger.debug("key file refused", metadata: ["key": "\(privateKey)", "rc": "\(rc)", "message": "\(lastError())"])
        }
        throw RemoteError(.authenticationFailed, call: "libssh2_userauth_publickey", libraryMessage: lastError(),
                          message: "no key was accepted for user \(user) (tried: \(tried.isEmpty ? "nothing: no agent and no key file found" : tried.joined(separator: ", "))). "
                            + "Use an ed25519 or ECDSA key (RSA keys fail with libssh2 1.10), add its .pub to the server's "
                            + "~/.ssh/authorized_keys, and name it with IdentityFile in ~/.ssh/config or load it into ssh-agent")
    }

    /// Tries every agent identity; the agent protocol is run in blocking mode with a session timeout.
    private func authenticateWithAgent(user: String, socket: String, deadline: ContinuousClock.Instant, logger: Logger) -> Bool {
        guard let agent = libssh2_agent_init(raw) else { return false }
        libssh2_session_set_blocking(raw, 1)
        let remaining = deadline - .now
        libssh2_session_set_timeout(raw, max(1, Int(remaining.components.seconds * 1000)))
        defer {
            libssh2_session_set_timeout(raw, 0)
            libssh2_session_set_blocking(raw, 0)
            libssh2_agent_free(agent)
        }
        libssh2_agent_set_identity_path(agent, socket)
        guard libssh2_agent_connect(agent) == 0 else {
            logger.debug("ssh-agent connect failed", metadata: ["socket": "\(socket)"])
            return false
        }
        defer { libssh2_agent_disconnect(agent) }
        guard libssh2_agent_list_identities(agent) == 0 else { return false }
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        while true {
            var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
            let rc = libssh2_agent_get_identity(agent, &identity, previous)
            guard rc == 0, let identity else { return false }
            if libssh2_agent_userauth(agent, user, identity) == 0 {
                logger.debug("authenticated with ssh-agent identity")
                return true
            }
            previous = identity
        }
    }

    /// Whether the session has completed authentication.
    var isAuthenticated: Bool { libssh2_userauth_authenticated(raw) != 0 }
}

/// A non-owning view of one channel of a session. Use only on the owning connection's queue,
/// and only while the session that made it is alive.
struct SSHChannelIO {
    let channel: OpaquePointer
    let session: OpaquePointer
    let fd: Int32

    /// Opens a session channel and starts `command` with `exec`.
    /// - Returns: The channel, or throws with `sent` telling whether the exec request may have reached the server.
    static func open(_ owner: borrowing LibSSH2Session, command: String, deadline: ContinuousClock.Instant) throws(ChannelOpenFailure) -> SSHChannelIO {
        var channel: OpaquePointer?
        while channel == nil {
            channel = libssh2_channel_open_ex(owner.raw, "session", 7, 2 * 1024 * 1024, 32768, nil, 0)
            if channel == nil {
                let rc = libssh2_session_last_errno(owner.raw)
                guard rc == LIBSSH2_ERROR_EAGAIN, owner.waitSocket(deadline: deadline) else {
                    throw ChannelOpenFailure(error: owner.error(.channelFailed, "libssh2_channel_open_ex", rc == LIBSSH2_ERROR_EAGAIN ? LIBSSH2_ERROR_TIMEOUT : rc,
                                                                "could not open an SSH channel"), sent: false)
                }
            }
        }
        let io = SSHChannelIO(channel: channel!, session: owner.raw, fd: owner.fd)
        let rc = owner.retrying("libssh2_channel_process_startup", deadline: deadline) {
            libssh2_channel_process_startup(io.channel, "exec", 4, command, UInt32(command.utf8.count))
        }
        if rc != 0 {
            io.free(deadline: ContinuousClock.now + .milliseconds(500))
            throw ChannelOpenFailure(error: owner.error(.channelFailed, "libssh2_channel_process_startup", rc,
                                                        "the server refused to run the command"), sent: true)
        }
        return io
    }

    @discardableResult
    func wait(_ deadline: ContinuousClock.Instant, cap: Int32 = 100) -> Bool {
        LibSSH2Session.waitSocket(fd: fd, session: session, deadline: deadline, cap: cap)
    }

    func lastError() -> String { LibSSH2Session.lastError(session) }

    func failure(_ code: RemoteError.Code, _ call: String, _ rc: Int32, _ message: String) -> RemoteError {
        RemoteError(rc == LIBSSH2_ERROR_TIMEOUT ? .timedOut : code, call: call, cCode: rc, libraryMessage: lastError(), message: message)
    }

    /// Reads what is available on `stream` (0 = stdout, 1 = stderr) without waiting.
    /// - Returns: The bytes read (maybe empty).
    func readAvailable(stream: Int32, into output: inout [UInt8], limit: Int = 256 << 20) throws(RemoteError) -> Bool {
        var progressed = false
        var buffer = [UInt8](repeating: 0, count: 32768)
        while true {
            let n = buffer.withUnsafeMutableBytes { bytes in
                libssh2_channel_read_ex(channel, stream, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
            }
            if n > 0 {
                if output.count < limit { output.append(contentsOf: buffer[0..<n]) }
                progressed = true
                continue
            }
            if n == 0 || n == Int(LIBSSH2_ERROR_EAGAIN) { return progressed }
            throw failure(.connectionLost, "libssh2_channel_read_ex", Int32(n), "reading the command's output failed")
        }
    }

    /// Writes as much of `bytes` as the channel accepts now; returns the count written.
    func writeSome(_ bytes: ArraySlice<UInt8>) throws(RemoteError) -> Int {
        let n = bytes.withUnsafeBytes { raw in
            libssh2_channel_write_ex(channel, 0, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
        }
        if n >= 0 { return n }
        if n == Int(LIBSSH2_ERROR_EAGAIN) { return 0 }
        throw failure(.ioFailed, "libssh2_channel_write_ex", Int32(n), "writing to the command's input failed")
    }

    /// Sends EOF on the command's input.
    func sendEOF(deadline: ContinuousClock.Instant) throws(RemoteError) {
        while true {
            let rc = libssh2_channel_send_eof(channel)
            if rc == 0 { return }
            guard rc == LIBSSH2_ERROR_EAGAIN else { throw failure(.ioFailed, "libssh2_channel_send_eof", rc, "closing the command's input failed") }
            guard wait(deadline) else { throw failure(.timedOut, "libssh2_channel_send_eof", LIBSSH2_ERROR_TIMEOUT, "closing the command's input timed out") }
        }
    }

    var isEOF: Bool { libssh2_channel_eof(channel) != 0 }

    /// Whether libssh2 already holds unread data for this channel. Reading one stream drains the
    /// socket into libssh2's buffers, so data for the other stream can be waiting there while the
    /// socket itself is quiet; polling the socket then would stall until the next packet.
    var hasBufferedData: Bool {
        // Positive means a data packet is queued; negative codes (odd packets) mean "no".
        libssh2_poll_channel_read(channel, 0) > 0 || libssh2_poll_channel_read(channel, 1) > 0
    }

    /// Closes the channel, waits for the server's close and returns (exit status, exit signal).
    func closeAndCollect(deadline: ContinuousClock.Instant) throws(RemoteError) -> (Int32, String?) {
        for (call, body) in [("libssh2_channel_close", { libssh2_channel_close(channel) }),
                             ("libssh2_channel_wait_closed", { libssh2_channel_wait_closed(channel) })] as [(String, () -> Int32)] {
            while true {
                let rc = body()
                if rc == 0 { break }
                guard rc == LIBSSH2_ERROR_EAGAIN else { throw failure(.connectionLost, call, rc, "closing the channel failed") }
                guard wait(deadline) else { throw failure(.timedOut, call, LIBSSH2_ERROR_TIMEOUT, "the command did not close in time") }
            }
        }
        let status = libssh2_channel_get_exit_status(channel)
        var signal: UnsafeMutablePointer<CChar>?
        var signalLength = 0
        _ = libssh2_channel_get_exit_signal(channel, &signal, &signalLength, nil, nil, nil, nil)
        var name: String?
        if let signal {
            name = signalLength > 0 ? String(cString: signal) : nil
            libssh2_free(session, signal)
        }
        return (status, name)
    }

    /// Frees the channel (best effort until `deadline`).
    func free(deadline: ContinuousClock.Instant) {
        while libssh2_channel_free(channel) == LIBSSH2_ERROR_EAGAIN {
            if !wait(deadline) { return }
        }
    }
}

/// A failure to start a command, with whether the command may already have been sent.
struct ChannelOpenFailure: Error {
    var error: RemoteError
    var sent: Bool
}
