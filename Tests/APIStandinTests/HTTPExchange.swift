import Foundation
import TestSupport

/// One HTTP exchange with the stand-in through `/usr/bin/curl` (a real client on real loopback
/// HTTP, independent of the code under test).
struct HTTPExchange {
    var curlStatus: Int32
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: String

    /// Sends `body` (if any) with `method` to `url`, waiting at most `timeout` seconds.
    static func send(_ url: String, method: String = "POST", body: String? = nil, headers: [String] = [],
                     timeout: Int = 30) throws -> HTTPExchange {
        let directory = try TemporaryDirectory(prefix: "standin-curl")
        defer { directory.remove() }
        let headerFile = directory.file("headers")
        var arguments = ["-sS", "-N", "--max-time", String(timeout), "-X", method, "-D", headerFile,
                         "-H", "Expect:", "-H", "content-type: application/json"]
        for header in headers { arguments += ["-H", header] }
        if body != nil { arguments += ["--data-binary", "@-"] }
        arguments.append(url)
        let result = try runBinary("/usr/bin/curl", arguments, stdin: body)
        let head = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        var status = 0
        var fields: [String: String] = [:]
        for line in head.components(separatedBy: "\r\n") {
            if line.hasPrefix("HTTP/") {
                status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
                fields = [:]
            } else if let colon = line.firstIndex(of: ":") {
                fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return HTTPExchange(curlStatus: result.status, status: status, headers: fields, body: result.stdout)
    }

    /// The body as a JSON object.
    func json() throws -> [String: Any] { try jsonObject(body) }

    /// The body as Server-Sent Events: (event name, decoded data object), in order.
    func events() throws -> [(name: String, data: [String: Any])] {
        try body.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { block in
            var name = ""
            var data = ""
            for line in block.components(separatedBy: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data += String(line.dropFirst(6)) }
            }
            return (name, try jsonObject(data))
        }
    }

    /// The text of every `text_delta`, joined.
    func streamedText() throws -> String {
        try events().compactMap { event -> String? in
            guard event.name == "content_block_delta", let delta = event.data["delta"] as? [String: Any],
                  delta["type"] as? String == "text_delta" else { return nil }
            return delta["text"] as? String
        }.joined()
    }
}

/// A Messages request body with one user message holding `texts` as text blocks (a JSON string).
func messagesBody(_ texts: [String], model: String = "claude-opus-5-5", stream: Bool = true,
                  extraMessages: [[String: Any]] = [], toolResultID: String? = nil) throws -> String {
    var content: [[String: Any]] = texts.map { ["type": "text", "text": $0] }
    if let toolResultID {
        content.insert(["type": "tool_result", "tool_use_id": toolResultID, "content": "ok"], at: 0)
    }
    let body: [String: Any] = [
        "model": model, "max_tokens": 1024, "stream": stream,
        "system": [["type": "text", "text": "You are a test."]],
        "messages": extraMessages + [["role": "user", "content": content]],
    ]
    return String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
}

/// A script as JSON text, from a JSON-serialisable value (so hostile strings are escaped right).
func scriptJSON(_ object: [String: Any]) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
}
