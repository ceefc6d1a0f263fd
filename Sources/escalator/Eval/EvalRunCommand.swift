import ArgumentParser
import Evaluation
import Foundation
import Routing

/// `escalator eval run DATASET --limit N --tiers local`: answers questions through the real
/// router, grades them against their gold answers, and writes the local model's own outcomes.
struct EvalRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Answer a dataset's questions with the real system, grade them, and write the local model's outcomes.",
        discussion: """
        Each question is self-assessed and routed as `escalator ask` does. Answers are graded automatically \
        against `gold` (a number: the answer's final number; a letter A-D: the option the answer picks); items \
        without a gradable gold answer are skipped. Writes a dataset (tier `local` first, then the source's \
        tiers with their recorded outcomes) and, beside it, the self-assessment scores (1 − raw P(local correct)) \
        for `eval report` and `tune` (--scores-out) and the graded answers (OUT with -answers.jsonl) for checking.

        With --strategy answer-logprob the local answer is generated first with its token probabilities (a \
        cascade) and its confidence is the score; OUT-scores-answer-logprob-mean.csv and -min.csv hold both \
        reductions. --also-score digit-scale (repeatable) scores the same questions with another strategy too \
        (OUT-scores-NAME.csv), so both signals are compared on the same answers.
        """
    )

    @Argument(help: "The native JSONL dataset (items need `gold`).")
    var dataset: String

    @Option(help: "Answer the first N items that have a gradable gold answer.")
    var limit: Int

    @Option(help: "Tiers to run: only `local` is wired so far.")
    var tiers: String = "local"

    @Option(help: "The dataset to write (default: DATASET with -local.jsonl).")
    var out: String?

    @Option(help: "The `id,score` CSV to write (default: OUT with -scores.csv).")
    var scoresOut: String?

    @Option(help: "Questions answered at a time (default: llama-server's slots).")
    var concurrency: Int?

    @Option(help: "Also score each question with this strategy (repeatable), written to OUT-scores-NAME.csv.")
    var alsoScore: [String] = []

    @Option(help: "Router file of embedding-logistic, embedding-knn and combined (overrides [assessment] router).")
    var router: String?

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be 1 or more, got \(limit)") }
        for name in alsoScore where !AssessmentStrategies.names.contains(name) || name == "answer-logprob" {
            throw ValidationError("--also-score \(name): use one of \(AssessmentStrategies.names.filter { $0 != "answer-logprob" }.joined(separator: ", ")) (answer-logprob is the run's own --strategy)")
        }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be 1 or more, got \(concurrency)") }
    }

    var outPath: String {
        out ?? (dataset.hasSuffix(".jsonl") ? String(dataset.dropLast(6)) : dataset) + "-local.jsonl"
    }

    var scoresPath: String {
        scoresOut ?? (outPath.hasSuffix(".jsonl") ? String(outPath.dropLast(6)) : outPath) + "-scores.csv"
    }

    var answersPath: String {
        (outPath.hasSuffix(".jsonl") ? String(outPath.dropLast(6)) : outPath) + "-answers.jsonl"
    }

    func run() async throws {
        guard tiers == "local" else {
            throw EvaluationError(.option, "--tiers \(tiers): remote tiers are not wired into eval run yet; use --tiers local")
        }
        let source = try Dataset.load(path: dataset)
        let (indices, skipped) = LocalRun.selectItems(source, limit: limit)
        guard !indices.isEmpty else {
            throw EvaluationError(.mismatch, "no item of \(dataset) has a gold answer that can be graded (a number or a letter A-D); RouteLLM's MMLU files carry no answer key")
        }
        try AtomicFile.checkWritable(outPath)
        try AtomicFile.checkWritable(scoresPath)
        try await CLIErrors.translating {
            var context = try options.context()
            if let router { context.settings.assessment.router = router }
            let live = try await LiveModel.connect(context)
            // --tiers local: self-assess and route as `ask` does, but answer every question with the
            // local model (no remote agent), so the outcomes are the local model's own.
            let template = try context.template()
            let settings = context.settings
            let runtime = LearnedRuntime(settings: settings, logger: context.logger)
            func assessor(_ name: String, calibration: Calibration) throws -> Assessor {
                let strategy: any AssessmentStrategy
                if let learned = AssessmentStrategies.learned(name, runtime: runtime) { strategy = learned } else {
                    strategy = try AssessmentStrategies.named(name)
                }
                return Assessor(client: live.endpoint.client, template: template, strategy: strategy,
                                calibration: calibration, logger: context.logger)
            }
            let extra = try alsoScore.map { ($0, try assessor($0, calibration: .identity)) }
            let router = Router(local: .init(assessor: try assessor(settings.assessment.strategy.rawValue, calibration: settings.calibration),
                                             answerer: LocalAnswerer(client: live.endpoint.client, template: template,
                                                                     maxTokens: context.settings.local.answerMaxTokens)),
                                remote: nil, configuration: try .init(settings: context.settings), logger: context.logger)
            // The same trip as `ask`, without a ledger record.
            let path = QuestionPath(router: router, ledger: nil)
            let width = concurrency ?? live.slots ?? context.settings.local.parallel
            var results: [LocalRun.Result] = []
            var next = 0
            try await withThrowingTaskGroup(of: LocalRun.Result.self) { group in
                func start(_ index: Int) {
                    let item = source.items[index]
                    group.addTask {
                        let routed = try await path.ask(item.question, choice: .auto)
                        let assessment = routed.assessment
                        var scores: [String: Double] = [:]
                        for (name, other) in extra {
                            scores[name] = 1 - (try await other.assess(Router.validated(item.question)).rawScore)
                        }
                        return LocalRun.Result(index: index, answer: routed.answer,
                                               correct: AnswerGrading.grade(answer: routed.answer, gold: item.gold ?? "") ?? false,
                                               pLocalCorrect: assessment?.pLocalCorrect ?? 0, rawScore: assessment?.rawScore ?? 0,
                                               routedTier: routed.route.tier.name, features: assessment?.features, extraScores: scores)
                    }
                }
                while next < min(width, indices.count) { start(indices[next]); next += 1 }
                for try await result in group {
                    results.append(result)
                    let item = source.items[result.index]
                    context.logger.info("graded", metadata: ["id": "\(item.id)", "correct": "\(result.correct)",
                                                             "p": "\(result.pLocalCorrect)"])
                    FileHandle.standardError.write(Data("\r\(results.count)/\(indices.count) answered".utf8))
                    if next < indices.count { start(indices[next]); next += 1 }
                }
            }
            FileHandle.standardError.write(Data("\n".utf8))
            results.sort { $0.index < $1.index }
            let written = try LocalRun.dataset(from: source, results: results, model: live.model)
            try written.write(to: outPath)
            try LocalRun.scores(results, source: source).write(to: scoresPath)
            try AtomicFile.write(LocalRun.answersJSONL(results, source: source), to: answersPath)
            print("local model: \(live.model), strategy \(context.settings.assessment.strategy)")
            print(LocalRun.Summary(results: results, skipped: skipped).text(), terminator: "")
            let stem = scoresPath.hasSuffix(".csv") ? String(scoresPath.dropLast(4)) : scoresPath
            for (name, table) in LocalRun.extraScores(results, source: source) {
                let path = "\(stem)-\(name).csv"
                try table.write(to: path)
                let auroc = ClassifierMetrics.auroc(scores: results.map { table.scores[source.items[$0.index].id]! },
                                                    labels: results.map { !$0.correct })
                print("AUROC of \(name) (for local wrong): \(auroc.map { String(format: "%.3f", $0) } ?? "undefined") — \(path)")
            }
            print("wrote \(outPath), \(scoresPath) and the graded answers to \(answersPath)")
        }
    }
}
