/// One HTTP request as the transport sends it: a method, a URL, headers and an optional body.
struct HTTPRequest: Sendable {
    enum Method: String, Sendable { case get = "GET", post = "POST" }

    var method: Method
    var url: String
    var headers: [String] = []
    var body: [UInt8]? = nil
    /// Connect timeout in milliseconds.
    var connectTimeoutMs: Int
    /// Whole-transfer timeout in milliseconds (0 = none).
    var totalTimeoutMs: Int
}

/// The status and body of a finished HTTP exchange.
struct HTTPResponse: Sendable {
    var status: Int
    var body: [UInt8]
    /// Connections libcurl had to open for this request (0 means it reused one).
    var newConnections: Int
}
