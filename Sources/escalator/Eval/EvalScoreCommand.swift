import ArgumentParser
import Evaluation
import Foundation
import Routing

/// `escalator eval score DATASET --strategy NAME --out scores.csv`: writes `id,score`.
struct EvalScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score every question of a dataset with a strategy (higher = escalate).",
        discussion: """
        --strategy: a baseline (\(BaselineStrategies.names.joined(separator: ", "))) or a live self-assessment \
        (\(AssessmentStrategies.names.joined(separator: ", "))). Live strategies ask the local model (the configured \
        llama-server, or a managed one) and write score = 1 − P(local correct), uncalibrated; their scores are cached \
        by model, strategy and prompt template, so a re-run costs nothing.
        """
    )

    @Argument(help: "The native JSONL dataset.")
    var dataset: String

    @Option(help: "The CSV file to write (`id,score`).")
    var out: String

    @Option(help: "Seed of the random baseline.")
    var seed: UInt64 = 0

    @Option(help: "Score cache (JSONL) for live strategies (default: $XDG_CACHE_HOME/escalator/score-cache.jsonl).")
    var cache: String?

    @Option(help: "Questions scored at a time by live strategies (default: llama-server's slots).")
    var concurrency: Int?

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        guard let strategy = options.strategy else {
            throw ValidationError("give --strategy: one of \((BaselineStrategies.names + AssessmentStrategies.names).joined(separator: ", "))")
        }
        if let concurrency, concurrency < 1 {
            throw EvaluationError(.option, "--concurrency must be 1 or more, got \(concurrency)")
        }
        let source: any ScoreSource
        var width = concurrency ?? 1
        if let baseline = BaselineStrategies.source(named: strategy, seed: seed) {
            try AtomicFile.checkWritable(out)
            source = baseline
            try await score(with: source, concurrency: width, cachePath: nil)
            return
        }
        guard AssessmentStrategies.names.contains(strategy) else {
            throw EvaluationError(.option, "unknown strategy \(strategy); use one of \((BaselineStrategies.names + AssessmentStrategies.names).joined(separator: ", "))")
        }
        try AtomicFile.checkWritable(out)
        _ = try Dataset.load(path: dataset)  // fail on a bad dataset before starting a server
        try await CLIErrors.translating {
            let context = try options.context()
            let live = try await LiveModel.connect(context)
            let template = try context.template()
            let assessment = try AssessmentStrategies.named(strategy)
            let assessor = Assessor(client: live.endpoint.client, template: template, strategy: assessment,
                                    calibration: .identity, logger: context.logger)
            width = concurrency ?? live.slots ?? context.settings.local.parallel
            let cachePath = cache ?? (context.settings.paths.cache as NSString).appendingPathComponent("score-cache.jsonl")
            try? FileManager.default.createDirectory(atPath: (cachePath as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true)
            try await score(with: AssessorScoreSource(assessor: assessor,
                                                      identity: LiveModel.identity(model: live.model, strategy: assessment, template: template)),
                            concurrency: width, cachePath: cachePath)
        }
    }

    private func score(with source: any ScoreSource, concurrency: Int, cachePath: String?) async throws {
        let data = try Dataset.load(path: dataset)
        var scoreCache: ScoreCache? = try cachePath.map { try ScoreCache(path: $0) }
        let (table, summary) = try await ScoreRunner.run(source, on: data, cache: &scoreCache, concurrency: concurrency)
        try table.write(to: out)
        print("wrote \(table.order.count) scores (\(summary.computed) computed, \(summary.cached) cached) to \(out)")
    }
}
