import Foundation

/// The built `api-standin` (a scripted Anthropic Messages API) running for one test on a free
/// loopback port. Point the real Claude Code CLI at ``baseURL`` (`ANTHROPIC_BASE_URL`), change
/// what it answers between turns with ``setScript(_:)``, and read what it was asked with
/// ``requests()`` or ``waitForRequests(count:timeout:)``. ``stop()`` stops exactly its pid.
///
/// The script format is documented in `api-standin --help` (and on `StandinScript`).
public final class APIStandin: @unchecked Sendable {
    /// The stand-in process (started with a clean signal mask; stdout and stderr go to files).
    public let process: SpawnedProcess
    public let port: Int
    /// `http://127.0.0.1:PORT`, for `ANTHROPIC_BASE_URL`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// Holds the script, the request log, the ready file and the stand-in's stdout and stderr.
    public let directory: TemporaryDirectory
    public var scriptPath: String { directory.file("script.json") }
    public var logPath: String { directory.file("requests.jsonl") }

    /// Starts the stand-in and waits (up to `timeout` seconds) for its ready file.
    /// - Parameters:
    ///   - script: The script's JSON text; nil starts without a script file (every answer "OK").
    ///   - passthrough: Forward unmatched requests to this Anthropic-compatible server.
    /// - Throws: ``RealPart/Missing`` when the binary is not built; ``DeadlineExceeded`` or a
    ///   ``StartFailure`` (with its stderr) when it does not come up.
    public static func start(script: String? = nil, passthrough: String? = nil, timeout: Double = 30) throws -> APIStandin {
        try APIStandin(script: script, passthrough: passthrough, timeout: timeout)
    }

    private init(script: String?, passthrough: String?, timeout: Double) throws {
        let executable = BuiltProducts.executable("api-standin")
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw RealPart.Missing(part: "api-standin (\(executable))", fix: "swift build --product api-standin")
        }
        let directory = try TemporaryDirectory(prefix: "api-standin")
        self.directory = directory
        let readyPath = directory.file("ready.json")
        var arguments = ["--host", "127.0.0.1", "--port", "0", "--script", directory.file("script.json"),
                         "--log", directory.file("requests.jsonl"), "--arrivals", directory.file("arrivals.jsonl"),
                         "--ready-file", readyPath]
        if let passthrough { arguments += ["--passthrough", passthrough] }
        if let script { try Self.writeAtomically(script, to: directory.file("script.json")) }
        // SpawnedProcess sends stdout and stderr to /dev/null; `exec` keeps the pid while
        // redirecting them to files a failure can quote ("$0" "$@" keeps every argument verbatim).
        process = try SpawnedProcess("/bin/sh", ["-c", #"exec "$0" "$@" >"$STANDIN_OUT" 2>"$STANDIN_ERR""#, executable] + arguments,
                                     environment: ProcessInfo.processInfo.environment
                                        .merging(["STANDIN_OUT": directory.file("stdout.txt"),
                                                  "STANDIN_ERR": directory.file("stderr.txt")]) { $1 }
                                        .map { "\($0.key)=\($0.value)" })
        let deadline = Date().addingTimeInterval(timeout)
        var ready: Ready?
        while ready == nil {
            if let data = FileManager.default.contents(atPath: readyPath) {
                ready = try? JSONDecoder().decode(Ready.self, from: data)
            }
            if ready != nil { break }
            guard process.isRunning else {
                let failure = StartFailure(exitStatus: process.exitStatus, stderr: Self.read(directory.file("stderr.txt")))
                directory.remove()
                throw failure
            }
            guard Date() < deadline else {
                process.stop()
                directory.remove()
                throw DeadlineExceeded(what: "api-standin's ready file", seconds: timeout)
            }
            usleep(5_000)
        }
        port = ready?.port ?? 0
    }

    /// Replaces the script (write to a temporary file, then rename): the next request sees it.
    public func setScript(_ json: String) throws {
        try Self.writeAtomically(json, to: scriptPath)
    }

    /// The requests logged so far (complete lines only), oldest first.
    public func requests() throws -> [LoggedRequest] {
        try Self.readLog(logPath)
    }

    /// The Messages requests that have arrived so far, answered or not (status 0, finishedAtMs 0).
    public func arrivals() throws -> [LoggedRequest] {
        try Self.readLog(directory.file("arrivals.jsonl"))
    }

