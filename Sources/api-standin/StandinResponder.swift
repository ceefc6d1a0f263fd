import Foundation
import HTTPTypes
import Hummingbird
import LlamaClient
import Synchronization

/// Serves the stand-in's endpoints: `POST /v1/messages`, `POST /v1/messages/count_tokens`
/// (query strings ignored) and `GET /health`. Anything else is a 404 and an unreadable body a
/// 400, both in Anthropic's error shape. Every response carries `request-id: req_standin_<n>`,
/// and every request is logged once its response is finished (or broken off).
struct StandinResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let state: ScriptState
    let log: RequestLog
    /// `--arrivals`: Messages requests logged as they arrive, before they are answered.
    let arrivals: RequestLog?
    let passthrough: Passthrough?
    let counter: RequestCounter

    /// Numbers requests from 1.
    final class RequestCounter: Sendable {
        private let value = Atomic<Int>(0)
        func next() -> Int { value.add(1, ordering: .relaxed).newValue }
    }

    private static let maxBodyBytes = 64 << 20

    func respond(to request: Request, context: Context) async throws -> Response {
        let number = counter.next()
        var entry = LogEntry(time: Date(), requestID: "req_standin_\(number)", path: request.uri.path,
                             method: request.method.rawValue, receivedAtMs: LogEntry.nowMs())
        entry.sessionID = request.headers[Self.sessionHeader]
        let route = (request.method, request.uri.path)
        switch route {
        case (.get, "/health"):
            entry.rule = .named("health")
            return finished(entry, status: 200, json: Array(#"{"status":"ok"}"#.utf8))
        case (.post, "/v1/messages"), (.post, "/v1/messages/count_tokens"):
            let decoded: MessagesRequest
            do {
                var request = request
                let body = try await request.collectBody(upTo: Self.maxBodyBytes)
                decoded = try MessagesRequest.decode(Array(buffer: body))
            } catch {
                entry.rule = .named("bad_request")
                return failed(entry, APIErrorReply(status: 400, type: "invalid_request_error", message: "\(error)"))
            }
            entry.describe(decoded)
            arrivals?.append(entry)
            if request.uri.path.hasSuffix("/count_tokens") {
                entry.rule = .countTokens
                let tokens = Usage.estimate(bytes: decoded.messageTextBytes)
                entry.usage = Usage(inputTokens: tokens, outputTokens: 0)
                return finished(entry, status: 200, json: JSONBytes.encode(JSONValue.object(["input_tokens": .int(tokens)])))
            }
            return await messages(decoded, number: number, entry: entry)
        default:
            entry.rule = .named("not_found")
            return failed(entry, APIErrorReply(status: 404, type: "not_found_error",
                                               message: "\(request.method.rawValue) \(request.uri.path) is not served by api-standin"))
        }
    }

    private static let sessionHeader = HTTPField.Name("X-Claude-Code-Session-Id")!

    // MARK: /v1/messages

    private func messages(_ request: MessagesRequest, number: Int, entry: LogEntry) async -> Response {
        var entry = entry
        let decision: Decision
        do {
            decision = try state.decide(request, number: number)
        } catch {
            entry.rule = .named("script_error")
            return failed(entry, APIErrorReply(status: 500, type: "api_error", message: "\(error)"))
        }
        switch decision {
        case .passthrough:
            guard let passthrough else { preconditionFailure("passthrough decided without --passthrough") }
            return await forward(request, to: passthrough, number: number, entry: entry)
        case .scripted(let plan):
            entry.rule = plan.rule
            if let failure = plan.failure { return failed(entry, failure) }
            entry.usage = plan.usage
            entry.status = 200
            let messageID = "msg_standin_\(number)"
            if request.stream {
                return Response(status: .ok, headers: headers(entry, contentType: "text/event-stream", extra: [.cacheControl: "no-cache"]),
                                body: ResponseBody { [log, entry] writer in
                                    try await Self.logging(entry, to: log) {
                                        try await SSEWriter(plan: plan, messageID: messageID).write(to: &writer)
                                    }
                                })
            }
            let body = MessagesResponse.body(plan, messageID: messageID)
            if plan.disconnectAfterChars != nil {
                // Promise the whole body, then close before sending any of it.
                return Response(status: .ok, headers: headers(entry, contentType: "application/json"),
                                body: ResponseBody(contentLength: body.count) { [log, entry] _ in
                                    try await Self.logging(entry, to: log) {
                                        throw SSEWriter.Disconnect(afterCharacters: 0)
                                    }
                                })
            }
            return Response(status: .ok, headers: headers(entry, contentType: "application/json"),
                            body: ResponseBody(contentLength: body.count) { [log, entry] writer in
                                try await Self.logging(entry, to: log) {
                                    if plan.thinkMs > 0 { try await Task.sleep(for: .milliseconds(plan.thinkMs)) }
                                    try await writer.write(ByteBuffer(bytes: body))
                                    try await writer.finish(nil)
                                }
                            })
        }
    }

    private func forward(_ request: MessagesRequest, to passthrough: Passthrough, number: Int, entry: LogEntry) async -> Response {
        var entry = entry
        entry.rule = .passthrough
        let upstream: UpstreamTransfer.Response
        do {
            upstream = try await UpstreamTransfer.post(url: passthrough.messagesURL, body: passthrough.reducedBody(request),
                                                       label: "\(number)")
        } catch {
            return failed(entry, APIErrorReply(status: 502, type: "api_error", message: "\(error)"))
        }
        entry.status = upstream.head.status
        let status = HTTPResponse.Status(code: upstream.head.status)
        let streaming = upstream.head.contentType?.hasPrefix("text/event-stream") ?? false
        return Response(status: status, headers: headers(entry, contentType: upstream.head.contentType ?? "application/json"),
                        body: ResponseBody { [log, entry] writer in
                            var sniffer = UsageSniffer(streaming: streaming)
                            var rewriter = StopReasonRewriter()
                            var entry = entry
                            do {
                                for try await bytes in upstream.body {
                                    sniffer.feed(bytes)
                                    let relayed = rewriter.feed(bytes)
                                    if !relayed.isEmpty { try await writer.write(ByteBuffer(bytes: relayed)) }
                                }
                                let rest = rewriter.finish()
                                if !rest.isEmpty { try await writer.write(ByteBuffer(bytes: rest)) }
                                try await writer.finish(nil)
                                sniffer.finish()
                                entry.usage = sniffer.usage
                                Self.finish(entry, to: log)
                            } catch {
                                sniffer.finish()
                                entry.usage = sniffer.usage
                                entry.disconnected = true
                                Self.finish(entry, to: log)
                                throw error
                            }
                        })
    }

    // MARK: Responses and logging

    private func headers(_ entry: LogEntry, contentType: String, extra: HTTPFields = [:]) -> HTTPFields {
        var fields: HTTPFields = [.contentType: contentType, Self.requestIDHeader: entry.requestID]
        fields.append(contentsOf: extra)
        return fields
    }

    private static let requestIDHeader = HTTPField.Name("request-id")!

    /// A complete JSON answer.
    private func finished(_ entry: LogEntry, status: Int, json: [UInt8], extra: HTTPFields = [:]) -> Response {
        var entry = entry
        entry.status = status
        return Response(status: Self.status(status), headers: headers(entry, contentType: "application/json", extra: extra),
                        body: ResponseBody(contentLength: json.count) { [log, entry] writer in
                            try await Self.logging(entry, to: log) {
                                try await writer.write(ByteBuffer(bytes: json))
                                try await writer.finish(nil)
                            }
                        })
    }

    /// `code` with its reason phrase, including Anthropic's own 529 "Overloaded".
    private static func status(_ code: Int) -> HTTPResponse.Status {
        code == 529 ? HTTPResponse.Status(code: 529, reasonPhrase: "Overloaded") : HTTPResponse.Status(code: code)
    }

    /// An error answer in Anthropic's shape, with `retry-after` when the error gives one.
    private func failed(_ entry: LogEntry, _ error: APIErrorReply) -> Response {
        var extra: HTTPFields = [:]
        if let seconds = error.retryAfterSeconds { extra[.retryAfter] = String(seconds) }
        var entry = entry
        entry.usage = nil
        return finished(entry, status: error.status, json: error.body, extra: extra)
    }

    /// Runs `write`, then logs `entry` with the finish time, marking it disconnected when the
    /// write was broken off (by the script or by the client).
    private static func logging(_ entry: LogEntry, to log: RequestLog,
                                _ write: () async throws -> Void) async throws {
        var entry = entry
        do {
            try await write()
            finish(entry, to: log)
        } catch {
            entry.disconnected = true
            finish(entry, to: log)
            throw error
        }
    }

    private static func finish(_ entry: LogEntry, to log: RequestLog) {
        var entry = entry
        entry.finishedAtMs = LogEntry.nowMs()
        log.append(entry)
    }
}
