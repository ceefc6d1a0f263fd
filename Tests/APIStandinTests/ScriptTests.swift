import Foundation
import Testing
import TestSupport

/// The script decides the answers: rules, `times`, templates, tool calls, reloads, passthrough.
@Suite struct ScriptTests {
    /// Emoji (with ZWJ and flags), both quotes, newlines, CR, tabs, backslashes, a NUL, a
    /// placeholder that must stay literal, and JSON-looking text.
    static let hostile = "emoji 👨‍👩‍👧 🇫🇷 \"double\" 'single'\nnew line\r\nCRLF\ttab \\back\\slash\\ \u{0} {{model}} {\"json\": [1]} é"

    @Test func rulesMatchInOrderAndTimesFallsThrough() async throws {
        let standin = try APIStandin.start(script: """
            {"default": {"reply": "default answer"},
             "rules": [{"match": "alpha", "times": 2, "reply": "first"},
                       {"match": "alpha", "reply": "second"},
                       {"regex": "^num(ber)? [0-9]+$", "reply": "regex"},
                       {"model": "claude-haiku-5-5", "reply": "haiku"},
                       {"match": "both", "model": "claude-sonnet-5-5", "reply": "both"}]}
            """)
        defer { standin.stop() }
        func ask(_ text: String, model: String = "claude-opus-5-5") throws -> String {
            try HTTPExchange.send(standin.baseURL + "/v1/messages", body: try messagesBody([text], model: model)).streamedText()
        }
        #expect(try ask("alpha one") == "first")
        #expect(try ask("alpha two") == "first")
        #expect(try ask("alpha three") == "second")
        #expect(try ask("number 42") == "regex")
        #expect(try ask("number 42 and more") == "default answer")
        #expect(try ask("anything", model: "claude-haiku-5-5") == "haiku")
        #expect(try ask("both", model: "claude-opus-5-5") == "default answer")
        #expect(try ask("both", model: "claude-sonnet-5-5") == "both")
        let rules = try await standin.waitForRequests(count: 8).map(\.rule)
        #expect(rules == ["0", "0", "1", "2", "default", "3", "default", "4"])
    }

    @Test func echoIsByteExactForAHostileString() async throws {
        let standin = try APIStandin.start(script: try scriptJSON(["default": ["reply": "<<{{echo}}>> via {{model}}", "chunk_chars": 3]]))
        defer { standin.stop() }
        let streamed = try HTTPExchange.send(standin.baseURL + "/v1/messages", body: try messagesBody([Self.hostile]))
        #expect(try streamed.streamedText() == "<<\(Self.hostile)>> via claude-opus-5-5")
        let plain = try HTTPExchange.send(standin.baseURL + "/v1/messages", body: try messagesBody([Self.hostile], stream: false))
        let content = try #require(try plain.json()["content"] as? [[String: Any]])
        #expect(content.first?["text"] as? String == "<<\(Self.hostile)>> via claude-opus-5-5")
        #expect(Array((content.first?["text"] as? String ?? "").utf8) == Array("<<\(Self.hostile)>> via claude-opus-5-5".utf8))
    }

    @Test func logRecordsTheLastUserTextByteExactAndTheOtherBlocksInOrder() async throws {
        let standin = try APIStandin.start()
        defer { standin.stop() }
        let earlier: [[String: Any]] = [["role": "user", "content": "first question"],
                                         ["role": "assistant", "content": [["type": "text", "text": "first answer"]]]]
        let texts = ["<system-reminder>\nremember\n</system-reminder>", "<local-command-stdout>x</local-command-stdout>", Self.hostile]
        _ = try HTTPExchange.send(standin.baseURL + "/v1/messages?beta=true", body: try messagesBody(texts, extraMessages: earlier),
                                  headers: ["X-Claude-Code-Session-Id: 0b2b7d3e-aaaa"])

        let logged = try #require(try await standin.waitForRequests(count: 1).first)
        #expect(logged.lastUserText == Self.hostile)
        #expect(Array((logged.lastUserText ?? "").utf8) == Array(Self.hostile.utf8))
        #expect(logged.userTexts == texts)
        #expect(logged.messageCount == 3)
        #expect(logged.toolResults == 0)
        #expect(logged.sessionId == "0b2b7d3e-aaaa")
        #expect(logged.model == "claude-opus-5-5")
        #expect(logged.requestId == "req_standin_1")
        // The raw line holds the text too (a reader other than this fixture sees the same bytes).
        let raw = try String(contentsOfFile: standin.logPath, encoding: .utf8)
        #expect(raw.hasSuffix("\n"))
        #expect(raw.split(separator: "\n").count == 1)
    }

