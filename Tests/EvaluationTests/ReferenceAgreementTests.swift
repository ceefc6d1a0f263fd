import Foundation
import Testing
import TestSupport
@testable import Evaluation

/// Runs `shared/tools/routellm_reference_metrics.py` (a re-implementation checked against
/// RouteLLM's own evaluator) on the same per-prompt CSV and requires: identical curve points,
/// APGR within 1e-9, CPT equal to 2 decimals, and the same refusal of tied decile edges.
/// Skipped when python3 or shared/ is missing, except in CI, where it must run.
@Suite struct ReferenceAgreementTests {
    static let python = RealPart.executable("python3")
    static let available = python != nil && Fixtures.referenceScript != nil && Fixtures.routellmEvals != nil

    static let gsm8k: Dataset? = Fixtures.routellmEvals.flatMap {
        try? RouteLLMImporter.gsm8k(file: "\($0)/gsm8k/gsm8k_responses.csv")
    }
    static let mmlu: Dataset? = Fixtures.routellmEvals.flatMap {
        try? RouteLLMImporter.mmlu(folder: "\($0)/mmlu/responses", contaminated: nil)
    }
    /// Graded (1-10 judge score) outcomes: exercises the raw-mean quality scale.
    static let mtBench: Dataset? = Fixtures.routellmEvals.flatMap {
        try? RouteLLMImporter.mtBench(folder: "\($0)/mt_bench", contaminated: nil)
    }

    enum Scores: String, Sendable, CaseIterable {
        /// Uniform noise plus a weak signal from the realised gain.
        case continuous
        /// A 1-5 rating, as a verbal self-assessment gives.
        case discrete
        /// Items the top tier gets wrong but the local one right crowd into [0.45, 0.55], so a
        /// decile bin loses quality and the curve dips.
        case dipping
        /// Continuous scores rounded to 0.01 (about 100 distinct values; keeps the exact grid
        /// affordable for the O(n x thresholds) reference on MMLU).
        case rounded
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var dataset: String
        var scores: Scores
        var grid: ThresholdGrid
        var testDescription: String { "\(dataset) \(scores.rawValue) \(grid.rawValue)" }
    }

    static let cases: [Case] = [
        Case(dataset: "gsm8k", scores: .continuous, grid: .exact),
        Case(dataset: "gsm8k", scores: .continuous, grid: .deciles),
        Case(dataset: "gsm8k", scores: .discrete, grid: .exact),
        Case(dataset: "gsm8k", scores: .discrete, grid: .deciles),
        Case(dataset: "gsm8k", scores: .dipping, grid: .exact),
        Case(dataset: "gsm8k", scores: .dipping, grid: .deciles),
        Case(dataset: "mmlu", scores: .continuous, grid: .deciles),
        Case(dataset: "mmlu", scores: .rounded, grid: .exact),
        Case(dataset: "mmlu", scores: .discrete, grid: .exact),
        Case(dataset: "mmlu", scores: .discrete, grid: .deciles),
        Case(dataset: "mmlu", scores: .dipping, grid: .deciles),
        Case(dataset: "mtbench", scores: .continuous, grid: .exact),
        Case(dataset: "mtbench", scores: .continuous, grid: .deciles),
        Case(dataset: "mtbench", scores: .discrete, grid: .exact),
    ]

    static func makeScores(_ kind: Scores, for dataset: Dataset) -> [Double] {
        var rng = SplitMix64(seed: 42)
        return dataset.items.map { item in
            let gain = item.outcomes[1] - item.outcomes[0]
            let u = rng.nextUnit()
            switch kind {
            case .continuous: return u * 0.8 + (gain > 0 ? 0.2 : 0)
            case .rounded: return ((u * 0.8 + (gain > 0 ? 0.2 : 0)) * 100).rounded() / 100
            case .discrete: return Double(min(5, Int(u * 4) + 1 + (gain > 0 && u > 0.5 ? 1 : 0)))
            case .dipping: return gain < 0 ? 0.45 + 0.1 * u : u
            }
        }
    }

