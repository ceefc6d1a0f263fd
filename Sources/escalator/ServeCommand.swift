import ArgumentParser
import EscalatorServe
import Foundation
import Routing

/// `escalator serve`: the question path behind OpenAI- and Anthropic-compatible HTTP endpoints.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve escalator as an OpenAI- and Anthropic-compatible HTTP API (model \"auto\" routes).",
        discussion: """
        Endpoints: POST /v1/chat/completions (OpenAI) and POST /v1/messages (Anthropic), plain or \
        streamed (SSE, "stream": true); GET /v1/models (auto plus one model per tier); GET /health. \
        Every request runs through the same path as `escalator ask`: assessed, routed, answered with \
        fallbacks and recorded in the ledger.

        Model "auto" routes by the assessment; a tier name (local, sonnet, opus, … as configured) \
        forces that tier; the header x-escalator-max-tier caps auto. Responses say what happened in \
        headers (x-escalator-tier, -reason, -p-local-correct, -cost-usd, -degraded, -conversation), in \
        an "escalator" object of the JSON body, and in the final stream event (a stream's headers \
        carry the route decided before the answer; its final event the tier that answered).

        A request carries the whole conversation: the last user message is the question; earlier \
        messages and the system prompt are sent along as context in one prompt \
        (x-escalator-conversation: folded).

        Up to [serve] concurrency requests are answered at once (each holds one agent session of its \
        tier), [serve] queue more wait; beyond that the answer is HTTP 429 with Retry-After. With \
        [serve] keys = ["KEY:DAILY_USD", …] requests need Authorization: Bearer KEY (or x-api-key), and \
        each key's daily budget caps the tiers it may reach; without keys only loopback is served.

        Ctrl-C or SIGTERM stops accepting, lets requests in flight finish, and exits.

        Examples:
          escalator serve
          escalator serve --port 9000
          curl -s localhost:8765/v1/chat/completions -H 'content-type: application/json' \\
            -d '{"model": "auto", "messages": [{"role": "user", "content": "What is 2+2?"}]}'
        """)

    @OptionGroup var options: GlobalOptions
    @Option(help: ArgumentHelp("Address to listen on (default: [serve] host, 127.0.0.1).", valueName: "host")) var host: String?
    @Option(help: ArgumentHelp("Port (default: [serve] port, 8765; 0 picks a free one).", valueName: "port")) var port: Int?

    func run() async throws {
        let context = try options.context()
        let settings = context.settings
        let configuration = ServeConfiguration(host: host ?? settings.serve.host, port: port ?? settings.serve.port,
                                               keys: settings.serve.keys, concurrency: settings.serve.concurrency,
                                               queue: settings.serve.queue)
        do { try configuration.validate() } catch { throw CLIError(description: error.description) }
        try await CLIErrors.translating {
            let path = QuestionPath(router: try await context.router(), ledger: try Ledger(settings: settings))
            let server = try EscalatorServer(configuration: configuration, path: path, tiers: settings.tiers,
                                             bounds: try settings.bounds(), logger: context.logger)
            try await server.run { port in
                let shown = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
                FileHandle.standardError.write(Data("escalator serve listening on http://\(shown):\(port) (tiers: auto, \(settings.tiers.names.joined(separator: ", ")))\n".utf8))
            }
        }
    }
}