    private static func readLog(_ logPath: String) throws -> [LoggedRequest] {
        guard let data = FileManager.default.contents(atPath: logPath) else { return [] }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        if data.last != UInt8(ascii: "\n"), !lines.isEmpty { lines.removeLast() }
        return try lines.map { try JSONDecoder().decode(LoggedRequest.self, from: Data($0)) }
    }

    /// Polls the log until it holds at least `count` requests (or throws after `timeout` s).
    @discardableResult
    public func waitForRequests(count: Int, timeout: Double = 10) async throws -> [LoggedRequest] {
        var seen: [LoggedRequest] = []
        try await waitUntil("\(count) request(s) in \(logPath)", timeout: timeout) {
            seen = try self.requests()
            return seen.count >= count
        }
        return seen
    }

    /// What the stand-in wrote to stderr so far.
    public var stderr: String { Self.read(directory.file("stderr.txt")) }

    /// Stops the stand-in (SIGTERM to exactly its pid, SIGKILL after 5 s) and removes its directory.
    public func stop() {
        process.stop()
        directory.remove()
    }

    deinit { stop() }

    // MARK: Types

    /// One line of the stand-in's request log.
    public struct LoggedRequest: Decodable, Sendable, Equatable {
        public var requestId: String
        public var path: String
        public var method: String
        public var model: String?
        public var stream: Bool?
        public var sessionId: String?
        /// The last text block of the last user message, byte for byte.
        public var lastUserText: String?
        /// Every text block of the last user message, in order.
        public var userTexts: [String]
        public var toolResults: Int
        public var messageCount: Int
        /// A rule's index as text ("0", "1", …) or `default`, `tool-followup`, `count_tokens`, `passthrough`, …
        public var rule: String?
        public var status: Int
        public var usage: Usage?
        public var receivedAtMs: Int64
        public var finishedAtMs: Int64
        public var disconnected: Bool

        public struct Usage: Decodable, Sendable, Equatable {
            public var inputTokens: Int
            public var outputTokens: Int
            public var cacheReadInputTokens: Int
            public var cacheCreationInputTokens: Int

            private enum CodingKeys: String, CodingKey {
                case inputTokens = "input_tokens", outputTokens = "output_tokens"
                case cacheReadInputTokens = "cache_read_input_tokens", cacheCreationInputTokens = "cache_creation_input_tokens"
            }
        }

        private enum CodingKeys: String, CodingKey {
            case path, method, model, stream, rule, status, usage, disconnected
            case requestId = "request_id", sessionId = "session_id", lastUserText = "last_user_text"
            case userTexts = "user_texts", toolResults = "tool_results", messageCount = "message_count"
            case receivedAtMs = "received_at_ms", finishedAtMs = "finished_at_ms"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            requestId = try c.decode(String.self, forKey: .requestId)
            path = try c.decode(String.self, forKey: .path)
            method = try c.decode(String.self, forKey: .method)
            model = try c.decodeIfPresent(String.self, forKey: .model)
            stream = try c.decodeIfPresent(Bool.self, forKey: .stream)
            sessionId = try c.decodeIfPresent(String.self, forKey: .sessionId)
            lastUserText = try c.decodeIfPresent(String.self, forKey: .lastUserText)
            userTexts = try c.decode([String].self, forKey: .userTexts)
            toolResults = try c.decode(Int.self, forKey: .toolResults)
            messageCount = try c.decode(Int.self, forKey: .messageCount)
            if let index = try? c.decodeIfPresent(Int.self, forKey: .rule) { rule = String(index) }
            else { rule = try c.decodeIfPresent(String.self, forKey: .rule) }
            status = try c.decode(Int.self, forKey: .status)
            usage = try c.decodeIfPresent(Usage.self, forKey: .usage)
            receivedAtMs = try c.decode(Int64.self, forKey: .receivedAtMs)
            finishedAtMs = try c.decode(Int64.self, forKey: .finishedAtMs)
            disconnected = try c.decode(Bool.self, forKey: .disconnected)
        }
    }

    /// The stand-in exited before it was ready.
    public struct StartFailure: Error, CustomStringConvertible {
        public var exitStatus: Int32?
        public var stderr: String
        public var description: String {
            "api-standin exited before listening (status \(exitStatus.map(String.init) ?? "?")): \(stderr)"
        }
    }

    private struct Ready: Decodable {
        var port: Int
        var pid: Int32
    }

    private static func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(UUID().uuidString.prefix(8))"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "rename to \(path): \(reason)"])
        }
    }

    private static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
