import Foundation
import Logging
import Synchronization

/// Answers a planned batch: local questions through llama-server's parallel slots, escalated
/// ones through a pool of agent sessions per tier (one question per session at a time). Each
/// question takes the ``QuestionPath`` (answered and recorded in the ledger), and its result is
/// appended to the output file (and synced) the moment it is done, so a batch killed at any
/// point loses at most the questions in flight. Appends block (`fsync`), so they run on the
/// output's own queue, off the cooperative pool.
public struct BatchRunner: Sendable {
    public struct Configuration: Sendable {
        /// Local questions answered at once (llama-server's `-np` slots).
        public var localConcurrency: Int
        /// Agent sessions per remote tier (`escalator-sonnet`, `escalator-sonnet-2`, …).
        public var remoteSessions: Int
        public var bounds: TierBounds

        public init(localConcurrency: Int, remoteSessions: Int, bounds: TierBounds) {
            self.localConcurrency = max(1, localConcurrency)
            self.remoteSessions = max(1, remoteSessions)
            self.bounds = bounds
        }
    }

    public let router: Router
    public let configuration: Configuration
    public let output: BatchOutputFile
    public let ledger: Ledger?
    private let path: QuestionPath
    private let appends = BlockingQueue(label: "escalator.batch.output")
    /// Prefix of ledger ids, unique to this run (the input's ids repeat across batches).
    public let runID: String
    private let logger: Logger

    public init(router: Router, configuration: Configuration, output: BatchOutputFile, ledger: Ledger?,
                runID: String = RoutedAnswer.newID(), logger: Logger) {
        self.router = router
        self.configuration = configuration
        self.output = output
        self.ledger = ledger
        self.runID = runID
        self.logger = logger
        path = QuestionPath(router: router, ledger: ledger)
    }

    // MARK: Assessment

    /// Assesses (unless `choice` forces a tier), counts tokens and routes every question, with
    /// `localConcurrency` at once. `onAssessed` receives the number done so far.
    public static func route(_ questions: [BatchQuestion], router: Router, choice: TierChoice, bounds: TierBounds,
                             concurrency: Int, onAssessed: @Sendable (Int) -> Void = { _ in })
        async throws -> [(question: BatchQuestion, assessment: AssessmentOutcome, route: Route, questionTokens: Int)] {
        var routed = [(question: BatchQuestion, assessment: AssessmentOutcome, route: Route, questionTokens: Int)?](
            repeating: nil, count: questions.count)
        try await withThrowingTaskGroup(of: (Int, AssessmentOutcome, Int).self) { group in
            var next = 0, done = 0
            func start() {
                let i = next, q = questions[i].question
                next += 1
                group.addTask {
                    let outcome = choice == .auto ? try await router.assess(q) : .notWanted
                    return (i, outcome, await router.countTokens(q))
                }
            }
            while next < min(max(1, concurrency), questions.count) { start() }
            for try await (i, outcome, tokens) in group {
                routed[i] = (questions[i], outcome, router.decide(outcome, choice: choice, bounds: bounds), tokens)
                done += 1
                onAssessed(done)
                if next < questions.count { start() }
            }
        }
        return routed.map { $0! }
    }

    // MARK: Answering

