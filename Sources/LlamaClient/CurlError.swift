import CCurl

/// A libcurl failure: the curl code, the call that failed and libcurl's own message.
/// Internal to the module; the client turns it into a ``LlamaError``.
struct CurlError: Error, CustomStringConvertible {
    var code: CURLcode
    var call: String
    var message: String

    var description: String { "curl error \(code.rawValue) in \(call): \(message)" }

    var isCouldNotConnect: Bool { code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST }
    var isTimeout: Bool { code == CURLE_OPERATION_TIMEDOUT }
    var isAborted: Bool { code == CURLE_ABORTED_BY_CALLBACK || code == CURLE_WRITE_ERROR }
}
