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
        assessment, tier_used, answer, cost_usd (measured when known, else estimated), \
        cost_estimated_usd, cost_measured_usd, measurement {usd, usage {input_tokens, output_tokens, \
        cache_read_tokens, cache_write5m_tokens, cache_write1h_tokens}, requests, price_source}, question_tokens, \
        answer_tokens, attempts [{tier, error, ms, parked_until}], timings_ms {assess, answer, total}, degraded, degraded_reason, \
        agent {session, permission_mode, delivery, permissions, answer_source, delivery_verified}.

        An escalated turn's cost is measured from the agent's own transcript: every API request of the turn \
        (the agent's own extra ones too), priced by its model at the prices the agent's /model picker shows \
        (read once per agent version; `escalator doctor` lists them), or at the tier's input_price/output_price \
        when the config gives them.

        The tiers ([tiers.NAME] in the config, cheapest first; by default local, sonnet, opus) each have \
        a min_p: the question goes to the cheapest tier whose min_p is at or below its pLocalCorrect \
        (local at or above 0.6, sonnet at or above 0.3, else opus by default); --min-tier/--max-tier \
        clamp that choice. Before answering, costs are estimated from token counts and each tier's \
        input_price and output_price (USD per million tokens).

        An escalated question is typed into the tier's tmux session (escalator-sonnet, escalator-opus, …) \
        running Claude Code ([remote] in the config: on this machine, or over SSH), and the answer is \
        the agent's own record of it (its Stop hook: the exact markdown; else its screen); watch it with \
        `escalator attach`. Fallbacks, each marked "degraded": true \
        with the reason: a usage limit parks the tier until the reset time its agent names (every \
        question skips it until then, shown by `escalator stats`; `escalator unpark TIER` clears it) and \
        an unreachable host skips the remote tiers, each moving to the next tier that works (else \
        local); another error is retried once, then the next tier; with llama-server down the question \
        is not assessed and goes to [routing] default_tier.

        Examples:
          escalator ask "What is the capital of France?"
          escalator ask --tier opus "Review this design: ..."
          escalator ask --max-tier sonnet "Prove that sqrt(2) is irrational."
          escalator ask --json --tier local "Summarise: ..."
          escalator ask --set tiers.local.min_p=0.8 "What is 17 * 23?"
        """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var input: QuestionInput
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @OptionGroup var tiers: TierOptions

    func run() async throws {
        let context = try options.context()
        let choice = try tiers.choice(context.settings)
        let bounds = try tiers.bounds(context.settings)
        let question = try Router.validated(try input.read())
        let streaming = !json
        try await CLIErrors.translating {
            let ledger = try Ledger(settings: context.settings)
            let path = QuestionPath(router: try await context.router(), ledger: ledger)
            // Ctrl-C cancels: a remote turn is interrupted with Escape and the question is
            // recorded as failed, never left half-done.
            let result = try await Interrupt.cancellingOnSIGINT {
                try await path.ask(question, choice: choice, bounds: bounds) { piece in
                    if streaming { FileHandle.standardOutput.write(Data(piece.utf8)) }
                }
            }
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
