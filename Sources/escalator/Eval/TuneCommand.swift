import ArgumentParser
import Evaluation

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

    @Flag(help: "Print the [thresholds]/[calibration] config fragment for these values.")
    var writeConfig = false

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
            // Merging into the config file (diff + backup) belongs to the config layer; print the fragment.
            print("\nconfig fragment:\n" + result.settings.tomlFragment(), terminator: "")
        }
    }
}
