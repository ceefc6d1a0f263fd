import Testing
@testable import Evaluation

/// Hand-worked case (Fixtures.handOutcomes): scores [0.9, 0.5, 0.5, 0.1], local [0,1,0,1],
/// top [1,1,1,0]. Local quality 2/4 = 50 %, top 3/4 = 75 %.
/// Exact grid: >=0.1 escalates all (75 %, share 100); >=0.5 escalates 3 (items 0-2 top, item 3
/// local: 4/4 = 100 %, share 75); >=0.9 escalates item 0 (1 + 1 + 0 + 1 = 75 %, share 25);
/// >0.9 escalates none (50 %, share 0).
/// AUC = 0.25*(50+75)/2 + 0.5*(75+100)/2 + 0.25*(100+75)/2 = 15.625 + 43.75 + 21.875 = 81.25.
/// APGR = (81.25 - 50) / (75 - 50) = 1.25.
@Suite struct DeferralCurveTests {
    @Test func exactGridPointsByHand() throws {
        let curve = try DeferralCurve(Fixtures.handOutcomes(), grid: .exact)
        #expect(curve.points.map(\.sharePercent) == [0, 25, 75, 100])
        #expect(curve.points.map(\.quality) == [50, 75, 100, 75])
        #expect(curve.points.map(\.escalated) == [0, 1, 3, 4])
        #expect(curve.points.map(\.threshold) == [0.9, 0.9, 0.5, 0.1])
        #expect(curve.points.map(\.strict) == [true, false, false, false])
        #expect(curve.localQuality == 50)
        #expect(curve.topQuality == 75)
        #expect(!curve.isNonDecreasing)
    }

    @Test func apgrAndAUCByHand() throws {
        let curve = try DeferralCurve(Fixtures.handOutcomes(), grid: .exact)
        #expect(abs(curve.auc - 81.25) < 1e-12)
        #expect(abs(curve.apgr - 1.25) < 1e-12)
        #expect(curve.pgr(100) == 2)
    }

    /// CPT targets: 20 % -> 55, 50 % -> 62.5, 80 % -> 70, all on the first segment
    /// (quality 50 -> 75 over share 0 -> 25), so CPT = (target - 50) / 25 * 25.
    @Test func cptByHand() throws {
        let curve = try DeferralCurve(Fixtures.handOutcomes(), grid: .exact)
        #expect(abs(curve.cpt(0.2) - 5) < 1e-12)
        #expect(abs(curve.cpt(0.5) - 12.5) < 1e-12)
        #expect(abs(curve.cpt(0.8) - 20) < 1e-12)
        #expect(curve.cptFirstCrossing(0.5).map { abs($0 - 12.5) < 1e-12 } == true)
        // Target 50 + 3 * 25 = 125 is never reached; numpy clamps to the last share.
        #expect(curve.cptFirstCrossing(3) == nil)
        #expect(curve.cpt(3) == 100)
    }

    /// numpy.interp on a non-monotone xp: [50, 75, 100, 75] with key 80. numpy first compares
    /// the key with the last element (80 > 75) and clamps to the last share, 100, although the
    /// curve first reaches 80 at 25 + (80 - 75) * 50 / 25 = 35 (the paper's definition).
    @Test func numpyInterpOnDippingCurve() throws {
        #expect(NumpyInterp.interp(80, [50, 75, 100, 75], [0, 25, 75, 100]) == 100)
        let curve = try DeferralCurve(Fixtures.handOutcomes(), grid: .exact)
        #expect(curve.cpt(1.2) == 100)
        #expect(curve.cptFirstCrossing(1.2).map { abs($0 - 35) < 1e-12 } == true)
        // Longer arrays go through numpy's guessed binary search; key below all -> clamp left.
        #expect(NumpyInterp.interp(1, [2, 3, 4, 5, 6, 7], [10, 20, 30, 40, 50, 60]) == 10)
        #expect(NumpyInterp.interp(4.5, [2, 3, 4, 5, 6, 7], [10, 20, 30, 40, 50, 60]) == 35)
    }

    @Test func tiedItemsMoveTogether() throws {
        // Three items tied at 0.5: the exact grid has no point between 0 and 3 escalations.
        let outcomes = try ScoredOutcomes(scores: [0.5, 0.5, 0.5], local: [0, 0, 0], top: [1, 1, 1])
        let curve = try DeferralCurve(outcomes, grid: .exact)
        #expect(curve.points.map(\.escalated) == [0, 3])
    }

