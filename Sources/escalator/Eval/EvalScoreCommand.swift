import ArgumentParser
import Evaluation

/// `escalator eval score DATASET --strategy NAME --out scores.csv`: writes `id,score`.
struct EvalScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score every question of a dataset with a strategy (higher = escalate).",
        discussion: "Baselines: \(BaselineStrategies.names.joined(separator: ", ")). Live self-assessment strategies use the score cache."
    )

    @Argument(help: "The native JSONL dataset.")
    var dataset: String

    @Option(help: "The strategy: \(BaselineStrategies.names.joined(separator: ", ")).")
    var strategy: String

    @Option(help: "The CSV file to write (`id,score`).")
    var out: String

    @Option(help: "Seed of the random baseline.")
    var seed: UInt64 = 0

    @Option(help: "Score cache (JSONL) for live strategies.")
    var cache: String = "eval/score-cache.jsonl"

    @Option(help: "Questions scored at a time by live strategies.")
    var concurrency: Int = 1

    func run() async throws {
        guard let source = BaselineStrategies.source(named: strategy, seed: seed) else {
            throw EvaluationError(.option, "unknown strategy \(strategy); use one of \(BaselineStrategies.names.joined(separator: ", "))")
        }
        guard concurrency >= 1 else {
            throw EvaluationError(.option, "--concurrency must be 1 or more, got \(concurrency)")
        }
        try AtomicFile.checkWritable(out)
        let data = try Dataset.load(path: dataset)
        var scoreCache: ScoreCache? = source.cacheIdentity == nil ? nil : try ScoreCache(path: cache)
        let (table, summary) = try await ScoreRunner.run(source, on: data, cache: &scoreCache, concurrency: concurrency)
        try table.write(to: out)
        print("wrote \(table.order.count) scores (\(summary.computed) computed, \(summary.cached) cached) to \(out)")
    }
}
