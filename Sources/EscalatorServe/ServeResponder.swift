import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Routing

/// Serves `POST /v1/chat/completions` (OpenAI), `POST /v1/messages` (Anthropic), both plain and
/// streamed, `GET /v1/models` and `GET /health`. Every question runs through the library's one
/// question path (``QuestionPath``), so the ledger, budgets, fallbacks and policy are `ask`'s.
struct ServeResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let path: QuestionPath
    let tiers: TierTable
    let bounds: TierBounds
    let configuration: ServeConfiguration
    let admission: Admission
    let budgets: KeyBudgets
    let conversations: Conversations
    let logger: Logger

    func respond(to request: Request, context: Context) async throws -> Response {
        let flavor: APIFlavor = request.uri.path.hasPrefix("/v1/messages") ? .anthropic : .openAI
        do {
            switch (request.method, request.uri.path) {
            case (.get, "/health"):
                let load = admission.load
                return json(200, ServeJSON.bytes(["status": "ok", "active": load.active, "waiting": load.waiting]))
            case (.get, "/v1/models"):
                _ = try authenticate(request)
                let models = (["auto"] + tiers.names).map { ["id": $0, "object": "model", "owned_by": "escalator"] }
                return json(200, ServeJSON.bytes(["object": "list", "data": models]))
            case (.post, "/v1/chat/completions"), (.post, "/v1/messages"):
                return try await chat(request, flavor: flavor)
            default:
                throw ServeError(status: 404, type: "not_found_error",
                                 message: "\(request.method.rawValue) \(request.uri.path) is not served: use POST /v1/chat/completions, "
                                    + "POST /v1/messages, GET /v1/models or GET /health")
            }
        } catch let error as ServeError {
            logger.debug("request refused", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return failure(error, flavor)
        }
    }

    // MARK: Chat

    private func chat(_ request: Request, flavor: APIFlavor) async throws(ServeError) -> Response {
        let key = try authenticate(request)
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: configuration.maxBodyBytes) } catch {
            throw ServeError(status: 413, type: "invalid_request_error",
                             message: "the request body is over \(configuration.maxBodyBytes) bytes")
        }
        let chat = flavor == .openAI ? try ChatRequest.openAI(Array(buffer: body)) : try ChatRequest.anthropic(Array(buffer: body))
        var choice: TierChoice
        do { choice = try TierChoice(parsing: chat.model, in: tiers) } catch {
            throw ServeError(status: 404, type: "not_found_error",
                             message: "model \"\(chat.model)\" is not served: use auto or a tier (\(tiers.names.joined(separator: ", ")))")
        }
        var bounds = self.bounds
        if let cap = request.headers[Self.maxTierHeader] {
            guard let tier = tiers.tiers.first(where: { $0.name == cap }) else {
                throw .badRequest("x-escalator-max-tier \"\(cap)\" is not a tier (\(tiers.names.joined(separator: ", ")))")
            }
            bounds.max = Swift.max(bounds.min, Swift.min(bounds.max, tier))
        }
        var (prompt, folded) = chat.prompt
        var conversation: ConversationMode = folded ? .folded : .single
        // A follow-up goes to the tier (and agent session) that answered its conversation.
        var seat: Conversations.Seat?
        if chat.messages.count > 1, let known = conversations.seat(after: Array(chat.messages.dropLast()), system: chat.system),
           let tier = tiers.tiers.first(where: { $0.name == known.tier }), bounds.contains(tier),
           choice == .auto || choice == .forced(tier) {
            choice = .forced(tier)
            if !tier.isLocal { seat = known }
        }
        do { _ = try Router.validated(prompt) } catch { throw .badRequest("the question cannot be asked: \(error)") }
        // The key's budget: cap the dearest reachable tier at what is left, reserve its estimate.
        let reserved = try reserve(key, prompt: prompt, bounds: &bounds, choice: choice)
        let session: Int
        var continuing = false
        if let seat, let own = admission.enter(preferring: seat.session) {
            // Its own session is free: only the new message, and no /clear.
            session = own
            continuing = true
            prompt = chat.messages.last?.text ?? prompt
            conversation = .continued
        } else {
            session = try await admission.enter()
        }
        let question = Question(path: path, prompt: prompt, choice: choice, bounds: bounds, session: session, continuing: continuing)
        let release: @Sendable (RoutedAnswer?) -> Void = { [admission, budgets, conversations] answer in
            if let answer {
                conversations.record(chat.messages, answer: answer.answer, system: chat.system,
                                     seat: .init(tier: answer.tierUsed.name, session: answer.tierUsed.isLocal ? 0 : session))
            }
            admission.leave(session)
            budgets.settle(key, reserved: reserved, actual: answer?.costUsd ?? 0)
        }
        if chat.stream { return await stream(question, flavor: flavor, conversation: conversation, release: release) }
        do {
            let answer = try await question.run(onRoute: { _ in }, onText: { _ in })
            release(answer)
            let headers = Self.fields([(HTTPField.Name.contentType, "application/json")], ServeReply.answerHeaders(answer, conversation: conversation))
            let bytes = flavor == .openAI ? ServeReply.openAIBody(answer, conversation: conversation) : ServeReply.anthropicBody(answer, conversation: conversation)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch {
            release(nil)
            throw Self.serveError(error)
        }
    }

    /// One question as the server asks it.
    struct Question: Sendable {
        let path: QuestionPath
        let prompt: String
        let choice: TierChoice
        let bounds: TierBounds
        let session: Int
        let continuing: Bool

        func run(onRoute: @escaping @Sendable (Route) -> Void, onText: @escaping @Sendable (String) -> Void) async throws -> RoutedAnswer {
            try await path.ask(prompt, choice: choice, bounds: bounds, session: session, continuing: continuing, onText: onText, onRoute: onRoute)
        }
    }

    /// What a streamed answer's producer sends its response.
    enum Event: Sendable {
        case route(Route)
        case text(String)
        case done(RoutedAnswer)
        case failed(ServeErrorBox)
    }

    struct ServeErrorBox: Sendable { let error: ServeError }

    /// Streams the answer: the response starts once the policy decided (its headers name the
    /// route), text follows as it comes, and the final event carries the whole decision. A client
    /// that goes away cancels the question (a remote turn is interrupted, the ledger records it).
    private func stream(_ question: Question, flavor: APIFlavor, conversation: ConversationMode,
                        release: @escaping @Sendable (RoutedAnswer?) -> Void) async -> Response {
        let (head, headInput) = AsyncStream<Event>.makeStream()
        let (events, input) = AsyncStream<Event>.makeStream()
        let task = Task {
            do {
                let answer = try await question.run(onRoute: { route in headInput.yield(.route(route)); headInput.finish() },
                                                    onText: { input.yield(.text($0)) })
                release(answer)
                input.yield(.done(answer))
            } catch {
                release(nil)
                let failed = Event.failed(ServeErrorBox(error: Self.serveError(error)))
                headInput.yield(failed)
                input.yield(failed)
            }
            headInput.finish()
            input.finish()
        }
        var first: Event?
        for await event in head { first = event; break }
        guard case .route(let route)? = first else {
            if case .failed(let box)? = first { return failure(box.error, flavor) }
            return failure(ServeError(status: 500, type: "api_error", message: "the question ended without a decision"), flavor)
        }
        let headers = Self.fields([(.contentType, "text/event-stream"), (.cacheControl, "no-cache")],
                                  ServeReply.routeHeaders(route, conversation: conversation))
        let id = RoutedAnswer.newID()
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            do {
                try await Self.writeStream(events, flavor: flavor, id: id, route: route, conversation: conversation, to: &writer)
                try await writer.finish(nil)
            } catch {
                task.cancel()
                throw error
            }
        })
    }

    private static func writeStream(_ events: AsyncStream<Event>, flavor: APIFlavor, id: String, route: Route, conversation: ConversationMode,
                                    to writer: inout any ResponseBodyWriter) async throws {
        let model = route.tier.name
        switch flavor {
        case .openAI:
            try await writer.write(ByteBuffer(bytes: ServeReply.openAIChunk(id: id, model: model, delta: ["role": "assistant", "content": ""], finish: nil)))
        case .anthropic:
            try await writer.write(ByteBuffer(bytes: ServeReply.event("message_start", ["type": "message_start", "message": [
                "id": "msg_\(id)", "type": "message", "role": "assistant", "model": model, "content": [Any](),
                "stop_reason": NSNull(), "stop_sequence": NSNull(), "usage": ["input_tokens": 0, "output_tokens": 0]] as [String: Any]])))
            try await writer.write(ByteBuffer(bytes: ServeReply.event("content_block_start", [
                "type": "content_block_start", "index": 0, "content_block": ["type": "text", "text": ""]])))
        }
        var trimmer = StreamTrimmer()
        for await event in events {
            switch event {
            case .route:
                continue
            case .text(let raw):
                let piece = trimmer.feed(raw)
                guard !piece.isEmpty else { continue }
                switch flavor {
                case .openAI:
                    try await writer.write(ByteBuffer(bytes: ServeReply.openAIChunk(id: id, model: model, delta: ["content": piece], finish: nil)))
                case .anthropic:
                    try await writer.write(ByteBuffer(bytes: ServeReply.event("content_block_delta", [
                        "type": "content_block_delta", "index": 0, "delta": ["type": "text_delta", "text": piece]])))
                }
            case .done(let answer):
                let decision = ServeReply.decision(answer, conversation: conversation)
                switch flavor {
                case .openAI:
                    try await writer.write(ByteBuffer(bytes: ServeReply.openAIChunk(
                        id: id, model: answer.tierUsed.name, delta: [:], finish: "stop",
                        extra: ["usage": ServeReply.openAIUsage(answer), "escalator": decision])))
                    try await writer.write(ByteBuffer(bytes: ServeReply.openAIDone))
                case .anthropic:
                    try await writer.write(ByteBuffer(bytes: ServeReply.event("content_block_stop", ["type": "content_block_stop", "index": 0])))
                    try await writer.write(ByteBuffer(bytes: ServeReply.event("message_delta", [
                        "type": "message_delta", "delta": ["stop_reason": "end_turn", "stop_sequence": NSNull()] as [String: Any],
                        "usage": ["output_tokens": answer.answerTokens ?? 0], "escalator": decision])))
                    try await writer.write(ByteBuffer(bytes: ServeReply.event("message_stop", ["type": "message_stop"])))
                }
            case .failed(let box):
                let error = box.error
                switch flavor {
                case .openAI:
                    try await writer.write(ByteBuffer(bytes: Array("data: ".utf8) + error.body(.openAI) + Array("\n\n".utf8)))
                    try await writer.write(ByteBuffer(bytes: ServeReply.openAIDone))
                case .anthropic:
                    try await writer.write(ByteBuffer(bytes: Array("event: error\ndata: ".utf8) + error.body(.anthropic) + Array("\n\n".utf8)))
                }
            }
        }
    }

    // MARK: Keys, budgets, errors

    private static let maxTierHeader = HTTPField.Name("x-escalator-max-tier")!
    private static let apiKeyHeader = HTTPField.Name("x-api-key")!

    private func authenticate(_ request: Request) throws(ServeError) -> String? {
        try budgets.authenticate(bearer: request.headers[.authorization], apiKey: request.headers[Self.apiKeyHeader])
    }

    /// Caps `bounds.max` at the dearest tier whose estimate fits what the key has left today and
    /// reserves that estimate; a key with nothing left is refused.
    private func reserve(_ key: String?, prompt: String, bounds: inout TierBounds, choice: TierChoice) throws(ServeError) -> Double {
        guard let left = budgets.left(key) else { return 0 }
        let tokens = CostEstimate.roughTokens(prompt)
        func cost(_ tier: Tier) -> Double { path.router.expectedCost(questionTokens: tokens, tier: tier) }
        if case .forced(let tier) = choice, !tier.isLocal, cost(tier) > left {
            throw ServeError(status: 429, type: "insufficient_quota",
                             message: String(format: "this key has $%.4f left today; tier %@ would cost about $%.4f", left, tier.name, cost(tier)))
        }
        let reachable = tiers.tiers.filter { bounds.contains($0) }.sorted()
        guard let dearest = reachable.last(where: { $0.isLocal || cost($0) <= left }) else {
            throw ServeError(status: 429, type: "insufficient_quota",
                             message: String(format: "this key's daily budget is spent ($%.4f left); it renews at 00:00 UTC", max(0, left)))
        }
        if dearest < bounds.max { bounds.max = Swift.max(bounds.min, dearest) }
        let amount = dearest.isLocal ? 0 : cost(dearest)
        budgets.reserve(key, amount)
        return amount
    }

    static func serveError(_ error: any Error) -> ServeError {
        if let error = error as? ServeError { return error }
        if let failure = error as? QuestionFailure {
            if failure.error is CancellationError {
                return ServeError(status: 499, type: "api_error", message: "the request was cancelled")
            }
            return ServeError(status: 502, type: "api_error", message: "no tier answered: \(failure.description)")
        }
        if error is RoutingError { return .badRequest("\(error)") }
        return ServeError(status: 500, type: "api_error", message: "\(error)")
    }

    /// Standard fields, then the `x-escalator-*` ones.
    private static func fields(_ standard: [(HTTPField.Name, String)], _ escalator: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields(standard.map { HTTPField(name: $0.0, value: $0.1) })
        for (name, value) in escalator {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return fields
    }

    private func json(_ status: Int, _ bytes: [UInt8]) -> Response {
        Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func failure(_ error: ServeError, _ flavor: APIFlavor) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let seconds = error.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        return Response(status: HTTPResponse.Status(code: error.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: error.body(flavor))))
    }
}
