import ArgumentParser
import Foundation
import Hummingbird
import Logging

/// `api-standin`: a scripted Anthropic Messages API on loopback, for the real Claude Code CLI
/// (`ANTHROPIC_BASE_URL=http://127.0.0.1:PORT`) in tests, the demo and the benchmarks.
@main
struct StandinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-standin",
        abstract: "A scripted stand-in for the Anthropic Messages API, on loopback, for Claude Code.",
        discussion: """
        Serves POST /v1/messages (streamed SSE or plain JSON), POST /v1/messages/count_tokens and \
        GET /health; anything else is a 404 in Anthropic's error shape. Point Claude Code at it with \
        ANTHROPIC_BASE_URL=http://127.0.0.1:PORT. Every request is appended to --log as one JSON line \
        (request_id, path, model, session_id, last_user_text, user_texts, tool_results, rule, status, \
        usage, received_at_ms, finished_at_ms, disconnected, ...).

        SCRIPT (JSON, re-read whenever the file changes; a missing file answers "OK"):
          {"default": {"reply": "OK"},
           "rules": [{"match": "substring", "regex": "re", "model": "claude-haiku-5-5",
                      "reply": "You said {{echo}} to {{model}}", "think_ms": 0,
                      "chunk_chars": 40, "chunk_delay_ms": 0, "times": 3,
                      "status": 529, "error_type": "overloaded_error",
                      "error_message": "Overloaded", "retry_after_s": 2,
                      "tool_use": {"name": "Bash", "input": {"command": "ls"}},
                      "after_tool_reply": "Done.", "disconnect_after_chars": 10,
                      "usage": {"input_tokens": 12, "output_tokens": 34}}]}
        The first rule whose given conditions all hold (match: substring of the last user text, \
        regex: on it, model: exact) answers; "times" limits a rule to its first N matches (counters \
        restart when the file is re-read), then requests fall through to later rules and "default". \
        {{echo}} is the last user text and {{model}} the requested model. "status" answers that HTTP \
        error; "tool_use" answers with a tool call and the request carrying its tool_result (unless is_error: a refused tool) gets \
        "after_tool_reply"; "disconnect_after_chars" closes the connection mid-stream; "think_ms" \
        pauses before the first text. Usage defaults to one token per 4 UTF-8 bytes.

        --passthrough URL forwards requests that no rule matches to URL/v1/messages (e.g. a \
        llama-server), reduced to the conversation's plain text with max_tokens at most 512 \
        (--passthrough-max-tokens) and chat-template stop sequences, and relays the answer \
        unchanged except that a stop_reason "max_tokens" becomes "end_turn" (so Claude Code \
        takes a capped answer as complete instead of asking the model to resume).

        EXAMPLE
          api-standin --script s.json --log log.jsonl --ready-file ready.json
        """)

    @Option(help: "Address to listen on; loopback only (127.0.0.1, ::1, localhost).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (see --ready-file).")
    var port = 0

    @Option(help: ArgumentHelp("The script file (JSON, format above). Need not exist.", valueName: "file"))
    var script: String

    @Option(help: ArgumentHelp("The request log, appended to as JSON lines.", valueName: "file"))
    var log: String

    @Option(help: ArgumentHelp("Written atomically with {\"port\":N,\"pid\":P} once listening.", valueName: "file"))
    var readyFile: String?

    @Option(help: ArgumentHelp("Forward unmatched requests to this Anthropic-compatible server (e.g. http://127.0.0.1:8080).",
                               valueName: "url"))
    var passthrough: String?

    @Option(help: ArgumentHelp("Also log each Messages request as it arrives (same JSON lines, status 0 and finished_at_ms 0), so a test can act while a turn is in flight.",
                               valueName: "file"))
    var arrivals: String?

    @Option(help: ArgumentHelp("With --passthrough: the most tokens asked of the upstream per answer (a small model is slow).",
                               valueName: "n"))
    var passthroughMaxTokens = Passthrough.defaultMaxTokens

    func validate() throws {
        do {
            _ = try LoopbackHost(host)
        } catch {
            throw ValidationError(error.description)
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let passthrough, !(passthrough.hasPrefix("http://") || passthrough.hasPrefix("https://")) {
            throw ValidationError("--passthrough must be an http:// or https:// URL, not \(passthrough.debugDescription)")
        }
        guard passthroughMaxTokens > 0 else { throw ValidationError("--passthrough-max-tokens must be at least 1") }
    }

    func run() async throws {
        let address = try LoopbackHost(host).address
        let state = try ScriptState(file: ScriptFile(path: script), passthrough: passthrough != nil)
        let requestLog = try RequestLog(path: log)
        let arrivalLog = try arrivals.map { path throws(LogFileError) in try RequestLog(path: path) }
        let responder = StandinResponder(state: state, log: requestLog, arrivals: arrivalLog, passthrough: passthrough.map { Passthrough(baseURL: $0, maxTokens: passthroughMaxTokens) },
                                         counter: .init())
        var logger = Logger(label: "api-standin")
        logger.logLevel = .warning
        let ready = readyFile.map(ReadyFile.init)
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(address, port: port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                do {
                    try ready?.write(port: port, pid: getpid())
                } catch {
                    FileHandle.standardError.write(Data("api-standin: \(error)\n".utf8))
                }
                let shown = address.contains(":") ? "[\(address)]" : address
                FileHandle.standardOutput.write(Data("api-standin listening on http://\(shown):\(port)\n".utf8))
            },
            logger: logger)
        try await app.runService()
    }
}
