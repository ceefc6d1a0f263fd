import Agents
import Foundation
import Testing

/// The turn record read from Claude Code's transcript: a real 2.1.332 file, and hand-made lines
/// for what one real turn does not show (several lines per request, helper and error rows, two
/// turns, a turn not yet closed on disk, tool results).
struct TranscriptTurnTests {
    static let capture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Captures/2.1.332/transcript-one-turn.jsonl")

    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func user(_ text: String, promptID: String?) -> String {
        var line: [String: Any] = ["type": "user", "message": ["role": "user", "content": text], "version": "2.1.332"]
        if let promptID { line["promptId"] = promptID }
        return json(line)
    }

    static func toolResult() -> String {
        json(["type": "user", "message": ["role": "user", "content": [["type": "tool_result", "tool_use_id": "t1", "content": "ok"]]]])
    }

    static func assistant(request: String?, message: String, model: String = "claude-opus-5-5", text: String?,
                          stop: String? = nil, input: Int = 0, output: Int = 0, cacheRead: Int = 0, cacheWrite: Int = 0,
                          oneHour: Int = 0) -> String {
        var content: [[String: Any]] = []
        if let text { content.append(["type": "text", "text": text]) }
        var msg: [String: Any] = ["id": message, "model": model, "content": content,
                                  "usage": ["input_tokens": input, "output_tokens": output, "cache_read_input_tokens": cacheRead,
                                            "cache_creation_input_tokens": cacheWrite,
                                            "cache_creation": ["ephemeral_5m_input_tokens": cacheWrite - oneHour,
                                                               "ephemeral_1h_input_tokens": oneHour]]]
        msg["stop_reason"] = stop ?? NSNull()
        var line: [String: Any] = ["type": "assistant", "message": msg, "version": "2.1.332"]
        if let request { line["requestId"] = request }
        return json(line)
    }

    static let closed = json(["type": "system", "subtype": "turn_duration", "durationMs": 384])

    @Test func theRealCLIsOneTurnFile() throws {
        let text = try String(contentsOf: Self.capture, encoding: .utf8)
        let turn = try #require(TranscriptTurn(jsonl: text, promptID: "efd2c1ff-79fc-4027-929e-668a89c1f09f", prompt: nil))
        // What the stand-in sent for this capture: one streamed message, usage 123 in / 17 out,
        // 40 read from the cache, 30 written to it.
        #expect(turn.requests.count == 1)
        #expect(turn.requests.first?.model == "claude-opus-5-5")
        #expect(turn.requests.first?.usage == TokenUsage(inputTokens: 123, outputTokens: 17, cacheReadTokens: 40, cacheWrite5mTokens: 30))
        #expect(turn.finalText == "Here is code:\n\n```python\nprint('hi')\n```\n\nDone.")
        #expect(turn.agentVersion == "2.1.332")
        #expect(turn.isComplete)
        // Found by its text too, and not at all under another prompt id.
        #expect(TranscriptTurn(jsonl: text, promptID: nil, prompt: "What is 2+2? Answer with code.")?.requests.count == 1)
        #expect(TranscriptTurn(jsonl: text, promptID: "another", prompt: nil) == nil)
    }

