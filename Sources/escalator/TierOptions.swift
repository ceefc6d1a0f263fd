import ArgumentParser
import Routing

/// `--tier`, `--min-tier`, `--max-tier`: force a tier, or bound the policy's choice.
struct TierOptions: ParsableArguments {
    @Option(help: ArgumentHelp("auto (decide from the assessment) or force a configured tier (by default local, sonnet, opus; see [tiers.NAME]).",
                               valueName: "tier"))
    var tier = "auto"
    @Option(name: .customLong("min-tier"),
            help: ArgumentHelp("Never route below this tier (default: [routing] min_tier, else the cheapest tier).", valueName: "tier"))
    var minTier: String?
    @Option(name: .customLong("max-tier"),
            help: ArgumentHelp("Never route or fall back above this tier (default: [routing] max_tier, else the dearest tier).", valueName: "tier"))
    var maxTier: String?

    /// `--tier` among the configured tiers.
    func choice(_ settings: Settings) throws -> TierChoice {
        do { return try TierChoice(parsing: tier, in: settings.tiers) } catch { throw CLIError(description: "--tier: \(error)") }
    }

    /// The bounds from the flags over the configured ones.
    func bounds(_ settings: Settings) throws -> TierBounds {
        do {
            var bounds = try settings.bounds()
            if let minTier { bounds.min = try settings.tiers.tier(named: minTier) }
            if let maxTier { bounds.max = try settings.tiers.tier(named: maxTier) }
            try bounds.validate(order: settings.tiers)
            return bounds
        } catch { throw CLIError(description: "\(error)") }
    }
}
