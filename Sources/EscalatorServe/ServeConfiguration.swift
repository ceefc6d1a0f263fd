import Routing

/// How `escalator serve` listens and admits requests.
public struct ServeConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Accepted bearer keys; empty means no auth (then only loopback may be listened on).
    public var keys: [ServeKey]
    /// Requests answered at once (each holds one agent session of its tier: `remote` K).
    public var concurrency: Int
    /// Requests waiting for a free slot; beyond them the answer is HTTP 429 with Retry-After.
    public var queue: Int
    /// The largest request body accepted.
    public var maxBodyBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8765, keys: [ServeKey] = [], concurrency: Int = 2, queue: Int = 8,
                maxBodyBytes: Int = 4 << 20) {
        self.host = host
        self.port = port
        self.keys = keys
        self.concurrency = concurrency
        self.queue = queue
        self.maxBodyBytes = maxBodyBytes
    }

    /// True for 127.0.0.1, ::1 and localhost.
    public var isLoopback: Bool { ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.") }

    /// Refuses what cannot be served safely: a non-loopback address without keys, bad numbers.
    public func validate() throws(ServeSetupError) {
        guard (0...65_535).contains(port) else { throw ServeSetupError("--port must be between 0 and 65535, not \(port)") }
        guard concurrency >= 1 else { throw ServeSetupError("serve.concurrency must be at least 1") }
        guard queue >= 0 else { throw ServeSetupError("serve.queue must be 0 or more") }
        if !isLoopback && keys.isEmpty {
            throw ServeSetupError("refusing to listen on \(host) without keys: anyone who can reach it could spend your "
                                  + "agent's budget; add [serve.keys] to the config (KEY = daily budget in USD), or listen on 127.0.0.1")
        }
    }
}

/// Why the server cannot start.
public struct ServeSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
