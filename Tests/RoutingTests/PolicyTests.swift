import Testing
@testable import Routing

@Suite struct PolicyTests {
    let policy = Policy(thresholds: Thresholds(localMin: 0.6, sonnetMin: 0.3))

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

    @Test func unassessedQuestionsStayLocal() {
        #expect(policy.decide(p: nil).tier == .local)
    }

    @Test func tierChoiceParsing() throws {
        #expect(try TierChoice(parsing: "auto") == .auto)
        #expect(try TierChoice(parsing: "sonnet") == .forced(.sonnet))
        #expect(throws: RoutingError.self) { try TierChoice(parsing: "gpt5") }
    }

    @Test func thresholdsMustBeOrderedProbabilities() {
        #expect(throws: RoutingError.self) { try Thresholds(localMin: 0.2, sonnetMin: 0.5).validate() }
        #expect(throws: RoutingError.self) { try Thresholds(localMin: 1.5, sonnetMin: 0.5).validate() }
    }
}
