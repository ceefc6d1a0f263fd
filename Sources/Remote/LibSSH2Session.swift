import CLibSSH2
import Foundation

/// libssh2's global initialisation, done exactly once (Swift runs `static let` initialisers once).
enum LibSSH2Global {
    static let initCode: Int32 = {
        SSHLibrary.prepareProcess()
        return libssh2_init(0)
    }()
}

/// Process-wide preparation for the SSH and TLS libraries.
public enum SSHLibrary {
    /// Keeps OpenSSL's global state alive until the process is gone. Call at the very start of a
    /// program, before any HTTP or SSH use: otherwise OpenSSL's exit-time cleanup can race a
    /// background thread still closing an SSH channel, and the process crashes on exit.
    public static func prepareProcess() {
        signal(SIGPIPE, SIG_IGN)
        _ = esc_openssl_init_no_atexit()
    }
}

/// Owns one TCP socket and the libssh2 session on it; frees both in `deinit`.
///
/// The session is in non-blocking mode: every call loops on `LIBSSH2_ERROR_EAGAIN`, polling the
/// socket in the directions libssh2 reports. Blocking: use only on the owning connection's queue.
struct LibSSH2Session: ~Copyable {
    let fd: Int32
    let raw: OpaquePointer

    /// Opens a TCP connection and performs the SSH handshake.
    static func connect(host: String, port: Int, timeout: Duration) throws(RemoteError) -> LibSSH2Session {
        guard LibSSH2Global.initCode == 0 else {
            throw RemoteError(.handshakeFailed, call: "libssh2_init", cCode: LibSSH2Global.initCode,
                              message: "libssh2 could not be initialised")
        }
        let deadline = ContinuousClock.now + timeout
        let fd = try openSocket(host: host, port: port, deadline: deadline)
        guard let raw = libssh2_session_init_ex(nil, nil, nil, nil) else {
            close(fd)
            throw RemoteError(.handshakeFailed, call: "libssh2_session_init_ex", message: "libssh2 could not allocate a session")
        }
        libssh2_session_set_blocking(raw, 0)
        // Prefer the modern host key types so a known ed25519/ECDSA key is the one offered.
        _ = libssh2_session_method_pref(raw, LIBSSH2_METHOD_HOSTKEY,
                                        "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-rsa")
        var rc: Int32
        repeat {
            rc = libssh2_session_handshake(raw, libssh2_socket_t(fd))
            if rc == LIBSSH2_ERROR_EAGAIN {
                if !Self.waitSocket(fd: fd, session: raw, deadline: deadline) { rc = LIBSSH2_ERROR_TIMEOUT }
            }
        } while rc == LIBSSH2_ERROR_EAGAIN
        if rc != 0 {
            let message = Self.lastError(raw)
            libssh2_session_free(raw)
            close(fd)
            throw RemoteError(rc == LIBSSH2_ERROR_TIMEOUT ? .timedOut : .handshakeFailed,
                              call: "libssh2_session_handshake", cCode: rc, libraryMessage: message,
                              message: "the SSH handshake with \(host):\(port) failed; is an SSH server listening there?")
        }
        return LibSSH2Session(fd: fd, raw: raw)
    }

    deinit {
        _ = libssh2_session_disconnect_ex(raw, SSH_DISCONNECT_BY_APPLICATION, "closing", "")
        libssh2_session_free(raw)
        close(fd)
    }

    /// The session's last error message, copied.
    func lastError() -> String { Self.lastError(raw) }

    static func lastError(_ raw: OpaquePointer) -> String {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        _ = libssh2_session_last_error(raw, &message, &length, 0)
        guard let message else { return "" }
        return String(cString: message)
    }

    /// Waits until the socket is ready in the directions libssh2 is blocked on, or until
    /// `deadline` (at most `cap` ms per call). Returns false once the deadline has passed.
    @discardableResult
    func waitSocket(deadline: ContinuousClock.Instant, cap: Int32 = 100) -> Bool {
        Self.waitSocket(fd: fd, session: raw, deadline: deadline, cap: cap)
    }

    @discardableResult
    static func waitSocket(fd: Int32, session: OpaquePointer, deadline: ContinuousClock.Instant, cap: Int32 = 100) -> Bool {
        if ContinuousClock.now >= deadline { return false }
        let directions = libssh2_session_block_directions(session)
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        if events == 0 { events = Int16(POLLIN) }
        var entry = pollfd(fd: fd, events: events, revents: 0)
        _ = poll(&entry, 1, PosixIO.millisecondsUntil(deadline, cap: cap))
        return true
    }

    /// Runs a libssh2 call until it stops returning EAGAIN or the deadline passes.
    func retrying(_ call: String, deadline: ContinuousClock.Instant, _ body: () -> Int32) -> Int32 {
        while true {
            let rc = body()
            if rc != LIBSSH2_ERROR_EAGAIN { return rc }
            if !waitSocket(deadline: deadline) { return LIBSSH2_ERROR_TIMEOUT }
        }
    }

    /// An error for a failed libssh2 call, carrying libssh2's own message.
    func error(_ code: RemoteError.Code, _ call: String, _ rc: Int32, _ message: String) -> RemoteError {
        RemoteError(rc == LIBSSH2_ERROR_TIMEOUT ? .timedOut : code, call: call, cCode: rc,
                    libraryMessage: lastError(), message: message)
    }

    /// No Nagle delay; TCP keepalive (idle 30 s, then every 10 s, 3 probes) so a peer that vanished
    /// without a reset is noticed even while no SSH traffic flows.
    private static func configure(_ fd: Int32) {
        var one: Int32 = 1, idle: Int32 = 30, interval: Int32 = 10, count: Int32 = 3
        let size = socklen_t(MemoryLayout<Int32>.size)
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, size)
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, size)
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, &idle, size)
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, &interval, size)
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, &count, size)
    }

    private static func openSocket(host: String, port: Int, deadline: ContinuousClock.Instant) throws(RemoteError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let list else {
            throw RemoteError(.connectFailed, call: "getaddrinfo", cCode: rc, libraryMessage: String(cString: gai_strerror(rc)),
                              message: "cannot resolve host \(host); check the name or the HostName in ~/.ssh/config")
        }
        defer { freeaddrinfo(list) }
        var lastErrno: Int32 = 0
        var node: UnsafeMutablePointer<addrinfo>? = list
        while let entry = node {
            node = entry.pointee.ai_next
            let fd = socket(entry.pointee.ai_family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue), 0)
            if fd < 0 { lastErrno = errno; continue }
            if Glibc.connect(fd, entry.pointee.ai_addr, entry.pointee.ai_addrlen) == 0 { configure(fd); return fd }
            if errno != EINPROGRESS { lastErrno = errno; close(fd); continue }
            var ready = false
            while ContinuousClock.now < deadline {
                var entryPoll = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&entryPoll, 1, PosixIO.millisecondsUntil(deadline, cap: 1000)) > 0 { ready = true; break }
            }
            if !ready { close(fd); lastErrno = ETIMEDOUT; continue }
            var soError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
            if soError == 0 {
                configure(fd)
                return fd
            }
            lastErrno = soError
            close(fd)
        }
        throw RemoteError(lastErrno == ETIMEDOUT ? .timedOut : .connectFailed, call: "connect", cCode: lastErrno,
                          libraryMessage: PosixIO.errorText(lastErrno),
                          message: "cannot connect to \(host) port \(port); is the host up and sshd listening?")
    }
}
