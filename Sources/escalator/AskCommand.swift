import ArgumentParser
import Foundation
import Routing

/// `escalator ask`: assess, decide, answer.
struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Answer a question: locally when the local model is likely right, else escalated.",
        discussion: """
        The answer goes to standard output as it is generated; the routing decision goes to standard \
        error. With --json, one object is printed: id, question, route {tier, reason, score, thresholds}, \
        assessment, tier_used, answer, cost_usd, timings_ms {assess, answer, total}, degraded.

        An escalated question is typed into the tier's tmux session (escalator-sonnet, escalator-opus) \
        running Claude Code ([remote] in the config: on this machine, or over SSH), and the answer is \
        read off its screen; watch it with `escalator attach`. If the agent cannot answer (usage limit, \
        API error, crash, host unreachable, not installed), the question is answered locally and \
        marked "degraded": true with the reason.

        Examples:
          escalator ask "What is the capital of France?"
          escalator ask --tier opus "Review this design: ..."
          escalator ask --json --tier local "Summarise: ..."
          escalator ask --set thresholds.local_min=0.8 "What is 17 * 23?"
        """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var input: QuestionInput
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @Option(help: ArgumentHelp("auto (decide from the assessment) or force a tier: local, sonnet, opus.", valueName: "tier"))
    var tier = "auto"

    func run() async throws {
        let choice: TierChoice
        do { choice = try TierChoice(parsing: tier) } catch { throw CLIError(description: "\(error)") }
        let context = try options.context()
        let question = try Router.validated(try input.read())
        let streaming = !json
        try await CLIErrors.translating {
            let ledger = try Ledger(settings: context.settings)
            let id = RoutedAnswer.newID(), start = ContinuousClock.now
            let result: RoutedAnswer
            do {
                let endpoint = try await context.endpoint()
                let router = try context.router(endpoint)
                // Ctrl-C cancels: a remote turn is interrupted with Escape and the question is
                // recorded as failed, never left half-done.
                result = try await Interrupt.cancellingOnSIGINT {
                    try await router.ask(question, choice: choice, id: id) { piece in
                        if streaming { FileHandle.standardOutput.write(Data(piece.utf8)) }
                    }
                }
            } catch {
                let route = choice == .auto ? nil : Policy(thresholds: context.settings.thresholds).decide(p: nil, choice: choice)
                try? ledger.recordFailure(id: id, question: question, thresholds: context.settings.thresholds, route: route,
                                          error: "\(error)", totalMs: (ContinuousClock.now - start).milliseconds)
                throw error
            }
            try ledger.record(result)
            if json {
                try JSONOutput.print(result)
            } else {
                print("")
                var line = "→ \(result.tierUsed.name): \(result.route.reason)"
                if let reason = result.degradedReason { line += " [degraded: \(reason)]" }
                line += String(format: " (%.0f ms)", result.timingsMs.total)
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        }
    }
}
