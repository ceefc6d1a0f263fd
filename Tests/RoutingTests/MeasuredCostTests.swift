import Agents
import Routing
import Testing

/// A turn's measured cost: usage × the prices of each request's model, from config, the picker
/// or the built-in list, with cache and long-prompt pricing worked out by hand here.
struct MeasuredCostTests {
    static let picker = (rows: [
        PickerPrice(label: "Opus", name: "Opus 5.5", price: .init(input: 4, output: 20)),
        PickerPrice(label: "Haiku", name: "Haiku 5.5",
                    price: .init(input: 0.10, output: 0.50, longInput: 0.50, longOutput: 2.50, longThreshold: 100_000)),
    ], key: "claude-code 2.1.332")

    static func request(_ model: String, _ usage: TokenUsage, id: String = "r") -> TranscriptTurn.Request {
        TranscriptTurn.Request(id: id, model: model, usage: usage)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var requests: [TranscriptTurn.Request]
        var configPrice: TierPrice?
        var usePicker = true
        var usd: Double?
        var source: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "picker price, plain tokens",
             requests: [request("claude-opus-5-5", TokenUsage(inputTokens: 1_000, outputTokens: 500))],
             usd: (1_000 * 4 + 500 * 20) / 1e6, source: "picker claude-code 2.1.332"),
        Case(name: "cache read 0.1x, 5m write 1.25x, 1h write 2x of the input price",
             requests: [request("claude-opus-5-5", TokenUsage(inputTokens: 10, outputTokens: 0, cacheReadTokens: 10_000,
                                                              cacheWrite5mTokens: 2_000, cacheWrite1hTokens: 1_000))],
             usd: (10 * 4 + 10_000 * 0.4 + 2_000 * 5 + 1_000 * 8) / 1e6, source: "picker claude-code 2.1.332"),
        Case(name: "the long-prompt price over its threshold (cache counts toward the prompt)",
             requests: [request("claude-haiku-5-5", TokenUsage(inputTokens: 1_000, outputTokens: 100, cacheReadTokens: 100_000))],
             usd: (1_000 * 0.50 + 100_000 * 0.05 + 100 * 2.50) / 1e6, source: "picker claude-code 2.1.332"),
        Case(name: "config prices override the picker for the tier's model only",
             requests: [request("claude-opus-5-5", TokenUsage(inputTokens: 1_000, outputTokens: 1_000), id: "a"),
                        request("claude-haiku-5-5", TokenUsage(inputTokens: 1_000, outputTokens: 1_000), id: "b")],
             configPrice: TierPrice(inputPerMillion: 1, outputPerMillion: 2),
             usd: (1_000 * 1 + 1_000 * 2) / 1e6 + (1_000 * 0.10 + 1_000 * 0.50) / 1e6,
             source: "config+picker claude-code 2.1.332"),
        Case(name: "no picker read yet: the built-in list price",
             requests: [request("claude-opus-5-5", TokenUsage(inputTokens: 1_000, outputTokens: 1_000))], usePicker: false,
             usd: (1_000 * 5 + 1_000 * 25) / 1e6, source: "built-in"),
        Case(name: "a model priced nowhere leaves the turn unmeasured",
             requests: [request("claude-opus-5-5", TokenUsage(inputTokens: 1, outputTokens: 1), id: "a"),
                        request("mystery-1", TokenUsage(inputTokens: 1, outputTokens: 1), id: "b")],
             usd: nil, source: nil),
        Case(name: "no requests: nothing measured", requests: [], usd: nil, source: nil),
    ]

    @Test(arguments: cases) func measured(_ c: Case) {
        let cost = MeasuredCost.measure(c.requests, tierModel: "opus", configPrice: c.configPrice,
                                        picker: c.usePicker ? Self.picker : nil)
        #expect(cost?.priceSource == c.source)
        if let usd = c.usd, let cost {
            #expect(abs(cost.usd - usd) < 1e-12, "\(cost.usd) vs \(usd)")
            #expect(cost.requests == c.requests.count)
            #expect(cost.usage == c.requests.map(\.usage).reduce(TokenUsage(), +))
        } else {
            #expect(cost == nil && c.usd == nil)
        }
    }
}
