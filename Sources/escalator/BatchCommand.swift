import ArgumentParser
import Foundation
import Routing

/// `escalator batch`: answer many questions within a budget.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Answer a file of questions: assess all, escalate the most valuable within a budget, answer in parallel.",
        discussion: """
        Input: JSONL ({"id": ..., "question": ...}, id optional), CSV with a `question` column (and \
        optionally `id`), or one question per line (# starts a comment). The format follows the file \
        extension (.jsonl, .csv, .txt), else the content. Questions without an id get `line-N`.

        Every question is first assessed by the local model; the policy then picks its tier \
        (each tier's min_p, --min-tier, --max-tier). With --budget, escalations are kept in order of expected \
        gain per dollar (1 − pLocalCorrect over the estimated cost) while their estimates fit; the rest \
        go to a cheaper tier or are answered locally, and their reason says so. Estimates: question \
        tokens (llama-server's tokenizer) plus [routing] expected_answer_tokens, at each tier's prices.

        Output: one JSON line per question, in the `ask --json` shape plus "status": "ok" or "error", \
        appended and flushed as soon as the question is answered (and recorded in the ledger). After \
        an interruption or a crash, run the same command with --resume: questions already answered \
        in the output file are skipped, failed ones are tried again.

        Local questions run --parallel at a time (llama-server's -np slots); escalated ones run \
        through --remote-sessions agent sessions per tier (escalator-sonnet, escalator-sonnet-2, …).

        Examples:
          escalator batch questions.jsonl --output answers.jsonl
          escalator batch questions.csv --output answers.jsonl --budget 0.50 --dry-run
          escalator batch questions.txt --output answers.jsonl --budget 0.50 --remote-sessions 4
          escalator batch questions.txt --output answers.jsonl --resume
        """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var tiers: TierOptions
    @OptionGroup var ledgerOptions: LedgerOptions
    @Argument(help: ArgumentHelp("The questions file; - for standard input.", valueName: "input"))
    var input: String
    @Option(name: [.short, .long], help: ArgumentHelp("The answers file, JSONL (default: INPUT without its extension + .answers.jsonl).", valueName: "file"))
    var output: String?
    @Option(help: ArgumentHelp("Input format: jsonl, csv or lines (default: from the extension, else the content).",
                               valueName: "format"))
    var format: String?
    @Option(help: ArgumentHelp("Most US dollars to spend on escalations, by the estimates.", valueName: "usd"))
    var budget: Double?
    @Flag(help: "Print the plan (questions and estimated cost per tier) without answering.")
    var dryRun = false
    @Flag(help: "Continue an earlier run: skip questions already answered in the output file.")
    var resume = false
    @Flag(help: "Skip malformed input lines (reported with their line numbers) instead of refusing to start.")
    var skipInvalid = false
    @Option(help: ArgumentHelp("Agent sessions per remote tier, each answering one question at a time.", valueName: "k"))
    var remoteSessions = 1
    @Option(help: ArgumentHelp("Local questions answered at once (default: [local] parallel).", valueName: "n"))
    var parallel: Int?
    @Option(help: ArgumentHelp("Progress on standard error: auto (a bar on a terminal, else lines), bar, lines or none.",
                               valueName: "mode"))
    var progress = "auto"
    @Flag(help: "Print the summary (with --dry-run: the plan) as JSON instead of a table.")
    var json = false

    func validate() throws {
        if let budget, !(budget >= 0 && budget.isFinite) {
            throw ValidationError("--budget must be 0 or more US dollars, e.g. --budget 0.50")
        }
        guard (1...64).contains(remoteSessions) else { throw ValidationError("--remote-sessions must be from 1 to 64") }
        if let parallel, !(1...256).contains(parallel) { throw ValidationError("--parallel must be from 1 to 256") }
        guard ["auto", "bar", "lines", "none"].contains(progress) else {
            throw ValidationError("--progress must be auto, bar, lines or none")
        }
        if let format, BatchInputFormat(rawValue: format) == nil {
            throw ValidationError("--format must be jsonl, csv or lines")
        }
        if input == "-" && output == nil { throw ValidationError("reading questions from standard input needs --output FILE") }
    }

    var outputPath: String {
        if let output { return output }
        let base = (input as NSString).deletingPathExtension
        return base + ".answers.jsonl"
    }

    func run() async throws {
        let context = try options.context()
        let choice = try tiers.choice(context.settings)
        let bounds = try tiers.bounds(context.settings)
        try await CLIErrors.translating {
            let questions = try readQuestions()
            // Open (or resume) the output before any work, so a bad path fails fast.
            let out = dryRun ? nil : try BatchOutputFile(path: outputPath, resume: resume)
            let pending = questions.filter { !(out?.answeredIDs.contains($0.id) ?? false) }
            let skipped = questions.count - pending.count
            if skipped > 0 { note("resuming \(outputPath): \(skipped) of \(questions.count) already answered") }
            if let dropped = out?.droppedBytes, dropped > 0 { note("dropped an unfinished last line (\(dropped) bytes) from \(outputPath)") }
            guard !pending.isEmpty else {
                note("nothing to do: every question in \(input) has an answer in \(outputPath)")
                return
            }
            let router = try await context.router()
            let width = parallel ?? context.settings.local.parallel
            let printer = BatchProgressPrinter(mode: progress, total: pending.count, budget: budget,
                                               tiers: router.configuration.tiers.tiers)
            let routed = try await Interrupt.cancellingOnSIGINT {
                try await BatchRunner.route(pending, router: router, choice: choice, bounds: bounds, concurrency: width) {
                    printer.assessed($0)
                }
            }
            // Tiers parked by a usage limit are planned around, as the router would route around them.
            // (from the ledger, which every escalator process shares; a dry run reads one that exists)
            var parked: [TierParking] = []
            let ledgerPath = ledgerOptions.ledger ?? Ledger.defaultPath(context.settings.paths)
            if !dryRun || FileManager.default.fileExists(atPath: ledgerPath) {
                do { parked = try await LedgerParking(try ledgerOptions.open(context)).parkings() } catch {
                    note("could not read the parked tiers from \(ledgerPath) (\(error)); the plan ignores them, the router still skips them")
                }
            }
            let plan = BatchPlan.make(routed, budgetUsd: budget, tiers: router.configuration.tiers.tiers, parked: parked,
                                      cost: { router.expectedCost(questionTokens: $0, tier: $1) })
            printer.finishAssessing()
            if json {
                if dryRun { try JSONOutput.print(BatchTables.PlanJSON(plan)) }
            } else {
                print(BatchTables.plan(plan))
            }
            fflush(nil)  // the plan before the progress lines, when both go to one pipe
            guard let out else { return }
            let ledger = try ledgerOptions.open(context)
            let runner = BatchRunner(router: router, configuration: .init(localConcurrency: width, remoteSessions: remoteSessions,
                                                                          bounds: bounds),
                                     output: out, ledger: ledger, logger: context.logger)
            let start = ContinuousClock.now
            let results: [BatchResult]
            do {
                results = try await Interrupt.cancellingOnSIGINT {
                    try await runner.run(plan) { progress, result in printer.update(progress, result) }
                }
            } catch {
                printer.finish()
                if Task.isCancelled || error is CancellationError {
                    throw CLIError(description: "interrupted: the answers so far are in \(outputPath); run the same command with --resume to continue")
                }
                throw error
            }
            printer.finish()
            let summary = BatchSummary(results: results, skippedAlreadyAnswered: skipped, demotedByBudget: plan.demotedCount,
                                       budgetUsd: budget, wallMs: (ContinuousClock.now - start).milliseconds, tiers: plan.tiers)
            if json { try JSONOutput.print(summary) } else { print(BatchTables.summary(summary, output: outputPath)) }
            if summary.errors > 0 {
                throw CLIError(description: "\(summary.errors) of \(results.count) questions failed (status \"error\" in \(outputPath)); run the same command with --resume to try them again")
            }
        }
    }

    private func readQuestions() throws -> [BatchQuestion] {
        let data: Data, source: String
        if input == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
            source = "standard input"
        } else {
            guard let d = FileManager.default.contents(atPath: input) else {
                throw CLIError(description: "cannot read \(input): " + (FileManager.default.fileExists(atPath: input)
                    ? "check its permissions" : "no such file — pass the path of a JSONL, CSV or text file of questions"))
            }
            data = d
            source = input
        }
        let parsed = try BatchInput.parse(data, format: format.flatMap(BatchInputFormat.init(rawValue:)), source: source)
        if skipInvalid {
            for problem in parsed.problems { note("skipped \(source) \(problem)") }
        }
        return try parsed.validated(skipInvalid: skipInvalid)
    }

    private func note(_ text: String) {
        FileHandle.standardError.write(Data(("escalator: " + text + "\n").utf8))
    }
}
