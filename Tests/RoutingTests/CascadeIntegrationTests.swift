import Foundation
import LlamaClient
import Logging
import TestSupport
import Testing
@testable import Routing
import RoutingTestSupport

/// The `answer-logprob` cascade on a real llama-server with the small model: the local answer
/// is generated first with its token probabilities; high confidence (against the threshold)
/// returns that answer without a second generation, low confidence escalates (to claude-sim in a
/// private tmux server) and the ledger records the local answer as generated and discarded.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(LlamaServerFixture.isAvailable && TmuxFixture.tmuxExecutable != nil)))
struct CascadeIntegrationTests {
    static let question = "What is 12 + 30? Answer with the number."

    func router(_ url: String, localMin: Double, remote socket: String?) throws -> Router {
        var settings = Settings(paths: Paths(environment: ["HOME": NSTemporaryDirectory()]))
        settings.tiers.update("local") { $0.minP = localMin }
        settings.tiers.update("sonnet") { $0.minP = 0 }
        let client = LlamaServerClient(configuration: .init(baseURL: url, connectTimeoutMs: 1000, requestTimeoutMs: 120_000))
        let template = try PromptTemplate(directory: BuiltProducts.packageRoot + "/prompts")
        let runtime = LearnedRuntime(settings: settings)
        let assessor = Assessor(client: client, template: template, strategy: AnswerLogprobStrategy(reduce: .mean, runtime: runtime))
        var remote: RemoteAgents?
        if let socket {
            settings.remote.command = try AgentCommandLine("\(BuiltProducts.executable("claude-sim")) --think-ms 100")
            settings.remote.tmuxSocket = socket
            remote = try RemoteAgents(settings: settings, logger: Logger(label: "test"))
        }
        return Router(local: .init(assessor: assessor, answerer: LocalAnswerer(client: client, template: template, maxTokens: 24)),
                      remote: remote, configuration: try .init(settings: settings))
    }

    @Test func highConfidenceKeepsTheLocalAnswerLowConfidenceEscalatesAndRecordsTheDiscard() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        try await LlamaServerClient(configuration: .init(baseURL: server.url)).waitUntilReady(timeout: .seconds(60), whileRefused: true)

        // Threshold 0: any confidence is enough; the answer is the one generated while assessing.
        let keep = try router(server.url, localMin: 0, remote: nil)
        let outcome = try await keep.assess(Self.question)
        let assessment = try #require(outcome.assessment)
        let generated = try #require(outcome.localAnswer)
        #expect(assessment.strategy == "answer-logprob")
        let features = try #require(assessment.features)
        let mean = try #require(features["mean_logprob"]), minimum = try #require(features["min_logprob"])
        #expect(mean <= 0 && minimum <= mean, "mean \(mean), min \(minimum)")
        #expect(abs(assessment.rawScore - exp(mean)) < 1e-9)
        #expect(generated.generatedTokens > 0 && !generated.text.isEmpty)
        let route = keep.decide(outcome)
        #expect(route.tier == .local)
        let kept = try await keep.answer(Self.question, route: route, assessment: outcome)
        #expect(kept.tierUsed == .local && kept.answer == generated.text)
        #expect(kept.discardedLocalAnswer == nil)
        #expect(kept.timingsMs.answer < 1000, "the local answer was generated again (\(kept.timingsMs.answer) ms)")

        // Threshold above any reachable confidence: escalated to sonnet, the local answer discarded.
        let socket = "escalator-cascade-\(UUID().uuidString.prefix(8))"
        defer { if let tmux = TmuxFixture.tmuxExecutable { _ = try? runBinary(tmux, ["-L", socket, "kill-server"]) } }
        let escalate = try router(server.url, localMin: 0.99999, remote: socket)
        let routed = try await QuestionPath(router: escalate, ledger: nil).ask(Self.question)
        #expect(routed.route.tier == .sonnet, "\(routed.route.reason)")
        #expect(routed.tierUsed == .sonnet, "\(routed.attempts)")
        let discarded = try #require(routed.discardedLocalAnswer)
        #expect(!discarded.isEmpty && routed.discardedLocalAnswerTokens ?? 0 > 0)
        #expect(routed.answer != discarded || routed.answer.isEmpty == false)

        let dir = try TemporaryDirectory(prefix: "cascade-ledger")
        defer { dir.remove() }
        let ledger = try Ledger(path: dir.file("ledger.sqlite"))
        try ledger.record(routed)
        try ledger.record(kept)
        let back = try #require(try ledger.record(id: routed.id))
        #expect(back.discardedLocalAnswer == discarded && back.tierUsed == .sonnet)
        #expect(back.assessment?.features?["mean_logprob"] == routed.assessment?.features?["mean_logprob"])
        #expect(try ledger.record(id: kept.id)?.discardedLocalAnswer == nil)
    }
}
