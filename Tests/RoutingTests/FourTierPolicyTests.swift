import Foundation
import TestSupport
import Testing
@testable import Routing
import RoutingTestSupport

/// A config with four remote tiers (haiku, sonnet, opus, fable) routes by each tier's min_p:
/// the cheapest tier whose min_p ≤ pLocalCorrect, clamped into the bounds, fallbacks in table order.
@Suite struct FourTierPolicyTests {
    static let config = FiveTierConfig.toml

    static func settings() throws -> Settings {
        let dir = try TemporaryDirectory(prefix: "four-tiers")
        defer { dir.remove() }
        let file = dir.file("c.toml")
        try config.write(toFile: file, atomically: true, encoding: .utf8)
        return try Settings.load(configFile: file, environment: ["HOME": dir.path])
    }

    @Test func theTableIsOrderedCheapestFirst() throws {
        let s = try Self.settings()
        #expect(s.tiers.names == ["local", "haiku", "sonnet", "opus", "fable"])
        #expect(s.tiers.model(of: try s.tiers.tier(named: "fable")) == "fable")
        #expect(s.tiers.price(of: try s.tiers.tier(named: "haiku")) == TierPrice(inputPerMillion: 0.10, outputPerMillion: 0.50))
        #expect(s.tiers.price(of: try s.tiers.tier(named: "fable")) == TierPrice(inputPerMillion: 8, outputPerMillion: 40))
    }

    /// (pLocalCorrect, tier, reason)
    @Test(arguments: [
        (0.95, "local", "pLocalCorrect 0.95 ≥ local_min 0.80 → local"),
        (0.80, "local", "pLocalCorrect 0.80 ≥ local_min 0.80 → local"),
        (0.70, "haiku", "pLocalCorrect 0.70 < local_min 0.80, ≥ haiku_min 0.60 → haiku"),
        (0.60, "haiku", "pLocalCorrect 0.60 < local_min 0.80, ≥ haiku_min 0.60 → haiku"),
        (0.59, "sonnet", "pLocalCorrect 0.59 < haiku_min 0.60, ≥ sonnet_min 0.40 → sonnet"),
        (0.25, "opus", "pLocalCorrect 0.25 < sonnet_min 0.40, ≥ opus_min 0.20 → opus"),
        (0.19, "fable", "pLocalCorrect 0.19 < opus_min 0.20 → fable"),
        (0.0, "fable", "pLocalCorrect 0.00 < opus_min 0.20 → fable"),
    ])
    func minPChoosesTheCheapestTier(p: Double, tier: String, reason: String) throws {
        let route = try Self.settings().policy().decide(p: p)
        #expect(route.tier.name == tier)
        #expect(route.reason == reason)
    }

    @Test func boundsClampAndFallbacksFollowTheTable() throws {
        let s = try Self.settings()
        let policy = try s.policy()
        let t = { (name: String) in try s.tiers.tier(named: name) }
        let capped = policy.decide(p: 0.1, bounds: TierBounds(min: try t("local"), max: try t("sonnet")))
        #expect(capped.tier.name == "sonnet" && capped.reason.hasSuffix("; capped at sonnet by max tier"))
        let raised = policy.decide(p: 0.9, bounds: TierBounds(min: try t("haiku"), max: try t("fable")))
        #expect(raised.tier.name == "haiku" && raised.reason.hasSuffix("; raised to haiku by min tier"))
        #expect(policy.fallbackChain(from: try t("sonnet")).map(\.name) == ["sonnet", "opus", "fable", "haiku", "local"])
        #expect(policy.fallbackChain(from: try t("haiku"), bounds: TierBounds(min: try t("local"), max: try t("opus"))).map(\.name)
                == ["haiku", "sonnet", "opus", "local"])
        // The JSON shape of the thresholds: one <tier>_min per tier, and it reads back the same.
        let json = try JSONEncoder().encode(policy.thresholds)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Double])
        #expect(object == ["local_min": 0.8, "haiku_min": 0.6, "sonnet_min": 0.4, "opus_min": 0.2, "fable_min": 0])
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(Thresholds.self, from: json) == policy.thresholds)
        #expect(try JSONDecoder().decode(Thresholds.self, from: json).entries.map(\.tier) == s.tiers.names)
    }

    @Test func theDefaultsAreTodaysThreeTiers() throws {
        let s = try Settings.load(configFile: nil, environment: ["HOME": "/nonexistent"])
        #expect(s.tiers == TierTable.defaults)
        #expect(s.tiers.names == ["local", "sonnet", "opus"])
        #expect(s.tiers.thresholds.entries.map(\.minP) == [0.6, 0.3, 0])
        #expect(s.tiers.price(of: .sonnet) == TierPrice(inputPerMillion: 3, outputPerMillion: 15))
        #expect(s.tiers.price(of: .opus) == TierPrice(inputPerMillion: 5, outputPerMillion: 25))
        #expect(try s.bounds() == TierBounds(min: .local, max: .opus))
        #expect(try s.policy().defaultTier == .sonnet)
    }

    @Test func anUnknownTierNamesTheConfiguredOnes() throws {
        let s = try Self.settings()
        let error = try #require(throws: RoutingError.self) { try TierChoice(parsing: "gpt", in: s.tiers) }
        #expect(error.description.contains("local, haiku, sonnet, opus, fable"), "\(error)")
        let bound = try #require(throws: RoutingError.self) {
            try Settings.load(configFile: nil, environment: ["HOME": "/h"], overrides: [("routing.max_tier", "fable")])
        }
        #expect(bound.description.contains("routing.max_tier") && bound.description.contains("local, sonnet, opus"), "\(bound)")
    }
}
