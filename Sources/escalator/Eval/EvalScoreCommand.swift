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

        Learned strategies: embedding-logistic and embedding-knn apply the router file (--router, else \
        [assessment] router) to each question's embedding from the embedding llama-server (cached by model and \
        text in --embedding-cache) and write the head's P(local wrong); a router trained on another embedding \
        model is refused. combined computes its features live. answer-logprob (and a combined router using it) \
        needs the local model's own answers: score it with `eval run`.
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

    @Option(help: "Router file of embedding-logistic, embedding-knn and combined (overrides [assessment] router).")
    var router: String?

    @Option(help: "Embedding cache file (default: $XDG_CACHE_HOME/escalator/embedding-cache.bin; \"\" for none).")
    var embeddingCache: String?

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
        if AssessmentStrategies.learnedNames.contains(strategy) {
            try await scoreLearned(strategy)
            return
        }
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

    /// The learned strategies: embedding heads over cached embeddings, combined live.
    private func scoreLearned(_ strategy: String) async throws {
        if strategy == "answer-logprob" {
            throw EvaluationError(.option, "answer-logprob scores the local model's own answers, which a dataset of recorded outcomes does not hold; use `escalator eval run DATASET --limit N --strategy answer-logprob` (it answers, grades and writes the scores)")
        }
        try await CLIErrors.translating {
            let context = try options.context()
            let routerPath = router ?? context.settings.routerFile
            let model = try RouterModel.load(path: routerPath)
            guard model.kind.rawValue == strategy else {
                throw RoutingError(problem: "router file \(routerPath) is a \(model.kind.rawValue) router, not \(strategy)",
                                   fix: "use --strategy \(model.kind.rawValue), or pass the \(strategy) router with --router")
            }
            let data = try Dataset.load(path: dataset)
            if let combined = model.combined {
                if combined.answersFirst {
                    throw EvaluationError(.option, "router file \(routerPath) combines answer-logprob, which needs the local model's own answers; score it with `escalator eval run DATASET --limit N --strategy combined --router \(routerPath)`")
                }
                var settings = context.settings
                settings.assessment.router = routerPath
                let live = try await LiveModel.connect(context)
                let runtime = LearnedRuntime(settings: settings, embeddingCache: embeddingCache, logger: context.logger)
                let combinedStrategy = CombinedStrategy(routerPath: routerPath, runtime: runtime)
                let assessor = Assessor(client: live.endpoint.client, template: try context.template(), strategy: combinedStrategy,
                                        calibration: .identity, logger: context.logger)
                let text = (try? String(contentsOfFile: routerPath, encoding: .utf8)) ?? routerPath
                let identity = ScoreCache.Identity(model: live.model, strategy: "combined", template: text)
                let cachePath = cache ?? (context.settings.paths.cache as NSString).appendingPathComponent("score-cache.jsonl")
                try await score(with: AssessorScoreSource(assessor: assessor, identity: identity),
                                concurrency: concurrency ?? live.slots ?? context.settings.local.parallel, cachePath: cachePath)
                return
            }
            let start = ContinuousClock.now
            let embedder = try await EmbeddedDataset.embedder(context, cache: embeddingCache)
            try LearnedRuntime.check(model, path: routerPath, against: embedder.model)
            let embedded = try await EmbeddedDataset.embed(data, context: context, cache: embeddingCache, concurrency: concurrency, embedder: embedder)
            let embeddedAt = ContinuousClock.now
            let pairs = try zip(data.items, embedded.vectors).map { ($0.id, try model.probabilityWrong(embedding: $1)) }
            let table = ScoreTable(pairs)
            try table.write(to: out)
            let scoring = (ContinuousClock.now - embeddedAt).milliseconds
            print("wrote \(pairs.count) scores to \(out) (embeddings: \(embedded.counts.cached) cached, \(embedded.counts.computed) computed in \(String(format: "%.2f", embedded.seconds)) s; head: \(String(format: "%.1f", scoring)) ms; total \(String(format: "%.2f", (ContinuousClock.now - start).milliseconds / 1000)) s)")
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
