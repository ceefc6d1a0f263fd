import Foundation
import Routing
import Testing
import TestSupport
@testable import Evaluation
import RoutingTestSupport

/// `tune` over the configured tiers: which tiers it fits and which keep their min_p, and the
/// sweep over several tiers' thresholds.
@Suite struct TierTuningTests {
    /// (dataset tiers, configured tiers, routing fitted over, tuned, kept)
    @Test(arguments: [
        (["weak", "strong"], ["local", "sonnet", "opus"], ["local", "strong"], ["local"], ["sonnet", "opus"]),
        (["local", "sonnet"], ["local", "sonnet", "opus"], ["local", "sonnet"], ["local"], ["sonnet", "opus"]),
        (["local", "sonnet", "opus"], ["local", "sonnet", "opus"], ["local", "sonnet", "opus"], ["local", "sonnet"], ["opus"]),
        (["gemma", "sonnet", "opus"], ["local", "sonnet", "opus"], ["local", "sonnet", "opus"], ["local", "sonnet"], ["opus"]),
        (["local", "haiku", "sonnet", "opus"], ["local", "haiku", "sonnet", "opus", "fable"],
         ["local", "haiku", "sonnet", "opus"], ["local", "haiku", "sonnet"], ["opus", "fable"]),
        (["local", "mixtral", "opus"], ["local", "sonnet", "opus"], ["local", "opus"], ["local"], ["sonnet", "opus"]),
    ])
    func whichTiersAreTuned(dataset: [String], configured: [String], matched: [String], tuned: [String], kept: [String]) {
        let plan = TierTuningPlan(datasetTiers: dataset, configured: configured)
        #expect(plan.matched.map(\.name) == matched)
        #expect(plan.tuned == tuned)
        #expect(plan.kept == kept)
        #expect(plan.isMultiTier == (tuned.count > 1))
        let summary = plan.summary(datasetTiers: dataset)
        #expect(summary.hasPrefix("tiers tuned: \(tuned.joined(separator: ", "))"), "\(summary)")
        for name in kept { #expect(summary.contains(name), "\(summary)") }
    }

    /// Six items, scores ascending; local is right on the two lowest, the middle tier on the
    /// four lowest, the top tier on all. Prices 0, 1, 10 dollars.
    static func threeTiers() throws -> (Dataset, [Double]) {
        let local = [1.0, 1, 0, 0, 0, 0], middle = [1.0, 1, 1, 1, 0, 0]
        let tiers = [DatasetTier(name: "local", priceUSD: 0), DatasetTier(name: "sonnet", priceUSD: 1), DatasetTier(name: "opus", priceUSD: 10)]
        let items = (0..<6).map { DatasetItem(id: "q\($0)", question: "q\($0)", outcomes: [local[$0], middle[$0], 1]) }
        return (try Dataset(tiers: tiers, items: items), [0.1, 0.2, 0.5, 0.6, 0.8, 0.9])
    }

    /// (target, thresholds, quality): full quality at the least cost sends each item to the
    /// cheapest tier that is right; at most half escalated keeps 0.5 local; $2 per question buys
    /// the middle tier for everything above 0.2 (a top-tier answer would not fit).
    @Test(arguments: [
        (TuningTarget.quality(1), [0.5, 0.8], 100.0),
        (TuningTarget.rate(0.5), [0.6, 0.8], 500.0 / 6),
        (TuningTarget.budget(usdPer1k: 2000), [0.5, Double.infinity], 400.0 / 6),
    ])
    func sweepMeetsTheTarget(target: TuningTarget, thresholds: [Double], quality: Double) throws {
        let (dataset, scores) = try Self.threeTiers()
        let sweep = TierCutSweep(tiers: [0, 1, 2])
        let point = try sweep.fit(target: target, dataset: dataset, scores: scores, items: Array(0..<6),
                                  cost: CostModel(dataset: dataset))
        #expect(point.thresholds == thresholds)
        #expect(abs(point.quality - quality) < 1e-9)
    }

    @Test func anUnreachableTargetIsRefused() throws {
        let (dataset, scores) = try Self.threeTiers()
        #expect(throws: EvaluationError.self) {
            try TierCutSweep(tiers: [0, 1, 2]).fit(target: .budget(usdPer1k: -1), dataset: dataset, scores: scores,
                                                   items: Array(0..<6), cost: CostModel(dataset: dataset))
        }
    }

    /// Tuned remote tiers are written; a kept one is lowered only to its cap.
    @Test func configChangesWriteEveryTunedTier() {
        let form = ThresholdSettings.RoutingForm(calibration: .identity, localMin: 0.5)
        let changes = form.configChanges(tiers: .defaults, fileText: "", remote: ["sonnet": 0.2], caps: ["opus": 0.2])
        let written = Dictionary(uniqueKeysWithValues: changes.compactMap { c in c.value.map { ("\(c.section).\(c.key)", $0) } })
        #expect(written["tiers.local.min_p"] == "0.5" && written["tiers.sonnet.min_p"] == "0.2")
        #expect(written["tiers.opus.min_p"] == nil)  // 0 is already at or below 0.2
        let lowered = form.configChanges(tiers: .defaults, fileText: "", caps: ["sonnet": 0.1])
        #expect(lowered.contains { $0.section == "tiers.sonnet" && $0.key == "min_p" && $0.value == "0.1" })
    }
}

/// The real binary on a three-tier dataset: both min_p written, and the output says which tier kept its value.
@Suite struct TierTuningCLITests {
    @Test(.enabled(if: RealPart.shouldRun(EvalCLITests.available)))
    func tuneWritesEveryMatchedTier() throws {
        let dir = try TemporaryDirectory(prefix: "tune-tiers")
        defer { dir.remove() }
        let (dataset, scores) = try TierTuningTests.threeTiers()
        var text = #"{"format":"escalator-dataset","version":1,"tiers":[{"name":"local","price_usd":0},{"name":"sonnet","price_usd":1},{"name":"opus","price_usd":10}]}"# + "\n"
        for item in dataset.items {
            text += #"{"id":"\#(item.id)","question":"\#(item.question)","outcomes":{"local":\#(item.outcomes[0]),"sonnet":\#(item.outcomes[1]),"opus":\#(item.outcomes[2])}}"# + "\n"
        }
        try text.write(toFile: dir.file("three.jsonl"), atomically: true, encoding: .utf8)
        try ("id,score\n" + zip(dataset.items, scores).map { "\($0.id),\($1)" }.joined(separator: "\n") + "\n")
            .write(toFile: dir.file("scores.csv"), atomically: true, encoding: .utf8)
        let config = dir.file("config.toml")
        let tune = try runBinary(EvalCLITests.binary, ["tune", dir.file("three.jsonl"), "--scores", dir.file("scores.csv"),
                                                       "--target-quality", "1", "--split", "0.5", "--calibration", "none",
                                                       "--bootstrap", "0", "--write-config", "--config", config])
        #expect(tune.status == 0, "\(tune.stderr)")
        #expect(tune.stdout.contains("tiers tuned: local, sonnet"), "\(tune.stdout)")
        #expect(tune.stdout.contains("kept their min_p: opus"), "\(tune.stdout)")
        let settings = try Settings.load(configFile: config, environment: ["HOME": dir.path])
        let minP = settings.tiers.definitions.reduce(into: [String: Double]()) { $0[$1.name] = $1.minP }
        // Written min_p = 1 - threshold, one ulp up; sonnet's below local's.
        #expect(try #require(minP["sonnet"]) < #require(minP["local"]), "\(minP)")
        #expect(tune.stdout.contains("min_p: local"), "\(tune.stdout)")
    }
}
