import Foundation
import Logging
import MCP
import Routing

/// `escalator mcp`: an MCP server (official Swift SDK) whose tools are `ask`, `assess` and
/// `stats`. Every `ask` goes through ``QuestionPath`` like `escalator ask`, so the ledger, the
/// budgets, the fallbacks and the policy are the same. Requests are handled concurrently (a
/// ping or a second call is answered while an escalation runs); a call carrying a progress
/// token gets `notifications/progress` every `progressInterval` until its answer, so clients
/// with a 60 s timeout keep waiting; `notifications/cancelled` interrupts the question (recorded
/// as failed). Only JSON-RPC goes to the transport; logs go to the logger (stderr).
public final class EscalatorMCPServer: Sendable {
    public let services: MCPServices
    public let progressInterval: Duration
    private let server: Server
    private let calls = InFlightCalls()

    public static let instructions = """
        escalator answers questions with a local model when it rates itself likely right, and escalates \
        harder ones to a stronger remote agent (a cost in USD; the decision is in every result). Use `ask` \
        for a second opinion or a question beyond you; `assess` to see where a question would go without \
        answering it; `stats` for what has been spent. Escalations can take minutes: progress is reported.
        """

    public init(services: MCPServices, progressInterval: Duration = .seconds(5), version: String) {
        self.services = services
        self.progressInterval = progressInterval
        server = Server(name: "escalator", version: version, title: "escalator", instructions: Self.instructions,
                        capabilities: .init(tools: .init(listChanged: false)))
    }

    /// Serves on `transport` until the client closes it (or ``stop()``), then interrupts the
    /// questions still running and waits (at most 10 s) until they are recorded.
    public func run(transport: any Transport) async throws {
        let tiers = services.settings.tiers
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: ToolCatalog.tools(tiers)) }
        await server.withMethodHandler(CallTool.self) { [self] params in try await call(params) }
        try await server.start(transport: transport)
        services.logger.debug("MCP server ready", metadata: ["tools": "\(ToolCatalog.names.joined(separator: ", "))"])
        await server.waitUntilCompleted()
        if calls.count > 0 {
            services.logger.info("client gone: interrupting \(calls.count) running tool call(s)")
        }
        await calls.cancelAll(waitingAtMost: .seconds(10))
        await server.stop()
    }

    /// Serves on standard input and output (``LineStdioTransport``).
    public func runOverStdio() async throws {
        try await run(transport: LineStdioTransport(logger: services.logger))
    }

    /// Stops reading requests; ``run(transport:)`` then interrupts the calls in flight and returns.
    public func stop() async {
        await calls.cancelAll(waitingAtMost: .seconds(10))
        await server.stop()
    }

    // MARK: Tools

    private func call(_ params: CallTool.Parameters) async throws -> CallTool.Result {
        let start = ContinuousClock.now
        defer {
            services.logger.debug("tool call done", metadata: ["tool": "\(params.name)", "ms": "\(Int((ContinuousClock.now - start) / .milliseconds(1)))"])
        }
        do {
            switch params.name {
            case ToolCatalog.ask:
                let arguments = try AskArguments(params.arguments, settings: services.settings)
                let token = params._meta?.progressToken
                return try await calls.run { [self] in try await ask(arguments, progressToken: token) }
            case ToolCatalog.assess:
                let arguments = try AssessArguments(params.arguments)
                return try await calls.run { [self] in try await assess(arguments) }
            case ToolCatalog.stats:
                _ = try StatsArguments(params.arguments)
                return try await stats()
            default:
                throw MCPError.invalidParams("unknown tool \"\(params.name)\" — escalator's tools are \(ToolCatalog.names.joined(separator: ", "))")
            }
        } catch let error as ToolArgumentError {
            return ToolResults.failure(error.description)
        } catch let error as MCPError {
            throw error
        } catch {
            // Cancelled by the client, or interrupted by a shutdown: no response, as the spec asks
            // for cancelled requests (the question is recorded as failed).
            if Task.isCancelled || error is CancellationError || calls.isStopping { throw CancellationError() }
            return ToolResults.failure("\(params.name) failed: \(Self.describe(error))")
        }
    }

    private func ask(_ arguments: AskArguments, progressToken: ProgressToken?) async throws -> CallTool.Result {
        let progress = QuestionProgress(choice: arguments.choice)
        let services = services
        let question: @Sendable () async throws -> RoutedAnswer = {
            let path = QuestionPath(router: try await services.router(), ledger: services.ledger)
            return try await path.ask(arguments.question, choice: arguments.choice, bounds: arguments.bounds,
                                      onText: { progress.received($0) }, onRoute: { progress.routed($0) })
        }
        let answer: RoutedAnswer
        if let progressToken {
            let server = server
            let logger = services.logger
            answer = try await progress.reporting(token: progressToken, every: progressInterval, send: { update in
                do { try await server.notify(ProgressNotification.message(update)) } catch {
                    logger.debug("could not send a progress notification", metadata: ["error": "\(error)"])
                }
            }, question)
        } else {
            answer = try await question()
        }
        services.logger.info("ask → \(answer.tierUsed.name)\(answer.degraded ? " (degraded)" : ""): \(answer.route.reason)")
        return try ToolResults.ask(answer)
    }

    private func assess(_ arguments: AssessArguments) async throws -> CallTool.Result {
        let router = try await services.router()
        let outcome = try await router.assess(arguments.question)
        let route = router.decide(outcome, choice: .auto, bounds: try services.settings.bounds())
        guard let a = outcome.assessment else {
            return ToolResults.failure("""
                assess: the question could not be assessed (\(outcome.skippedReason ?? "no local model")) — `ask` would send it to \
                \(route.tier.name) ([routing] default_tier), marked degraded; check llama-server with `escalator doctor`
                """)
        }
        return try ToolResults.assess(AssessReport(pLocalCorrect: a.pLocalCorrect, strategy: a.strategy, rawScore: a.rawScore,
                                                   calibration: a.calibration, distribution: a.distribution,
                                                   routeTier: route.tier.name, reason: route.reason, elapsedMs: a.elapsedMs))
    }

    private func stats() async throws -> CallTool.Result {
        let ledger = services.ledger
        let tiers = services.settings.tiers.tiers
        return try ToolResults.stats(try await ledger.queue.run { try ledger.stats(tiers: tiers) })
    }

    /// One line for a failed call: the library's own description (what went wrong, what to do),
    /// and the ledger id of a recorded failure.
    static func describe(_ error: any Error) -> String {
        if let failure = error as? QuestionFailure {
            return "\(failure.error) (recorded in the ledger as \(failure.id))"
        }
        return "\(error)"
    }
}
