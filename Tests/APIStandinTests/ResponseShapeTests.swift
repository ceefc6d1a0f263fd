import Foundation
import Testing
import TestSupport

/// The stand-in's answers have the Anthropic Messages API's shapes (run against the built binary).
@Suite struct ResponseShapeTests {
    @Test func streamedAnswerHasTheAnthropicEventSequenceAndUsage() async throws {
        let reply = "The quick brown fox jumps over the lazy dog, twice over."
        let standin = try APIStandin.start(script: try scriptJSON(["default": ["reply": reply, "chunk_chars": 7]]))
        defer { standin.stop() }
        let prompt = "stream please"
        let exchange = try HTTPExchange.send(standin.baseURL + "/v1/messages?beta=true", body: try messagesBody([prompt]),
                                             headers: ["X-Claude-Code-Session-Id: session-1"])

        #expect(exchange.status == 200)
        #expect(exchange.headers["content-type"] == "text/event-stream")
        #expect(exchange.headers["request-id"] == "req_standin_1")
        let events = try exchange.events()
        let names = events.map(\.name)
        let deltas = (reply.count + 6) / 7
        #expect(names == ["message_start", "content_block_start", "ping"] + Array(repeating: "content_block_delta", count: deltas)
            + ["content_block_stop", "message_delta", "message_stop"])
        #expect(try exchange.streamedText() == reply)

        let message = try #require(events.first?.data["message"] as? [String: Any])
        #expect(message["role"] as? String == "assistant")
        #expect(message["model"] as? String == "claude-opus-5-5")
        let startUsage = try #require(message["usage"] as? [String: Any])
        let inputTokens = (prompt.utf8.count + 3) / 4
        #expect(startUsage["input_tokens"] as? Int == inputTokens)
        #expect(startUsage["cache_read_input_tokens"] as? Int == 0)
        #expect(startUsage["cache_creation_input_tokens"] as? Int == 0)
        let delta = try #require(events.first { $0.name == "message_delta" }?.data)
        #expect((delta["delta"] as? [String: Any])?["stop_reason"] as? String == "end_turn")
        #expect((delta["usage"] as? [String: Any])?["output_tokens"] as? Int == (reply.utf8.count + 3) / 4)

