/// A failure talking to llama-server, with the server's own message and HTTP status when it
/// answered. `code` says what kind of failure it was so callers can react (wait while loading,
/// shorten a prompt, fall back when the server is down).
public struct LlamaError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct rather than an enum so kinds can be added later.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Nothing listens at the URL (connection refused or host not found).
        public static let connectionRefused = Code("connection refused")
        /// The connect or total timeout passed.
        public static let timeout = Code("timeout")
        /// The task was cancelled and the transfer aborted.
        public static let cancelled = Code("cancelled")
        /// 503: the server is still loading its model.
        public static let loading = Code("loading")
        /// 400 exceed_context_size_error: the prompt does not fit the slot's context.
        public static let contextExceeded = Code("context exceeded")
        /// Any other 4xx: the request was rejected.
        public static let badRequest = Code("bad request")
        /// 5xx other than 503.
        public static let serverError = Code("server error")
        /// The server answered with something that is not the expected JSON.
        public static let invalidResponse = Code("invalid response")
        /// Another transport failure (libcurl's message says which).
        public static let transport = Code("transport")
    }

    public var code: Code
    /// The URL that was requested.
    public var url: String
    /// The HTTP status, when the server answered.
    public var httpStatus: Int?
    /// The server's own `error.type`, e.g. `exceed_context_size_error`.
    public var serverType: String?
    /// The server's (or libcurl's) own message.
    public var message: String
    /// For context errors: the prompt's token count and the slot context, from the server.
    public var promptTokens: Int?
    public var contextSize: Int?

    public init(code: Code, url: String, httpStatus: Int? = nil, serverType: String? = nil, message: String,
                promptTokens: Int? = nil, contextSize: Int? = nil) {
        self.code = code
        self.url = url
        self.httpStatus = httpStatus
        self.serverType = serverType
        self.message = message
        self.promptTokens = promptTokens
        self.contextSize = contextSize
    }

    public var description: String {
        var text = "llama-server \(url): \(code)"
        if let httpStatus { text += " (HTTP \(httpStatus)\(serverType.map { " \($0)" } ?? ""))" }
        text += ": \(message)"
        if let fix { text += " — \(fix)" }
        return text
    }

    /// What the user can do about it.
    public var fix: String? {
        switch code {
        case .connectionRefused: return "start llama-server, fix [local] url in the config, or let escalator start it (set [local] model)"
        case .timeout: return "the server is slow or stuck; raise [local] request_timeout_ms or check the server"
        case .loading: return "the model is still loading; retry in a moment"
        case .contextExceeded:
            if let promptTokens, let contextSize {
                return "the prompt has \(promptTokens) tokens but a slot holds \(contextSize); shorten the question or raise [local] context"
            }
            return "shorten the question or raise [local] context"
        default: return nil
        }
    }
}
