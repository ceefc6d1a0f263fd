/// One `[tiers.NAME]` table of the config: the agent model the tier runs on, its prices, and the
/// lowest P(local correct) at which the policy still chooses it (`min_p`).
public struct TierDefinition: Sendable, Equatable {
    public var name: String
    /// The agent's model alias (`/model ALIAS`, e.g. `fable`); nil for the local tier. A new
    /// remote tier runs on the model named like it unless the table says otherwise.
    public var model: String?
    /// USD per million input / output tokens; nil = the built-in price of `model` (see
    /// ``TierPrice/builtIn``).
    public var inputPrice: Double?
    public var outputPrice: Double?
    /// The tier is chosen for questions whose P(local correct) is at least this (and below the
    /// `min_p` of every cheaper tier); nil until the config gives it (refused at load).
    public var minP: Double?

    public init(name: String, model: String?, inputPrice: Double? = nil, outputPrice: Double? = nil, minP: Double?) {
        self.name = name
        self.model = model
        self.inputPrice = inputPrice
        self.outputPrice = outputPrice
        self.minP = minP
    }

    /// A tier the config names for the first time: on the model of the same name, no min_p yet.
    public static func new(_ name: String) -> TierDefinition {
        TierDefinition(name: name, model: name == Tier.localName ? nil : name, minP: nil)
    }

    public var isLocal: Bool { name == Tier.localName }

    /// Definitions are equal when they route and cost the same: a price written out equals the
    /// built-in one it repeats.
    public static func == (a: TierDefinition, b: TierDefinition) -> Bool {
        a.name == b.name && a.model == b.model && a.price == b.price && a.minP == b.minP
    }

    /// The price: the table's, else the built-in one of the model (or of the tier's name); nil
    /// when there is none.
    public var price: TierPrice? {
        let builtIn = TierPrice.builtIn[model ?? name] ?? TierPrice.builtIn[name]
        guard let input = inputPrice ?? builtIn?.inputPerMillion, let output = outputPrice ?? builtIn?.outputPerMillion else {
            return nil
        }
        return TierPrice(inputPerMillion: input, outputPerMillion: output)
    }
}