    @Test func decileGridRefusesTiedEdges() throws {
        let outcomes = try ScoredOutcomes(scores: [1, 1, 1, 1, 1, 1, 2, 3, 4, 5], local: Array(repeating: 0, count: 10),
                                          top: Array(repeating: 1, count: 10))
        #expect {
            _ = try DeferralCurve(outcomes, grid: .deciles)
        } throws: { error in
            guard let error = error as? EvaluationError else { return false }
            return error.kind == .undefined && error.description.contains("--grid exact")
        }
    }

    /// 11 distinct scores 0, 10, ..., 100: the decile edges fall on 0, 10, ..., 100 (up to
    /// rounding), so the curve has 11 points from 100 % down to 0 %, the last by `>`.
    @Test func decileGridOnDistinctScores() throws {
        let scores = (0...10).map { Double($0) * 10 }
        let edges = DecileEdges.edges(of: scores)
        for (k, edge) in edges.enumerated() { #expect(abs(edge - Double(k) * 10) < 1e-9) }
        let outcomes = try ScoredOutcomes(scores: scores, local: Array(repeating: 0, count: 11), top: Array(repeating: 1, count: 11))
        let curve = try DeferralCurve(outcomes, grid: .deciles)
        #expect(curve.points.count == 11)
        #expect(curve.points.first?.sharePercent == 0)
        #expect(curve.points.first?.strict == true)
        #expect(curve.points.last?.sharePercent == 100)
    }

    @Test func bootstrapIsDeterministicPerSeed() throws {
        let outcomes = try ScoredOutcomes(scores: (0..<40).map { Double($0 % 7) }, local: (0..<40).map { Double($0 % 2) },
                                          top: (0..<40).map { $0 % 3 == 0 ? 0 : 1 })
        let a = try Bootstrap(resamples: 50, seed: 1).curveIntervals(outcomes) { [$0.apgr] }
        let b = try Bootstrap(resamples: 50, seed: 1).curveIntervals(outcomes) { [$0.apgr] }
        let c = try Bootstrap(resamples: 50, seed: 2).curveIntervals(outcomes) { [$0.apgr] }
        #expect(a == b)
        #expect(a != c)
        #expect(a[0].lower <= a[0].upper)
    }

    /// Unit weights must give exactly the unweighted curve; weight 2 on one item equals
    /// duplicating it.
    @Test func weightedCurveEqualsDuplicatedItems() throws {
        let base = try ScoredOutcomes(scores: [0.3, 0.6, 0.9], local: [1, 0, 0], top: [0, 1, 1])
        let weighted = try DeferralCurve(base, grid: .exact, weights: [1, 2, 1])
        let duplicated = try DeferralCurve(ScoredOutcomes(scores: [0.3, 0.6, 0.6, 0.9], local: [1, 0, 0, 0], top: [0, 1, 1, 1]), grid: .exact)
        #expect(weighted == duplicated)
    }
}

/// The report's single-pass bootstrap kernel must give the same intervals as rebuilding the
/// full curve on every resample (same draws; equal up to rounding).
@Suite struct BootstrapKernelTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func kernelMatchesCurveRecomputation(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let n = 300
        // Ties (scores on a 0.05 grid) and continuous parts, binary outcomes.
        let scores = (0..<n).map { i in i % 3 == 0 ? (rng.nextUnit() * 20).rounded() / 20 : rng.nextUnit() }
        // Seed 3 uses graded outcomes (quarters, like averaged judge scores): the resampler's
        // floating-point path; the others are 0/1: its integer path.
        let graded = seed == 3
        let local = (0..<n).map { _ in graded ? (rng.nextUnit() * 40).rounded() / 4 : (rng.nextUnit() < 0.6 ? 1.0 : 0.0) }
        let top = (0..<n).map { _ in graded ? (rng.nextUnit() * 40).rounded() / 4 + 0.5 : (rng.nextUnit() < 0.8 ? 1.0 : 0.0) }
        let outcomes = try ScoredOutcomes(scores: scores, local: local, top: top)
        #expect(outcomes.qualityScale == (graded ? 1 : 100))
        let plan = Bootstrap(resamples: 200, seed: seed)
        let levels = [0.2, 0.5, 0.8]
        let slow = try plan.curveIntervals(outcomes) { c in [c.apgr] + levels.map { c.cpt($0) } }
        let fast = try plan.apgrAndCPTIntervals(outcomes, levels: levels)
        for (a, b) in zip(slow, [fast.apgr] + fast.cpt) {
            #expect(abs(a.value - b.value) < 1e-12)
            #expect(abs(a.lower - b.lower) < 1e-9)
            #expect(abs(a.upper - b.upper) < 1e-9)
        }
    }
}