    @Test func toolUseThenToolResultGetsTheFollowUpReply() async throws {
        let standin = try APIStandin.start(script: """
            {"rules": [{"match": "make a file", "reply": "I will run it.", "chunk_chars": 8,
                        "tool_use": {"name": "Bash", "input": {"command": "touch x", "description": "Create x"}},
                        "after_tool_reply": "Done: the file exists."}]}
            """)
        defer { standin.stop() }
        let first = try HTTPExchange.send(standin.baseURL + "/v1/messages", body: try messagesBody(["please make a file"]))
        let events = try first.events()
        #expect(try first.streamedText() == "I will run it.")
        let start = try #require(events.first { $0.name == "content_block_start" && $0.data["index"] as? Int == 1 })
        let block = try #require(start.data["content_block"] as? [String: Any])
        #expect(block["type"] as? String == "tool_use")
        #expect(block["name"] as? String == "Bash")
        let id = try #require(block["id"] as? String)
        let partial = events.compactMap { event -> String? in
            guard let delta = event.data["delta"] as? [String: Any], delta["type"] as? String == "input_json_delta" else { return nil }
            return delta["partial_json"] as? String
        }.joined()
        let input = try jsonObject(partial)
        #expect(input["command"] as? String == "touch x")
        #expect(input["description"] as? String == "Create x")
        let stop = try #require(events.first { $0.name == "message_delta" }?.data["delta"] as? [String: Any])
        #expect(stop["stop_reason"] as? String == "tool_use")

        let assistant: [[String: Any]] = [
            ["role": "user", "content": "please make a file"],
            ["role": "assistant", "content": [["type": "text", "text": "I will run it."],
                                              ["type": "tool_use", "id": id, "name": "Bash", "input": ["command": "touch x"]]]],
        ]
        let followUp = try HTTPExchange.send(standin.baseURL + "/v1/messages",
                                             body: try messagesBody(["<system-reminder>r</system-reminder>"], extraMessages: assistant,
                                                                    toolResultID: id))
        #expect(try followUp.streamedText() == "Done: the file exists.")
        #expect((try followUp.events().first { $0.name == "message_delta" }?.data["delta"] as? [String: Any])?["stop_reason"] as? String
            == "end_turn")

        let logged = try await standin.waitForRequests(count: 2)
        #expect(logged.map(\.rule) == ["0", "tool-followup"])
        #expect(logged.last?.toolResults == 1)
    }

    @Test func rewritingTheScriptChangesTheNextAnswer() async throws {
        let standin = try APIStandin.start(script: #"{"default": {"reply": "before"}}"#)
        defer { standin.stop() }
        let url = standin.baseURL + "/v1/messages"
        #expect(try HTTPExchange.send(url, body: try messagesBody(["q"])).streamedText() == "before")
        try standin.setScript(#"{"default": {"reply": "after"}}"#)
        #expect(try HTTPExchange.send(url, body: try messagesBody(["q"])).streamedText() == "after")
        try standin.setScript(#"{"default": {"reply": "after"}, "rules": [{"match": "q", "times": 1, "reply": "once"}]}"#)
        #expect(try HTTPExchange.send(url, body: try messagesBody(["q"])).streamedText() == "once")
        #expect(try HTTPExchange.send(url, body: try messagesBody(["q"])).streamedText() == "after")
        try FileManager.default.removeItem(atPath: standin.scriptPath)
        #expect(try HTTPExchange.send(url, body: try messagesBody(["q"])).streamedText() == "OK")
    }

    @Test func brokenScriptIsReportedNotGuessed() async throws {
        let standin = try APIStandin.start(script: #"{"default": {"reply": "fine"}}"#)
        defer { standin.stop() }
        try standin.setScript(#"{"rules": [{"regex": "("}]}"#)
        let exchange = try HTTPExchange.send(standin.baseURL + "/v1/messages", body: try messagesBody(["q"]))
        #expect(exchange.status == 500)
        #expect(((try exchange.json()["error"] as? [String: Any])?["message"] as? String)?.contains("regex") == true)

        #expect(throws: APIStandin.StartFailure.self) { try APIStandin.start(script: #"{"rules": "not a list"}"#) }
    }

    @Test func passthroughForwardsTheReducedConversationAndRulesStillWin() async throws {
        let upstream = try APIStandin.start(script: #"{"default": {"reply": "upstream heard: {{echo}}", "usage": {"input_tokens": 5, "output_tokens": 6}}}"#)
        defer { upstream.stop() }
        let standin = try APIStandin.start(script: #"{"rules": [{"match": "fault", "status": 529}]}"#, passthrough: upstream.baseURL)
        defer { standin.stop() }
        let earlier: [[String: Any]] = [
            ["role": "system", "content": "environment text"],
            ["role": "user", "content": [["type": "text", "text": "<system-reminder>ctx</system-reminder>"], ["type": "text", "text": "first"]]],
            ["role": "assistant", "content": [["type": "text", "text": "answer one"]]],
        ]
        let texts = ["<local-command-caveat>caveat</local-command-caveat>", "second"]
        let streamed = try HTTPExchange.send(standin.baseURL + "/v1/messages?beta=true", body: try messagesBody(texts, extraMessages: earlier))
        #expect(streamed.status == 200)
        #expect(try streamed.streamedText() == "upstream heard: second")
        let plain = try HTTPExchange.send(standin.baseURL + "/v1/messages", body: try messagesBody(texts, stream: false, extraMessages: earlier))
        #expect((try plain.json()["content"] as? [[String: Any]])?.first?["text"] as? String == "upstream heard: second")
        let fault = try HTTPExchange.send(standin.baseURL + "/v1/messages", body: try messagesBody(["fault"]))
        #expect(fault.status == 529)

        let forwarded = try await upstream.waitForRequests(count: 2)
        #expect(forwarded.map(\.userTexts) == [["second"], ["second"]])
        #expect(forwarded.map(\.messageCount) == [3, 3])
        #expect(forwarded.map(\.stream) == [true, false])
        let logged = try await standin.waitForRequests(count: 3)
        #expect(logged.map(\.rule) == ["passthrough", "passthrough", "0"])
        #expect(logged.first?.usage?.inputTokens == 5)
        #expect(logged.first?.usage?.outputTokens == 6)
    }
}