    /// Answers every entry of `plan`. `onProgress` is called after each result is written.
    /// Returns the results in completion order; throws `CancellationError` if cancelled (the
    /// results written so far stay in the output file).
    public func run(_ plan: BatchPlan, onProgress: @escaping @Sendable (BatchProgress, BatchResult) -> Void = { _, _ in })
        async throws -> [BatchResult] {
        let start = ContinuousClock.now
        let budget = BatchBudget(limit: plan.budgetUsd)
        var queued: [String: [Int]] = [:]
        for (i, entry) in plan.entries.enumerated() { queued[entry.route.tier.name, default: []].append(i) }
        var workers: [(tier: Tier, session: Int)] = []
        for tier in Set(plan.entries.map(\.route.tier)).sorted() {
            let count = tier.isLocal ? configuration.localConcurrency : configuration.remoteSessions
            workers += (0..<min(count, queued[tier.name]?.count ?? 0)).map { (tier, $0) }
        }
        let run = RunState(queues: queued, progress: BatchProgress(
            done: 0, total: plan.entries.count, answeredByTier: [:], errors: 0, degraded: 0, spentUsd: 0,
            budgetUsd: plan.budgetUsd, elapsedMs: 0))

        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in workers {
                group.addTask {
                    while !Task.isCancelled {
                        guard let index = run.next(worker.tier) else { return }
                        let result = try await answer(plan.entries[index], session: worker.session, budget: budget)
                        let progress = run.add(result, spent: budget.spent, elapsedMs: (ContinuousClock.now - start).milliseconds)
                        onProgress(progress, result)
                    }
                }
            }
            try await group.waitForAll()
        }
        try Task.checkCancellation()
        return run.results
    }

    private func answer(_ entry: BatchPlan.Entry, session: Int, budget: BatchBudget) async throws -> BatchResult {
        var route = entry.route
        var reserved = 0.0
        if !route.tier.isLocal {
            if budget.reserve(entry.expectedCostUsd) {
                reserved = entry.expectedCostUsd
            } else {
                route.reason += "; budget used up by earlier answers → local"
                route.tier = .local
            }
        }
        // Fallbacks stay at or below the planned tier, so they cannot break the budget.
        let bounds = TierBounds(min: min(configuration.bounds.min, route.tier), max: route.tier)
        let ledgerId = ledger == nil ? nil : ledgerID(entry.question.id)
        let outcome = try await path.answer(entry.question.question, route: route, assessment: entry.assessment, bounds: bounds,
                                            id: entry.question.id, recordedID: ledgerID(entry.question.id), session: session,
                                            questionTokens: entry.questionTokens) { outcome in
            // Durable first: the answer is in the output file before the ledger records it.
            let line = try Self.result(outcome, ledgerId: ledgerId).jsonLine()
            try await appends.run { try output.append(line) }
        }
        switch outcome {
        case .success(let answer): budget.settle(reserved: reserved, actual: answer.costUsd)
        case .failure: budget.settle(reserved: reserved, actual: 0)
        }
        return Self.result(outcome, ledgerId: ledgerId)
    }

    private static func result(_ outcome: Result<RoutedAnswer, QuestionFailure>, ledgerId: String?) -> BatchResult {
        switch outcome {
        case .success(let answer): .ok(answer, ledgerId: ledgerId)
        case .failure(let failure): .failed(failure, ledgerId: ledgerId)
        }
    }

    /// The queues and the results of one run, shared by its workers.
    private final class RunState: Sendable {
        private let queues: Mutex<[String: [Int]]>
        private let state: Mutex<(results: [BatchResult], progress: BatchProgress)>

        init(queues: [String: [Int]], progress: BatchProgress) {
            self.queues = Mutex(queues)
            self.state = Mutex((results: [], progress: progress))
        }

        /// The next entry for `tier`'s workers, in input order.
        func next(_ tier: Tier) -> Int? {
            queues.withLock { q in
                guard var list = q[tier.name], !list.isEmpty else { return nil }
                let first = list.removeFirst()
                q[tier.name] = list
                return first
            }
        }

        func add(_ result: BatchResult, spent: Double, elapsedMs: Double) -> BatchProgress {
            state.withLock { s in
                s.results.append(result)
                s.progress.done += 1
                if let tier = result.tierUsed { s.progress.answeredByTier[tier.name, default: 0] += 1 } else { s.progress.errors += 1 }
                if result.answer?.degraded == true { s.progress.degraded += 1 }
                s.progress.spentUsd = spent
                s.progress.elapsedMs = elapsedMs
                return s.progress
            }
        }

        var results: [BatchResult] { state.withLock { $0.results } }
    }

    private func ledgerID(_ questionID: String) -> String { "\(runID):\(questionID)" }
}