        let logged = try #require(try await standin.waitForRequests(count: 1).first)
        #expect(logged.path == "/v1/messages")
        #expect(logged.sessionId == "session-1")
        #expect(logged.rule == "default")
        #expect(logged.stream == true)
        #expect(logged.usage?.inputTokens == inputTokens)
        #expect(logged.usage?.outputTokens == (reply.utf8.count + 3) / 4)
        #expect(logged.finishedAtMs >= logged.receivedAtMs)
    }

    @Test func thinkTimeDelaysTheFirstTextAndShowsInTheLog() async throws {
        let standin = try APIStandin.start(script: #"{"default": {"reply": "slow", "think_ms": 400}}"#)
        defer { standin.stop() }
        let exchange = try HTTPExchange.send(standin.baseURL + "/v1/messages", body: try messagesBody(["hi"]))
        #expect(try exchange.streamedText() == "slow")
        let logged = try #require(try await standin.waitForRequests(count: 1).first)
        #expect(logged.finishedAtMs - logged.receivedAtMs >= 400)
    }

    @Test func nonStreamingRequestGetsAMessageObject() async throws {
        let standin = try APIStandin.start(script: #"{"default": {"reply": "Plain answer.", "usage": {"input_tokens": 12, "output_tokens": 34}}}"#)
        defer { standin.stop() }
        let exchange = try HTTPExchange.send(standin.baseURL + "/v1/messages", body: try messagesBody(["hi"], stream: false))

        #expect(exchange.status == 200)
        #expect(exchange.headers["content-type"] == "application/json")
        let message = try exchange.json()
        #expect(message["type"] as? String == "message")
        #expect(message["role"] as? String == "assistant")
        #expect(message["stop_reason"] as? String == "end_turn")
        #expect((message["id"] as? String)?.hasPrefix("msg_") == true)
        let content = try #require(message["content"] as? [[String: Any]])
        #expect(content.count == 1)
        #expect(content.first?["type"] as? String == "text")
        #expect(content.first?["text"] as? String == "Plain answer.")
        let usage = try #require(message["usage"] as? [String: Any])
        #expect(usage["input_tokens"] as? Int == 12)
        #expect(usage["output_tokens"] as? Int == 34)
        #expect(usage["cache_read_input_tokens"] as? Int == 0)
        let logged = try #require(try await standin.waitForRequests(count: 1).first)
        #expect(logged.stream == false)
        #expect(logged.usage?.outputTokens == 34)
    }

    @Test func countTokensAnswersAnEstimateAndIgnoresRules() async throws {
        let standin = try APIStandin.start(script: #"{"rules": [{"match": "count", "status": 500}]}"#)
        defer { standin.stop() }
        let texts = ["<system-reminder>ctx</system-reminder>", "count these tokens"]
        let exchange = try HTTPExchange.send(standin.baseURL + "/v1/messages/count_tokens?beta=true",
                                             body: try messagesBody(texts, stream: false))

        #expect(exchange.status == 200)
        let expected = (texts.joined().utf8.count + 3) / 4
        #expect(try exchange.json()["input_tokens"] as? Int == expected)
        #expect(try exchange.json().count == 1)
        let logged = try #require(try await standin.waitForRequests(count: 1).first)
        #expect(logged.rule == "count_tokens")
        #expect(logged.path == "/v1/messages/count_tokens")
    }

    @Test func unknownPathsAndMalformedBodiesGetAnthropicErrors() async throws {
        let standin = try APIStandin.start()
        defer { standin.stop() }

        let missing = try HTTPExchange.send(standin.baseURL + "/v1/complete", body: "{}")
        #expect(missing.status == 404)
        #expect(missing.headers["request-id"] == "req_standin_1")
        let notFound = try missing.json()
        #expect(notFound["type"] as? String == "error")
        #expect((notFound["error"] as? [String: Any])?["type"] as? String == "not_found_error")
        #expect(((notFound["error"] as? [String: Any])?["message"] as? String)?.isEmpty == false)

        let wrongMethod = try HTTPExchange.send(standin.baseURL + "/v1/messages", method: "GET")
        #expect(wrongMethod.status == 404)

        let malformed = try HTTPExchange.send(standin.baseURL + "/v1/messages", body: #"{"model": "x", "messages": [ }"#)
        #expect(malformed.status == 400)
        #expect(malformed.headers["request-id"] == "req_standin_3")
        let invalid = try malformed.json()
        #expect(invalid["type"] as? String == "error")
        #expect((invalid["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")

        let health = try HTTPExchange.send(standin.baseURL + "/health", method: "GET")
        #expect(health.status == 200)
        #expect(health.headers["request-id"] == "req_standin_4")

        let logged = try await standin.waitForRequests(count: 4)
        #expect(logged.map(\.status) == [404, 404, 400, 200])
    }

    @Test func overloadedAndRateLimitedErrorsCarryRetryAfter() async throws {
        let standin = try APIStandin.start(script: """
            {"rules": [{"match": "busy", "status": 529, "error_type": "overloaded_error", "error_message": "Overloaded", "retry_after_s": 2},
                       {"match": "limit", "status": 429, "retry_after_s": 7}]}
            """)
        defer { standin.stop() }

        let overloaded = try HTTPExchange.send(standin.baseURL + "/v1/messages", body: try messagesBody(["busy"]))
        #expect(overloaded.status == 529)
        #expect(overloaded.headers["retry-after"] == "2")
        #expect(overloaded.headers["request-id"] == "req_standin_1")
        let body = try overloaded.json()
        #expect(body["type"] as? String == "error")
        let error = try #require(body["error"] as? [String: Any])
        #expect(error["type"] as? String == "overloaded_error")
        #expect(error["message"] as? String == "Overloaded")

        let limited = try HTTPExchange.send(standin.baseURL + "/v1/messages", body: try messagesBody(["limit"], stream: false))
        #expect(limited.status == 429)
        #expect(limited.headers["retry-after"] == "7")
        #expect((try limited.json()["error"] as? [String: Any])?["type"] as? String == "rate_limit_error")

        let logged = try await standin.waitForRequests(count: 2)
        #expect(logged.map(\.status) == [529, 429])
        #expect(logged.map(\.rule) == ["0", "1"])
        #expect(logged.allSatisfy { $0.usage == nil })
    }

    @Test func disconnectAfterCharactersBreaksTheStreamOff() async throws {
        let standin = try APIStandin.start(script: #"{"default": {"reply": "0123456789abcdefghij", "chunk_chars": 4, "disconnect_after_chars": 10}}"#)
        defer { standin.stop() }
        let exchange = try HTTPExchange.send(standin.baseURL + "/v1/messages", body: try messagesBody(["go"]))

        #expect(exchange.status == 200)
        #expect(exchange.curlStatus == 18, "curl should report a transfer closed with data outstanding")
        #expect(try exchange.streamedText() == "0123456789")
        #expect(!(try exchange.events().map(\.name).contains("message_stop")))
        let logged = try #require(try await standin.waitForRequests(count: 1).first)
        #expect(logged.disconnected)
    }

    @Test func sigtermStopsTheStandinCleanly() async throws {
        let standin = try APIStandin.start()
        let exchange = try HTTPExchange.send(standin.baseURL + "/health", method: "GET")
        #expect(exchange.status == 200)
        standin.stop()
        #expect(!standin.process.isRunning)
        #expect(standin.process.exitStatus == 0)
        #expect(standin.process.terminationSignal == nil)
    }

    @Test(arguments: ["0.0.0.0", "192.168.1.10", "example.com", "::"])
    func refusesNonLoopbackHosts(host: String) throws {
        let directory = try TemporaryDirectory(prefix: "standin-host")
        defer { directory.remove() }
        let result = try runBinary(BuiltProducts.executable("api-standin"),
                                   ["--host", host, "--script", directory.file("s.json"), "--log", directory.file("l.jsonl")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("loopback only"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("l.jsonl")))
    }
}
