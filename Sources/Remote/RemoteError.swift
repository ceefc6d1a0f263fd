/// The one error type of the Remote module.
///
/// A remote command that exits non-zero is *not* an error (see ``CommandResult``); this type
/// covers failures to connect, authenticate, verify a host, run or talk to a command.
public struct RemoteError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Storage: Hashable, Sendable {
            case connectFailed, handshakeFailed, hostKeyUnknown, hostKeyChanged, knownHostsFailed
            case authenticationFailed, channelFailed, connectionLost, timedOut, spawnFailed
            case ioFailed, invalidArgument, tmuxFailed, configFailed, cancelled
        }
        private let storage: Storage
        private init(_ storage: Storage) { self.storage = storage }

        /// The TCP connection could not be opened (name resolution, refused, unreachable, timeout).
        public static let connectFailed = Code(.connectFailed)
        /// The SSH handshake (key exchange) failed.
        public static let handshakeFailed = Code(.handshakeFailed)
        /// The server's host key is in no known_hosts file.
        public static let hostKeyUnknown = Code(.hostKeyUnknown)
        /// The server's host key differs from the one recorded for it.
        public static let hostKeyChanged = Code(.hostKeyChanged)
        /// A known_hosts file could not be read or written.
        public static let knownHostsFailed = Code(.knownHostsFailed)
        /// No key file or agent identity was accepted.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// A channel could not be opened or a command could not be started.
        public static let channelFailed = Code(.channelFailed)
        /// The connection dropped (the command may or may not have run; see the message).
        public static let connectionLost = Code(.connectionLost)
        /// An operation did not finish before its deadline.
        public static let timedOut = Code(.timedOut)
        /// A local process could not be started.
        public static let spawnFailed = Code(.spawnFailed)
        /// Reading or writing a pipe or channel failed.
        public static let ioFailed = Code(.ioFailed)
        /// An argument was rejected before anything ran.
        public static let invalidArgument = Code(.invalidArgument)
        /// A tmux command exited non-zero where success was required.
        public static let tmuxFailed = Code(.tmuxFailed)
        /// An ssh config file could not be read.
        public static let configFailed = Code(.configFailed)
        /// The task was cancelled.
        public static let cancelled = Code(.cancelled)

        public var description: String { "\(storage)" }
    }

    /// The kind of failure.
    public var code: Code
    /// The call that failed, such as `libssh2_session_handshake` or `posix_spawnp`.
    public var call: String
    /// The C library's error code (libssh2's negative code, or errno), when there is one.
    public var cCode: Int32?
    /// The library's own message (`libssh2_session_last_error`, `strerror`), when there is one.
    public var libraryMessage: String?
    /// A sentence naming the problem and, where there is one, the fix.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, call: String, cCode: Int32? = nil, libraryMessage: String? = nil, message: String) {
        self.code = code
        self.call = call
        self.cCode = cCode
        self.libraryMessage = libraryMessage
        self.message = message
    }

    public var description: String {
        var text = message
        var detail: [String] = []
        if !call.isEmpty { detail.append(call) }
        if let cCode { detail.append("code \(cCode)") }
        if let libraryMessage, !libraryMessage.isEmpty { detail.append(libraryMessage) }
        if !detail.isEmpty { text += " (" + detail.joined(separator: ": ") + ")" }
        return text
    }
}
