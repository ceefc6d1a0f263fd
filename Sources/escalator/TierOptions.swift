import ArgumentParser
import Routing

/// `--tier`, `--min-tier`, `--max-tier`: force a tier, or bound the policy's choice.
struct TierOptions: ParsableArguments {
    @Option(help: ArgumentHelp("auto (decide from the assessment) or force a tier: local, sonnet, opus.", valueName: "tier"))
    var tier = "auto"
    @Option(name: .customLong("min-tier"),
            help: ArgumentHelp("Never route below this tier (default: [routing] min_tier, local).", valueName: "tier"))
    var minTier: String?
    @Option(name: .customLong("max-tier"),
            help: ArgumentHelp("Never route or fall back above this tier (default: [routing] max_tier, opus).", valueName: "tier"))
    var maxTier: String?

    func choice() throws -> TierChoice {
        do { return try TierChoice(parsing: tier) } catch { throw CLIError(description: "--tier: \(error)") }
    }

    /// The bounds from the flags over the configured ones.
    func bounds(_ settings: Settings) throws -> TierBounds {
        var bounds = settings.bounds
        do {
            if let minTier { bounds.min = try Tier.named(minTier) }
            if let maxTier { bounds.max = try Tier.named(maxTier) }
            try bounds.validate()
        } catch { throw CLIError(description: "\(error)") }
        return bounds
    }
}
