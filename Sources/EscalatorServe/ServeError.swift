import Foundation

/// Which API's shapes a request speaks: errors, bodies and stream events follow it.
public enum APIFlavor: Sendable {
    case openAI
    case anthropic
}

/// A request the server answers with an error, in the caller's API's error shape.
struct ServeError: Error, CustomStringConvertible {
    var status: Int
    /// OpenAI-style type (`invalid_request_error`, `authentication_error`, `rate_limit_error`,
    /// `api_error`); the Anthropic shape maps it (see ``body(_:)``).
    var type: String
    var message: String
    var retryAfterSeconds: Int? = nil

    var description: String { "\(status) \(type): \(message)" }

    static func badRequest(_ message: String) -> ServeError { ServeError(status: 400, type: "invalid_request_error", message: message) }

    /// The JSON body: OpenAI `{"error": {"message", "type", "param", "code"}}`, Anthropic
    /// `{"type": "error", "error": {"type", "message"}}`.
    func body(_ flavor: APIFlavor) -> [UInt8] {
        let object: [String: Any]
        switch flavor {
        case .openAI:
            object = ["error": ["message": message, "type": type, "param": NSNull(), "code": NSNull()] as [String: Any]]
        case .anthropic:
            let kind: String
            switch status {
            case 401: kind = "authentication_error"
            case 402, 403: kind = "permission_error"
            case 404: kind = "not_found_error"
            case 413: kind = "request_too_large"
            case 429: kind = "rate_limit_error"
            case 500...: kind = "api_error"
            default: kind = "invalid_request_error"
            }
            object = ["type": "error", "error": ["type": kind, "message": message]]
        }
        return ServeJSON.bytes(object)
    }
}

/// JSON text from Foundation objects (sorted keys, so bodies are stable).
enum ServeJSON {
    static func bytes(_ object: Any) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8))
    }
}
