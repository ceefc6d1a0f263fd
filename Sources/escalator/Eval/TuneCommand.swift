import ArgumentParser
import Evaluation
import Foundation
import Routing

/// `escalator tune DATASET --scores FILE --target-...`: fits thresholds on a train split and
/// reports them on the test split.
struct TuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Fit the escalation threshold (and calibration) for a target rate, quality or budget."
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
        print(TuningReport(result: result).text(), terminator: "")
        if writeConfig {
            try await write(result.settings, scores: aligned)
        }
    }

    /// Merges the tuned values into the config file: diff, backup, validated atomic replace.
    private func write(_ tuned: ThresholdSettings, scores: [Double]) async throws {
        let environment = ProcessInfo.processInfo.environment
        let paths = Paths(environment: environment)
        let path = paths.configFile(explicit: options.config, environment: environment).path
        let form = try tuned.routingForm(scoreRange: (scores.min() ?? 0)...(scores.max() ?? 0))
        let check = form.escalations(scores: scores, tuned: tuned)
        guard check.written == check.tuned else {
            throw EvaluationError(.mismatch, "not written: as router settings the fit would escalate \(check.written) of these \(scores.count) questions where the fitted threshold escalates \(check.tuned) (the calibration map is flat around the threshold); use --calibration platt or none")
        }
        try await CLIErrors.translating {
            let plain = environment.filter { !$0.key.hasPrefix("ESCALATOR_") }
            let current = FileManager.default.fileExists(atPath: path)
                ? try Settings.load(configFile: path, environment: plain) : Settings(paths: paths)
            let text = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
            var changes = form.configChanges(tiers: current.tiers, fileText: text)
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
