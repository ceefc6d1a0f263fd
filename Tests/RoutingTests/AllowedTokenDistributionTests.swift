import Foundation
import LlamaClient
import Testing
@testable import Routing

@Suite struct AllowedTokenDistributionTests {
    func alt(_ token: String, _ p: Double, id: Int? = nil) -> TokenProbabilities.Alternative {
        .init(id: id, token: token, logprob: log(p))
    }

    @Test func renormalisesOverAllowedTokensOnly() {
        // " " (disallowed) takes 0.5; digits 1 and 3 share the rest 0.3 : 0.2.
        let token = TokenProbabilities(token: "1", logprob: log(0.3),
                                       topLogprobs: [alt(" ", 0.5), alt("1", 0.3), alt("3", 0.2)])
        let d = AllowedTokenDistribution(token: token, labels: DigitScaleStrategy().labels, label: DigitScaleStrategy().label(for:))
        #expect(abs(d.probabilities["1"]! - 0.6) < 1e-12)
        #expect(abs(d.probabilities["3"]! - 0.4) < 1e-12)
        #expect(d.probabilities["2"] == 0)
        #expect(abs(d.probabilities.values.reduce(0, +) - 1) < 1e-12)
        #expect(abs(d.allowedMass - 0.5) < 1e-12)
        #expect(!d.fellBackToSampled)
    }

    @Test func spellingVariantsCountForOneLabel() {
        let token = TokenProbabilities(token: " Yes", logprob: log(0.4),
                                       topLogprobs: [alt(" Yes", 0.4, id: 1), alt("Yes", 0.2, id: 2), alt(" no", 0.1, id: 3), alt(" maybe", 0.3, id: 4)])
        let s = YesNoStrategy()
        let d = AllowedTokenDistribution(token: token, labels: s.labels, label: s.label(for:))
        #expect(abs(d.probabilities["yes"]! - 6.0 / 7.0) < 1e-12)
        #expect(abs(s.score(d) - 6.0 / 7.0) < 1e-12)
    }

    @Test func fallsBackToTheSampledTokenWhenNoAllowedAlternative() {
        let token = TokenProbabilities(token: "7", logprob: -20, topLogprobs: [alt("The", 0.9), alt(" A", 0.1)])
        let d = AllowedTokenDistribution(token: token, labels: DigitScaleStrategy().labels, label: DigitScaleStrategy().label(for:))
        #expect(d.fellBackToSampled)
        #expect(d.probabilities["7"] == 1)
        #expect(d.allowedMass == 0)
    }

    @Test func digitScaleMapsExpectedDifficultyToProbability() {
        let s = DigitScaleStrategy()
        // E[d] = 1·0.5 + 9·0.5 = 5 → (9 − 5) / 8 = 0.5
        let half = AllowedTokenDistribution(probabilities: ["1": 0.5, "9": 0.5], allowedMass: 1, fellBackToSampled: false)
        #expect(abs(s.score(half) - 0.5) < 1e-12)
        let easy = AllowedTokenDistribution(probabilities: ["1": 1], allowedMass: 1, fellBackToSampled: false)
        #expect(s.score(easy) == 1)
        let hard = AllowedTokenDistribution(probabilities: ["9": 1], allowedMass: 1, fellBackToSampled: false)
        #expect(s.score(hard) == 0)
    }

    @Test func labelsRejectMultiDigitAndZero() {
        let s = DigitScaleStrategy()
        #expect(s.label(for: "10") == nil)
        #expect(s.label(for: "0") == nil)
        #expect(s.label(for: " 4") == "4")
    }
}
