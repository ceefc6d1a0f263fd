import Testing
@testable import Evaluation

@Suite struct CostTests {
    /// Router points (0, 50), (2, 70), (10, 80) form a concave hull; area = 2*(50+70)/2 +
    /// 8*(70+80)/2 = 120 + 600 = 720 over a range of 10: AIQ 72. The zero router (tiers
    /// (0, 50) and (10, 80)) averages 65.
    @Test func aiqByHand() {
        let range = 0.0...10.0
        let router = [DollarPoint(costUSD: 0, quality: 50), DollarPoint(costUSD: 2, quality: 70), DollarPoint(costUSD: 10, quality: 80)]
        #expect(abs(DollarCurve.aiq(router, range: range) - 72) < 1e-12)
        let tiers = [DollarPoint(costUSD: 0, quality: 50), DollarPoint(costUSD: 10, quality: 80)]
        #expect(abs(DollarCurve.aiq(tiers, range: range) - 65) < 1e-12)
    }

    /// (5, 60) lies under the hull from (0, 50) to (6, 90); after the best point (6, 90) the
    /// hull stays flat: area = 6*(50+90)/2 + 4*90 = 420 + 360 = 780; AIQ 78.
    @Test func hullSkipsDominatedPointsAndStaysFlat() {
        let points = [DollarPoint(costUSD: 0, quality: 50), DollarPoint(costUSD: 5, quality: 60),
                      DollarPoint(costUSD: 6, quality: 90), DollarPoint(costUSD: 10, quality: 80)]
        #expect(DollarCurve.nonDecreasingHull(points).map(\.costUSD) == [0, 6])
        #expect(abs(DollarCurve.aiq(points, range: 0...10) - 78) < 1e-12)
    }

    /// Four items, local price $0, remote $1. Hand curve (Fixtures.handOutcomes) escalating one
    /// item costs 1/4 $ per query at quality 75; local 50 at $0, top 75 at $1.
    /// IBC = (75 - 50) / 0.25 = 100; base = (75 - 50) / 1 = 25; ΔIBC = (100 - 25) / 25 = 300 %.
    @Test func deltaIBCByHand() throws {
        let dataset = try Fixtures.dataset(local: [0, 1, 0, 1], top: [1, 1, 1, 0], prices: [0, 1])
        let outcomes = try Fixtures.handOutcomes()
        let curve = try DeferralCurve(outcomes, grid: .exact)
        let cost = try #require(CostModel(dataset: dataset))
        let dollars = DollarCurve(outcomes: outcomes, curve: curve, dataset: dataset, cost: cost)
        #expect(dollars.points.map(\.costUSD) == [0, 0.25, 0.75, 1])
        #expect(dollars.deltaIBC(dollars.points[1]).map { abs($0 - 300) < 1e-9 } == true)
        // Cascade accounting charges the local tier too: with a local price of 0.5 the top tier
        // costs 1.5 per query.
        let cascade = CostModel(costs: Array(repeating: [0.5, 1], count: 4), cascade: true)
        #expect(cascade.meanCost(tier: 1) == 1.5)
    }

    /// Two items, scores 0.2 and 0.8; outcomes item 0 = [1, 1, 1], item 1 = [0, 0, 1]; prices
    /// 0, 1, 10. Of the 6 threshold pairs: all local (cost 0, quality 50), item 1 to the middle
    /// (0.5, 50), both middle (1, 50), item 1 to the top (5, 100), item 0 middle + item 1 top
    /// (5.5, 100), both top (10, 100). Frontier: (0, 50) and (5, 100).
    @Test func threeTierParetoByHand() throws {
        let dataset = try Dataset(tiers: [DatasetTier(name: "l", priceUSD: 0), DatasetTier(name: "m", priceUSD: 1), DatasetTier(name: "t", priceUSD: 10)],
                                  items: [DatasetItem(id: "a", question: "a", outcomes: [1, 1, 1]),
                                          DatasetItem(id: "b", question: "b", outcomes: [0, 0, 1])])
        let sweep = try ThreeTierSweep(dataset: dataset, scores: [0.2, 0.8], cost: CostModel(dataset: dataset))
        #expect(sweep.candidateCount == 6)
        #expect(sweep.frontier.map(\.cost) == [0, 5])
        #expect(sweep.frontier.map(\.quality) == [50, 100])
        #expect(sweep.frontier[1].lower == 0.8)
        #expect(sweep.frontier[1].upper == 0.8)
        #expect(sweep.frontier[1].sharePercent == [50, 0, 50])
        #expect(sweep.frontier[0].lower == .infinity)
    }
}
