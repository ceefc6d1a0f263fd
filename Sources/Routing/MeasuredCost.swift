import Agents

/// What a remote turn cost, from the agent's own record: every API request the transcript shows
/// (the CLI's own extra requests included), each priced by its model. Prices come from the
/// tier's config table when it gives them (for the tier's own model), else from the agent's
/// model picker as read for this agent version, else from escalator's built-in list prices.
///
/// Cache tokens are priced as Anthropic bills them, relative to the input price: a read 0.1×, a
/// 5-minute write 1.25×, a 1-hour write 2×. A request whose prompt (input plus cache) is over a
/// picker row's long-prompt threshold is priced at the long-prompt price.
public struct MeasuredCost: Sendable, Equatable, Codable {
    public var usd: Double
    /// The turn's tokens, summed over its requests.
    public var usage: TokenUsage
    /// How many API requests the turn made.
    public var requests: Int
    /// Where the prices came from: `config`, `picker <agent> <version>`, `built-in`, or several
    /// of these joined with `+` when the turn's models were priced from different places.
    public var priceSource: String

    public init(usd: Double, usage: TokenUsage, requests: Int, priceSource: String) {
        self.usd = usd
        self.usage = usage
        self.requests = requests
        self.priceSource = priceSource
    }

    static let cacheReadFactor = 0.1
    static let cacheWrite5mFactor = 1.25
    static let cacheWrite1hFactor = 2.0

    /// Prices `requests`; nil when there are none or a request's model has no price anywhere.
    /// - Parameters:
    ///   - tierModel: The tier's model alias (`opus`): requests on a model whose id names it use
    ///     `configPrice`.
    ///   - configPrice: The tier table's own prices, when the config gives them.
    ///   - picker: The picker's priced rows for this agent version, and the book key they are
    ///     kept under (`claude-code 2.1.332`).
    public static func measure(_ requests: [TranscriptTurn.Request], tierModel: String?, configPrice: TierPrice?,
                               picker: (rows: [PickerPrice], key: String)?) -> MeasuredCost? {
        guard !requests.isEmpty else { return nil }
        var usd = 0.0
        var usage = TokenUsage()
        var sources: [String] = []
        for request in requests {
            let model = request.model.lowercased()
            let price: ScreenMenu.Price
            let source: String
            if let configPrice, let alias = tierModel?.lowercased(), model.contains(alias) {
                price = ScreenMenu.Price(input: configPrice.inputPerMillion, output: configPrice.outputPerMillion)
                source = "config"
            } else if let picker, let row = PickerPrice.row(for: request.model, in: picker.rows) {
                price = row.price
                source = "picker \(picker.key)"
            } else if let builtIn = TierPrice.builtIn.first(where: { $0.key != Tier.localName && model.contains($0.key) })?.value {
                price = ScreenMenu.Price(input: builtIn.inputPerMillion, output: builtIn.outputPerMillion)
                source = "built-in"
            } else {
                return nil
            }
            usd += cost(request.usage, at: price)
            usage = usage + request.usage
            if !sources.contains(source) { sources.append(source) }
        }
        return MeasuredCost(usd: usd, usage: usage, requests: requests.count, priceSource: sources.joined(separator: "+"))
    }

    /// One request's cost at `price` (USD per million tokens).
    static func cost(_ usage: TokenUsage, at price: ScreenMenu.Price) -> Double {
        var input = price.input, output = price.output
        if let threshold = price.longThreshold, usage.promptTokens > threshold,
           let longInput = price.longInput, let longOutput = price.longOutput {
            input = longInput
            output = longOutput
        }
        let inputSide = Double(usage.inputTokens) + Double(usage.cacheReadTokens) * cacheReadFactor
            + Double(usage.cacheWrite5mTokens) * cacheWrite5mFactor + Double(usage.cacheWrite1hTokens) * cacheWrite1hFactor
        return (inputSide * input + Double(usage.outputTokens) * output) / 1_000_000
    }
}
