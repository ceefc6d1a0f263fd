import Testing
@testable import Routing
import RoutingTestSupport

@Suite struct PolicyTests {
    let policy = TierPolicy(table: .defaults, defaultTier: .sonnet)

    @Test(arguments: [
        (0.95, "local"), (0.6, "local"), (0.5999, "sonnet"), (0.3, "sonnet"), (0.2999, "opus"), (0.0, "opus"),
    ])
    func thresholdsChooseTheTier(p: Double, tier: String) {
        #expect(policy.decide(p: p).tier.name == tier)
    }

    @Test func reasonStatesTheNumbers() {
        let route = policy.decide(p: 0.41)
        #expect(route.reason == "pLocalCorrect 0.41 < local_min 0.60, ≥ sonnet_min 0.30 → sonnet")
        #expect(route.score == 0.41)
        #expect(route.thresholds == policy.thresholds)
    }

    @Test func forcedTierWinsOverTheScore() {
        #expect(policy.decide(p: 0.99, choice: .forced(.opus)).tier == .opus)
        #expect(policy.decide(p: 0.01, choice: .forced(.local)).tier == .local)
    }

    @Test func unassessedQuestionsGoToTheDefaultTier() {
        let route = policy.decide(p: nil, unassessedBecause: "llama-server unavailable")
        #expect(route.tier == .sonnet)
        #expect(route.reason == "not assessed (llama-server unavailable) → default tier sonnet")
        let opusDefault = TierPolicy(table: .defaults, defaultTier: .opus)
        #expect(opusDefault.decide(p: nil).tier == .opus)
    }

    /// (p, min, max, expected tier, phrase the reason must contain)
    @Test(arguments: [
        (0.95, "local", "opus", "local", "→ local"),
        (0.95, "sonnet", "opus", "sonnet", "raised to sonnet by min tier"),
        (0.95, "opus", "opus", "opus", "raised to opus by min tier"),
        (0.10, "local", "sonnet", "sonnet", "capped at sonnet by max tier"),
        (0.10, "local", "local", "local", "capped at local by max tier"),
        (0.45, "local", "local", "local", "capped at local by max tier"),
        (0.45, "opus", "opus", "opus", "raised to opus by min tier"),
        (0.45, "local", "opus", "sonnet", "≥ sonnet_min 0.30 → sonnet"),
    ])
    func boundsClampTheChoice(p: Double, min: String, max: String, tier: String, phrase: String) throws {
        let bounds = TierBounds(min: try TierTable.defaults.tier(named: min), max: try TierTable.defaults.tier(named: max))
        let route = policy.decide(p: p, bounds: bounds)
        #expect(route.tier.name == tier)
        #expect(route.reason.contains(phrase), "\(route.reason)")
    }

    @Test func boundsApplyToForcedTiersToo() {
        let route = policy.decide(p: nil, choice: .forced(.opus), bounds: TierBounds(min: .local, max: .sonnet))
        #expect(route.tier == .sonnet)
        #expect(route.reason.hasPrefix("--tier opus (forced)"))
    }

    /// (routed tier, min, max, chain)
    @Test(arguments: [
        ("local", "local", "opus", ["local", "sonnet", "opus"]),
        ("local", "local", "local", ["local"]),
        ("sonnet", "local", "opus", ["sonnet", "opus", "local"]),
        ("sonnet", "local", "sonnet", ["sonnet", "local"]),
        ("opus", "local", "opus", ["opus", "sonnet", "local"]),
        ("opus", "opus", "opus", ["opus", "local"]),
        ("sonnet", "sonnet", "opus", ["sonnet", "opus", "local"]),
    ])
    func fallbackChains(tier: String, min: String, max: String, chain: [String]) throws {
        let bounds = TierBounds(min: try TierTable.defaults.tier(named: min), max: try TierTable.defaults.tier(named: max))
        #expect(policy.fallbackChain(from: try TierTable.defaults.tier(named: tier), bounds: bounds).map(\.name) == chain)
    }

    @Test func invertedBoundsAreRefused() {
        #expect(throws: RoutingError.self) { try TierBounds(min: .opus, max: .sonnet).validate(order: .defaults) }
    }

    @Test func pricesGiveCosts() {
        let price = TierPrice(inputPerMillion: 3, outputPerMillion: 15)
        // 1,000 input tokens at $3/M plus 2,000 output tokens at $15/M.
        #expect(abs(price.cost(inputTokens: 1000, outputTokens: 2000) - (0.003 + 0.030)) < 1e-12)
        let prices = TierTable.defaults
        #expect(prices.price(of: .local).cost(inputTokens: 10_000, outputTokens: 10_000) == 0)
        #expect(prices.price(of: .opus).outputPerMillion > prices.price(of: .sonnet).outputPerMillion)
        #expect(CostEstimate.roughTokens("") == 0 && CostEstimate.roughTokens("abcdefgh") == 2)
    }

    @Test func tierChoiceParsing() throws {
        #expect(try TierChoice(parsing: "auto", in: .defaults) == .auto)
        #expect(try TierChoice(parsing: "sonnet", in: .defaults) == .forced(.sonnet))
        #expect(throws: RoutingError.self) { try TierChoice(parsing: "gpt5", in: .defaults) }
    }

    @Test func thresholdsMustBeOrderedProbabilities() {
        func table(local: Double, sonnet: Double) -> TierTable {
            var table = TierTable.defaults
            table.update("local") { $0.minP = local }
            table.update("sonnet") { $0.minP = sonnet }
            return table
        }
        #expect(throws: RoutingError.self) { try table(local: 0.2, sonnet: 0.5).validate() }
        #expect(throws: RoutingError.self) { try table(local: 1.5, sonnet: 0.5).validate() }
        #expect(throws: Never.self) { try table(local: 0.5, sonnet: 0.5).validate() }
    }
}