    @Test(.enabled(if: RealPart.shouldRun(available)), arguments: cases)
    func agreesWithReference(_ testCase: Case) throws {
        let python = try #require(Self.python, "python3 is needed to run the reference script")
        let script = try #require(Fixtures.referenceScript, "shared/tools/routellm_reference_metrics.py is missing")
        let dataset = try #require(["gsm8k": Self.gsm8k, "mmlu": Self.mmlu, "mtbench": Self.mtBench][testCase.dataset] ?? nil,
                                   "shared RouteLLM data is missing")
        let scores = Self.makeScores(testCase.scores, for: dataset)
        let outcomes = try ScoredOutcomes(scores: scores, local: dataset.items.map { $0.outcomes[0] },
                                          top: dataset.items.map { $0.outcomes[1] })
        let dir = try TemporaryDirectory(prefix: "eval-reference")
        defer { dir.remove() }
        let table = ScoreTable(zip(dataset.items, scores).map { ($0.id, $1) })
        let csv = try ReferenceCSV.text(dataset: dataset, scores: table, scoresName: "generated")
        try csv.write(toFile: dir.file("scores.csv"), atomically: true, encoding: .utf8)
        let grid = testCase.grid == .exact ? "exact" : "routellm"
        let result = try runBinary(python, [script, dir.file("scores.csv"), "--grid", grid, "--json"])

        let ours = Result { try DeferralCurve(outcomes, grid: testCase.grid) }
        if result.status != 0 {
            // The reference refuses only tied decile edges; so must we.
            #expect(result.stderr.contains("not unique"), "reference failed: \(result.stderr)")
            #expect(throws: EvaluationError.self) { try ours.get() }
            #expect(testCase.grid == .deciles && testCase.scores == .discrete)
            return
        }
        let curve = try ours.get()
        // JSONDecoder reads numbers exactly; JSONSerialization on Linux may be off by an ulp.
        let reference = try JSONDecoder().decode(ReferenceOutput.self, from: Data(result.stdout.utf8))
        #expect(reference.curve.count == curve.points.count)
        for (ref, mine) in zip(reference.curve, curve.points) {
            #expect(ref.n_strong == mine.escalated)
            #expect(ref.strong_pct == mine.sharePercent)
            #expect(ref.quality == mine.quality)
            #expect(ref.threshold == mine.threshold)
            #expect(ref.rule == mine.rule)
        }
        #expect(reference.weak_quality == curve.localQuality)
        #expect(reference.strong_quality == curve.topQuality)
        #expect(abs(reference.router.APGR - curve.apgr) < 1e-9)
        for level in [0.2, 0.5, 0.8] {
            let ref = try #require(reference.router.CPT["\(Int(level * 100))%"])
            #expect(String(format: "%.2f", ref) == String(format: "%.2f", curve.cpt(level)), "CPT(\(level))")
        }
        #expect(reference.router.curve_non_decreasing == curve.isNonDecreasing)
        if testCase.scores == .dipping {
            #expect(!curve.isNonDecreasing, "the dipping case must actually dip")
        }
        // The oracle too (exact grid on realised gain).
        let oracle = try DeferralCurve(outcomes.rescored(outcomes.gains), grid: .exact)
        #expect(abs(reference.oracle.APGR - oracle.apgr) < 1e-9)
    }

    /// The parts of the reference script's `--json` output that are compared.
    struct ReferenceOutput: Decodable {
        struct Point: Decodable {
            var threshold: Double
            var rule: String
            var n_strong: Int
            var strong_pct: Double
            var quality: Double
        }
        struct Router: Decodable {
            var APGR: Double
            var CPT: [String: Double]
            var curve_non_decreasing: Bool
        }
        struct Oracle: Decodable { var APGR: Double }
        var weak_quality: Double
        var strong_quality: Double
        var router: Router
        var curve: [Point]
        var oracle: Oracle
    }
}
