import ArgumentParser
import Evaluation
import Foundation
import Routing

/// `escalator tune DATASET --scores FILE --target-...`: fits thresholds on a train split and
/// reports them on the test split.
struct TuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Fit the escalation threshold (and calibration) for a target rate, quality or budget.",
        discussion: """
        local's min_p is fitted against the dataset's top tier. When the dataset has outcomes for two \
        or more configured remote tiers (tiers named as in the config, e.g. local, sonnet, opus), \
        the thresholds of all of them are swept together and every matched tier's min_p but the \
        dearest one's is fitted; the output says which tiers were tuned and which kept their values.
        """
    )

    @Argument(help: "The native JSONL dataset.")
    var dataset: String

    @Option(help: "The `id,score` CSV to tune on.")
    var scores: String

    @Option(help: "Escalate at most this fraction of questions (0-1).")
    var targetRate: Double?

    @Option(help: "Recover at least this fraction of the local-to-top quality gap (PGR, e.g. 0.8).")
    var targetQuality: Double?

    @Option(help: "Spend at most this many US dollars per 1,000 questions.")
    var budget: Double?

    @Option(help: "Fraction of questions in the train split.")
    var split: Double = 0.5

    @Option(help: "Seed of the split and bootstrap.")
    var seed: UInt64 = 0

    @Option(help: "Calibration for probability scores: platt, isotonic or none.")
    var calibration: String = "platt"

    @Option(help: "Bootstrap resamples for the test-split intervals.")
    var bootstrap: Int = 1000

    @Flag(help: "Charge escalated questions for the local tier too.")
    var cascade = false

    @Flag(help: "Write the fitted min_p of the tiers ([tiers.local] min_p, and any remote tier's above it lowered to it) and [calibration] keys into the config file (--config, else $ESCALATOR_CONFIG, else the default), showing a diff and keeping <file>.bak. Needs scores of the form 1 − P(local correct).")
    var writeConfig = false

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        let given = [targetRate != nil, targetQuality != nil, budget != nil].filter { $0 }.count
        guard given == 1 else {
            throw EvaluationError(.option, "give exactly one of --target-rate, --target-quality, --budget")
        }
    }

    func run() async throws {
        guard let method = ThresholdTuner.Calibration(rawValue: calibration) else {
            throw EvaluationError(.option, "unknown calibration \(calibration); use platt, isotonic or none")
        }
        let target: TuningTarget = targetRate.map { .rate($0) } ?? targetQuality.map { .quality($0) } ?? .budget(usdPer1k: budget!)
        let data = try Dataset.load(path: dataset)
        let table = try ScoreTable.load(path: scores)
        let aligned = try table.aligned(with: data, scoresName: scores)
        let tuner = ThresholdTuner(trainFraction: split, seed: seed, calibration: method,
                                   bootstrap: Bootstrap(resamples: bootstrap, seed: seed))
        let result = try tuner.tune(dataset: data, scores: aligned, target: target,
                                    cost: CostModel(dataset: data, cascade: cascade))
        let (current, path, paths) = try await configured()
        let plan = TierTuningPlan(datasetTiers: data.tiers.map(\.name), configured: current.tiers.names)
        var tuned = result.settings
        var remote: [String: Double] = [:]
        var caps: [String: Double] = [:]
        let range = (aligned.min() ?? 0)...(aligned.max() ?? 0)
        if plan.isMultiTier {
            print("local against \(data.tiers.last!.name) alone (for comparison; the tiers' fit below is what is written):")
        }
        print(TuningReport(result: result).text(), terminator: "")
        if plan.isMultiTier {
            let sweep = TierCutSweep(tiers: plan.matched.map(\.datasetTier))
            let (train, test) = try tuner.split(count: data.items.count)
            let cost = CostModel(dataset: data, cascade: cascade)
            let fit = try sweep.fit(target: target, dataset: data, scores: aligned, items: train, cost: cost)
            let held = sweep.evaluate(fit.thresholds, dataset: data, scores: aligned, items: test, cost: cost)
            print("tiers \(plan.matched.map(\.name).joined(separator: " < ")): " + zip(plan.matched.dropFirst(), fit.thresholds)
                .map { "\($0.name) when score >= \($1)" }.joined(separator: ", "))
            for (name, point) in [("train", fit), ("test", held)] {
                let shares = zip(plan.matched, point.shares).map { "\($0.name) \(String(format: "%.4f", $1))" }.joined(separator: ", ")
                print("\(name): shares \(shares); quality \(String(format: "%.4f", point.quality)), PGR \(String(format: "%.4f", point.pgr))"
                      + (point.costPer1k.map { ", $/1k \(String(format: "%.4f", $0))" } ?? ""))
            }
            tuned = ThresholdSettings(escalateAt: fit.thresholds[0], calibration: result.settings.calibration, strategy: result.settings.strategy)
            if let values = try? zip(plan.tuned.dropFirst(), fit.thresholds.dropFirst()).map({ name, t in
                (name, try ThresholdSettings(escalateAt: t, calibration: tuned.calibration).routingForm(scoreRange: range).localMin)
            }) {
                remote = Dictionary(uniqueKeysWithValues: values)
                // The dearest matched tier (kept) may not sit above the tier below it.
                caps[plan.matched.last!.name] = values.last?.1
                let local = try? tuned.routingForm(scoreRange: range).localMin
                print("min_p: " + ([(Tier.localName, local ?? .nan)] + values).map { "\($0) \($1)" }.joined(separator: ", "))
            }
        }
        print(plan.summary(datasetTiers: data.tiers.map(\.name)), terminator: "")
        if writeConfig {
            try await write(tuned, remote: remote, caps: caps, scores: aligned, current: current, path: path, paths: paths)
        }
    }

    /// The config file's settings (without the environment's overrides), its path and the paths.
    private func configured() async throws -> (Settings, String, Paths) {
        let environment = ProcessInfo.processInfo.environment
        let paths = Paths(environment: environment)
        let path = paths.configFile(explicit: options.config, environment: environment).path
        let plain = environment.filter { !$0.key.hasPrefix("ESCALATOR_") }
        var current = Settings(paths: paths)
        try await CLIErrors.translating {
            if FileManager.default.fileExists(atPath: path) { current = try Settings.load(configFile: path, environment: plain) }
        }
        return (current, path, paths)
    }

    /// Merges the tuned values into the config file: diff, backup, validated atomic replace.
    private func write(_ tuned: ThresholdSettings, remote: [String: Double], caps: [String: Double], scores: [Double],
                       current: Settings, path: String, paths: Paths) async throws {
        let environment = ProcessInfo.processInfo.environment
        let form = try tuned.routingForm(scoreRange: (scores.min() ?? 0)...(scores.max() ?? 0))
        let check = form.escalations(scores: scores, tuned: tuned)
        guard check.written == check.tuned else {
            throw EvaluationError(.mismatch, "not written: as router settings the fit would escalate \(check.written) of these \(scores.count) questions where the fitted threshold escalates \(check.tuned) (the calibration map is flat around the threshold); use --calibration platt or none")
        }
        try await CLIErrors.translating {
            let text = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
            var changes = form.configChanges(tiers: current.tiers, fileText: text, remote: remote, caps: caps)
            if let strategy = options.strategy {
                changes.insert(.init("assessment.strategy", "\"\(strategy)\""), at: 0)
            }
            let outcome = try ConfigFileEditor.update(path: path, changes: changes,
                                                      template: { Settings(paths: paths).annotatedConfig() },
                                                      environment: environment)
            print("")
            if outcome.diff.isEmpty {
                print("\(path) already holds these values; nothing changed")
                return
            }
            print(outcome.diff, terminator: "")

            if outcome.created {
                print("created \(path) from the annotated defaults with the tuned values")
            } else {
                print("wrote \(path) (previous version kept as \(outcome.backup ?? path + ".bak"))")
            }
        }
    }
}