    @Test func aRequestWrittenOnSeveralLinesCountsOnceWithItsLastUsage() throws {
        let lines = [
            Self.user("Q", promptID: "p1"),
            Self.assistant(request: "req_1", message: "msg_1", text: "Let me think.", input: 10, output: 1),
            Self.assistant(request: "req_1", message: "msg_1", text: "Answer.", stop: "end_turn", input: 10, output: 25,
                           cacheRead: 100, cacheWrite: 50, oneHour: 20),
            Self.closed,
        ]
        let turn = try #require(TranscriptTurn(jsonl: lines.joined(separator: "\n"), promptID: "p1", prompt: nil))
        #expect(turn.requests.map(\.id) == ["req_1"])
        #expect(turn.requests[0].usage == TokenUsage(inputTokens: 10, outputTokens: 25, cacheReadTokens: 100, cacheWrite5mTokens: 30,
                                                    cacheWrite1hTokens: 20))
        #expect(turn.finalText == "Let me think.\n\nAnswer.")
    }

    @Test func helperRequestsCountPerModelAndErrorRowsDoNot() throws {
        let lines = [
            Self.user("Q", promptID: "p1"),
            Self.assistant(request: "req_h", message: "msg_h", model: "claude-haiku-5-5", text: "title", stop: "end_turn",
                           input: 300, output: 5),
            Self.assistant(request: nil, message: "msg_e", model: "<synthetic>", text: "API Error", stop: "end_turn"),
            Self.assistant(request: "req_1", message: "msg_1", text: nil, stop: "tool_use", input: 10, output: 8),
            Self.toolResult(),
            Self.assistant(request: "req_2", message: "msg_2", text: "Done.", stop: "end_turn", input: 12, output: 4),
            Self.closed,
        ]
        let turn = try #require(TranscriptTurn(jsonl: lines.joined(separator: "\n"), promptID: "p1", prompt: nil))
        // The tool result is not a new prompt: the turn goes on past it.
        #expect(turn.requests.map(\.id) == ["req_h", "req_1", "req_2"])
        #expect(turn.usageByModel["claude-opus-5-5"] == TokenUsage(inputTokens: 22, outputTokens: 12))
        #expect(turn.usageByModel["claude-haiku-5-5"] == TokenUsage(inputTokens: 300, outputTokens: 5))
        #expect(turn.finalText == "Done.")
    }

    @Test func onlyTheAskedTurnIsRead() throws {
        let lines = [
            Self.user("first", promptID: "p1"),
            Self.assistant(request: "req_1", message: "msg_1", text: "One.", stop: "end_turn", input: 1, output: 1),
            Self.closed,
            Self.user("second", promptID: "p2"),
            Self.assistant(request: "req_2", message: "msg_2", text: "Two.", stop: "end_turn", input: 2, output: 2),
            Self.closed,
        ]
        let text = lines.joined(separator: "\n")
        #expect(TranscriptTurn(jsonl: text, promptID: "p1", prompt: nil)?.requests.map(\.id) == ["req_1"])
        #expect(TranscriptTurn(jsonl: text, promptID: "p2", prompt: nil)?.requests.map(\.id) == ["req_2"])
        #expect(TranscriptTurn(jsonl: text, promptID: nil, prompt: "second")?.finalText == "Two.")
    }

    @Test func aTurnNotYetClosedOnDiskSaysSo() throws {
        let open = [
            Self.user("Q", promptID: "p1"),
            Self.assistant(request: "req_1", message: "msg_1", text: "Partial", input: 5, output: 1),
        ]
        let turn = try #require(TranscriptTurn(jsonl: open.joined(separator: "\n") + "\n{\"type\":\"assist", promptID: "p1", prompt: nil))
        #expect(!turn.isComplete)
        let closed = try #require(TranscriptTurn(jsonl: (open + [Self.closed]).joined(separator: "\n"), promptID: "p1", prompt: nil))
        #expect(closed.isComplete)
    }

    @Test func pickerRowsPriceTheirModels() throws {
        let pane = try String(contentsOf: RealCapture.directory.appendingPathComponent("picker-120.txt"), encoding: .utf8)
        let picker = try #require(ClaudeCodeProfile().parse(pane).picker)
        let rows = PickerPrice.rows(of: picker)
        // The 2.1.332 picker as captured: Opus $4/$20, Fable $8/$40, Sonnet $2/$10, Haiku $0.10/$0.50
        // ($0.50/$2.50 over 100k); the Default row repeats Opus and is not a price of its own.
        #expect(rows.map(\.label) == ["Opus", "Fable", "Sonnet", "Haiku"])
        #expect(PickerPrice.row(for: "claude-opus-5-5", in: rows)?.price == ScreenMenu.Price(input: 4, output: 20))
        #expect(PickerPrice.row(for: "claude-sonnet-5-5", in: rows)?.price == ScreenMenu.Price(input: 2, output: 10))
        #expect(PickerPrice.row(for: "claude-fable-5-2", in: rows)?.price == ScreenMenu.Price(input: 8, output: 40))
        #expect(PickerPrice.row(for: "claude-haiku-5-5", in: rows)?.price
                == ScreenMenu.Price(input: 0.10, output: 0.50, longInput: 0.50, longOutput: 2.50, longThreshold: 100_000))
        #expect(PickerPrice.row(for: "gpt-9", in: rows) == nil)
    }

    @Test func thePriceBookKeepsPricesPerAgentVersionOnDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pricebook-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("agent-prices.json")
        let rows = [PickerPrice(label: "Opus", name: "Opus 5.5", price: .init(input: 4, output: 20))]
        try ModelPriceBook(file: file).record(rows, agent: "claude-code", version: "2.1.332")
        let again = ModelPriceBook(file: file)
        #expect(again.entry(agent: "claude-code", version: "2.1.332")?.rows == rows)
        #expect(again.entry(agent: "claude-code", version: "2.1.333") == nil)
        try Data("not json".utf8).write(to: file)
        #expect(ModelPriceBook(file: file).entry(agent: "claude-code", version: "2.1.332") == nil)
    }
}
