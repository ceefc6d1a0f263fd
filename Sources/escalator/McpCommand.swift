import ArgumentParser
import Dispatch
import EscalatorMCP
import Foundation
import Routing

/// `escalator mcp`: the MCP server over stdio, for local agents (Claude Code, Qwen Code, Gemini
/// CLI, Codex) to use escalator as a tool. The server itself lives in EscalatorMCP.
struct McpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve escalator's tools (ask, assess, stats) to an MCP client over stdio.",
        discussion: """
        Speaks MCP (JSON-RPC, one message per line) on standard input and output; logs go to standard \
        error. Tools: ask {question, tier?, max_tier?} answers through the same path as `escalator ask` \
        (ledger, budgets, fallbacks, policy) and returns the answer plus the decision (tier_used, reason, \
        p_local_correct, cost_usd, degraded, degraded_reason, id); assess {question} returns \
        p_local_correct and the route `ask` would take; stats returns what `escalator stats --json` prints. \
        While a call that carries a progress token runs, a notifications/progress is sent every \
        --progress-interval seconds ("escalated to opus: waiting for the agent (12 s)"), so clients \
        with a 60 s tool timeout keep waiting. notifications/cancelled, closing stdin or SIGTERM interrupt \
        running questions; each is recorded as failed.

        A client configuration (Claude Code's .mcp.json, Qwen Code's or Gemini CLI's settings.json):
          {"mcpServers": {"escalator": {"command": "escalator", "args": ["mcp"]}}}

        Examples:
          escalator mcp
          escalator mcp --progress-interval 2 --set tiers.local.min_p=0.8
        """)

    @OptionGroup var options: GlobalOptions
    @Option(name: .customLong("progress-interval"),
            help: ArgumentHelp("Seconds between progress notifications while a question runs.", valueName: "seconds"))
    var progressInterval: Double = 5

    func validate() throws {
        guard progressInterval > 0, progressInterval.isFinite else {
            throw ValidationError("--progress-interval \(progressInterval): expected a positive number of seconds, e.g. 5")
        }
    }

    func run() async throws {
        let context = try options.context()
        try await CLIErrors.translating {
            let ledger = try Ledger(settings: context.settings)
            let services = MCPServices(settings: context.settings, ledger: ledger,
                                       router: { try await context.router() }, logger: context.logger)
            let server = EscalatorMCPServer(services: services, progressInterval: .milliseconds(Int(progressInterval * 1000)),
                                            version: Escalator.configuration.version)
            // SIGTERM / Ctrl-C: stop reading, interrupt the questions in flight, exit once recorded.
            let signals = [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { Task { await server.stop() } }
                source.resume()
                return source
            }
            defer { signals.forEach { $0.cancel() } }
            try await server.runOverStdio()
        }
    }
}
