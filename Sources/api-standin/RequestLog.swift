import Foundation
import Synchronization

/// One line of the `--log` file: what a request asked and how the stand-in answered it.
/// Every key is always present (null when unknown).
struct LogEntry: Sendable, Encodable {
    var time: Date
    var requestID: String
    var path: String
    var method: String
    var model: String?
    var stream: Bool?
    var sessionID: String?
    var lastUserText: String?
    var userTexts: [String] = []
    var toolResults: Int = 0
    var messageCount: Int = 0
    var rule: RuleTag?
    var status: Int = 0
    var usage: Usage?
    var receivedAtMs: Int64
    var finishedAtMs: Int64 = 0
    var disconnected: Bool = false

    /// Copies what the log records about `request`.
    mutating func describe(_ request: MessagesRequest) {
        model = request.model
        stream = request.stream
        lastUserText = request.lastUserText
        userTexts = request.userTexts
        toolResults = request.toolResultIDs.count
        messageCount = request.messages.count
    }

    private enum CodingKeys: String, CodingKey {
        case time, path, method, model, stream, rule, status, usage, disconnected
        case requestID = "request_id", sessionID = "session_id", lastUserText = "last_user_text"
        case userTexts = "user_texts", toolResults = "tool_results", messageCount = "message_count"
        case receivedAtMs = "received_at_ms", finishedAtMs = "finished_at_ms"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(time.formatted(Self.timeFormat), forKey: .time)
        try c.encode(requestID, forKey: .requestID)
        try c.encode(path, forKey: .path)
        try c.encode(method, forKey: .method)
        try c.encode(model, forKey: .model)
        try c.encode(stream, forKey: .stream)
        try c.encode(sessionID, forKey: .sessionID)
        try c.encode(lastUserText, forKey: .lastUserText)
        try c.encode(userTexts, forKey: .userTexts)
        try c.encode(toolResults, forKey: .toolResults)
        try c.encode(messageCount, forKey: .messageCount)
        try c.encode(rule, forKey: .rule)
        try c.encode(status, forKey: .status)
        try c.encode(usage, forKey: .usage)
        try c.encode(receivedAtMs, forKey: .receivedAtMs)
        try c.encode(finishedAtMs, forKey: .finishedAtMs)
        try c.encode(disconnected, forKey: .disconnected)
    }

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// Milliseconds since 1970.
    static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

/// The JSON-lines request log. Each entry is appended with `write(2)` on an `O_APPEND`
/// descriptor under a lock, so lines never interleave and are on disk as the request finishes.
final class RequestLog: Sendable {
    private let descriptor: Mutex<Int32>
    let path: String

    init(path: String) throws(LogFileError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LogFileError(path: path, reason: String(cString: strerror(errno))) }
        self.path = path
        descriptor = Mutex(fd)
    }

    deinit { descriptor.withLock { _ = close($0) } }

    /// Appends `entry` as one line. A failed write is reported on stderr; serving goes on.
    func append(_ entry: LogEntry) {
        let line = JSONBytes.encode(entry) + [UInt8(ascii: "\n")]
        let failure: String? = descriptor.withLock { fd in
            var offset = 0
            while offset < line.count {
                let n = line.withUnsafeBytes { bytes in
                    bytes.baseAddress.map { write(fd, $0 + offset, bytes.count - offset) } ?? 0
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += n
            }
            return nil
        }
        if let failure {
            FileHandle.standardError.write(Data("api-standin: cannot write to the log \(path): \(failure)\n".utf8))
        }
    }
}

/// The `--log` file cannot be opened.
struct LogFileError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "cannot open the log file \(path): \(reason)" }
}
