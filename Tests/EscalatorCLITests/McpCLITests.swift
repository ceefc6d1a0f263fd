import Foundation
import Routing
import TestSupport
import Testing

/// The project venv's Python, with the API clients `make python-clients` installs (mcp, openai, …).
enum ProjectPython {
    static var executable: String? {
        let path = (BuiltProducts.packageRoot as NSString).appendingPathComponent(".venv/bin/python")
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}

/// `escalator mcp` driven by a real MCP client: the official `mcp` Python package's stdio client
/// (Tests/clients/mcp_client.py, in the project venv from `make setup`), against a real
/// llama-server for the local tier and the real Claude Code CLI in tmux, talking to the API
/// stand-in with a long think time, for the escalations.
@Suite(.serialized, .timeLimit(.minutes(5)),
       .enabled(if: RealPart.shouldRun(LlamaServerFixture.isAvailable && ClaudeCodeFixture.executable != nil
                                       && TmuxFixture.tmuxExecutable != nil && ProjectPython.executable != nil)))
struct McpCLITests {
    static let thinkMs = 12_000
    static let progressInterval = 3.0

    @Test func theMCPClientListsAsksAssessesAndSeesProgressOnASlowEscalation() throws {
        let python = try #require(ProjectPython.executable, "no .venv/bin/python: run `make setup` (make python-clients installs mcp==2.3.0)")
        let llama = try LlamaServerFixture()
        defer { llama.stop() }
        let slow = "{\"match\": \"[slow]\", \"think_ms\": \(Self.thinkMs), \"reply\": \"Slow but sure.\"}"
        let standin = try APIStandin.start(script: "{\"default\": {\"reply\": \"Quick.\"}, \"rules\": [\(slow)]}")
        defer { standin.stop() }
        var env = try CLIEnvironment(prefix: "mcp")
        defer { env.remove() }
        try env.useClaudeCode(baseURL: standin.baseURL)

        let script = (BuiltProducts.packageRoot as NSString).appendingPathComponent("Tests/clients/mcp_client.py")
        // Ended by coreutils' `timeout` if the client hangs (its own waits have deadlines too).
        let run = try runBinary("/usr/bin/timeout", ["--kill-after=10", "240", python, script, BuiltProducts.executable("escalator"),
                                                     "--local-url", llama.url, "--progress-interval", String(Self.progressInterval)],
                                environment: env.variables)
        let report = try jsonObject(run.stdout.split(separator: "\n").last.map(String.init) ?? "")
        let stderr = report["server_stderr"] as? String ?? ""
        #expect(run.status == 0, "client: \(run.stderr)\nserver: \(stderr)")
        // stdout carried nothing but JSON-RPC: the client never met a line it could not read.
        #expect((report["stream_errors"] as? [String]) == [], "\(report["stream_errors"] ?? "")")

        // The three tools, with the configured tiers as the allowed values.
        let tools = try #require(report["tools"] as? [String: [String: Any]], "\(run.stdout)")
        #expect(Set(tools.keys) == ["ask", "assess", "stats"])
        #expect(tools["ask"]?["required"] as? [String] == ["question"])
        #expect(tools["ask"]?["properties"] as? [String] == ["max_tier", "question", "tier"])
        #expect(tools["ask"]?["tier_enum"] as? [String] == ["auto", "local", "sonnet", "opus"])
        #expect(tools["assess"]?["required"] as? [String] == ["question"])

        // ask on the local tier: the answer, and the decision as structured content.
        let local = try #require(report["ask_local"] as? [String: Any])
        #expect(local["is_error"] as? Bool == false, "\(local)")
        let decision = try #require(local["structured"] as? [String: Any], "\(local)")
        #expect(decision["tier_used"] as? String == "local")
        #expect(decision["route_tier"] as? String == "local")
        #expect(decision["degraded"] as? Bool == false)
        #expect(decision.keys.contains("degraded_reason") && decision["degraded_reason"] is NSNull)
        #expect(decision["cost_usd"] is NSNumber)
        let answer = try #require(decision["answer"] as? String)
        #expect(!answer.isEmpty)
        let texts = try #require(local["texts"] as? [String])
        #expect(texts.first == answer)
        #expect(texts.count == 2 && texts[1].hasPrefix("escalator decision: {"))
        // Recorded in the ledger like `escalator ask`.
        let ledger = try Ledger(path: env.home.file("data/escalator/ledger.sqlite"))
        let localID = try #require(decision["id"] as? String)
        let row = try #require(try ledger.record(id: localID))
        #expect(row.answer == answer && row.tierUsed?.name == "local")

        // assess: the assessment and the route ask would take.
        let assess = try #require(report["assess"] as? [String: Any])
        #expect(assess["is_error"] as? Bool == false, "\(assess)")
        let assessed = try #require(assess["structured"] as? [String: Any])
        let p = try #require(assessed["p_local_correct"] as? Double)
        #expect((0...1).contains(p))
        #expect(assessed["strategy"] as? String == "digit-scale")
        #expect(["local", "sonnet", "opus"].contains(assessed["route_tier"] as? String ?? ""))
        #expect((assessed["reason"] as? String)?.isEmpty == false)

        // Bad arguments are tool errors naming the problem; the server kept serving (calls follow).
        let bad = try #require(report["bad_arguments"] as? [String: [String: Any]])
        func badText(_ name: String) -> String {
            #expect(bad[name]?["is_error"] as? Bool == true, "\(name): \(bad[name] ?? [:])")
            return (bad[name]?["texts"] as? [String])?.joined(separator: " ") ?? ""
        }
        #expect(badText("missing_question").contains("ask: missing \"question\""))
        let unknownTier = badText("unknown_tier")
        #expect(unknownTier.contains("unknown tier \"gpt-9\"") && unknownTier.contains("auto, local, sonnet, opus"), "\(unknownTier)")
        let unknownMax = badText("unknown_max_tier")
        #expect(unknownMax.contains("\"max_tier\": unknown tier \"huge\"") && unknownMax.contains("local, sonnet, opus"), "\(unknownMax)")
        #expect(badText("question_not_a_string").contains("\"question\" must be a string, got a number"))
        #expect(badText("unknown_argument").contains("unknown argument \"temperature\""))

        // The slow escalation: progress notifications arrived while the agent worked, then the answer.
        let slowAsk = try #require(report["slow_ask"] as? [String: Any], "\(report)")
        #expect(slowAsk["is_error"] as? Bool == false, "\(slowAsk)\nserver: \(stderr)")
        let slowDecision = try #require(slowAsk["structured"] as? [String: Any], "\(slowAsk)")
        #expect(slowDecision["tier_used"] as? String == "opus")
        #expect(slowDecision["answer"] as? String == "Slow but sure.")
        #expect(slowDecision["degraded"] as? Bool == false)
        let cost = try #require(slowDecision["cost_usd"] as? Double)
        #expect(cost > 0)
        let progress = try #require(report["slow_progress"] as? [[String: Any]])
        #expect((slowAsk["progress_before_result"] as? Int ?? 0) >= 2, "\(progress)")
        #expect(progress.count == slowAsk["progress_before_result"] as? Int, "a progress notification after the result: \(progress)")
        let values = progress.compactMap { $0["progress"] as? Double }
        #expect(values == values.sorted() && Set(values).count == values.count, "progress must increase: \(values)")
        let messages = progress.compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.hasPrefix("sent to opus: waiting for the agent (") }, "\(messages)")
        // The stand-in held the turn for think_ms, and the escalation took at least that.
        #expect((slowAsk["seconds"] as? Double ?? 0) >= Double(Self.thinkMs) / 1000)
        // A ping and a stats call sent during the escalation were answered before it finished.
        let during = try #require(report["during_slow_ask"] as? [String: Any])
        #expect(during["ping_before_result"] as? Bool == true, "\(during)")
        #expect(during["stats_before_result"] as? Bool == true && during["stats_is_error"] as? Bool == false, "\(during)")

        // notifications/cancelled interrupted the second escalation; it is recorded as failed.
        let cancelled = try #require(report["cancelled_ask"] as? [String: Any])
        #expect(cancelled["result"] is NSNull, "a cancelled call gets no result: \(cancelled)")
        #expect(cancelled["failed_in_stats"] as? Int == 1, "\(cancelled)\nserver: \(stderr)")
        let failedRows = try ledger.all().filter { $0.error != nil }
        #expect(failedRows.map(\.question) == ["This one will be cancelled [slow]"], "\(failedRows.map { ($0.question, $0.error) })")

        // stats is the ledger's numbers, as `escalator stats --json` prints them.
        let stats = try #require(report["final_stats"] as? [String: Any])
        let cli = try env.run(["stats", "--json"])
        #expect(cli.status == 0, "\(cli.stderr)")
        let printed = try jsonObject(cli.stdout)
        #expect(stats["questions"] as? Int == printed["questions"] as? Int && stats["questions"] as? Int == 3)
        #expect(stats["answered"] as? Int == 2 && stats["failed"] as? Int == 1)
        #expect((stats["tiers"] as? [[String: Any]])?.map { $0["tier"] as? String } == ["local", "sonnet", "opus"])

        let listSeconds = report["list_tools_seconds"] as? Double ?? -1
        let intervals = zip(progress.dropFirst(), progress).compactMap { a, b in
            (a["at"] as? Double).flatMap { x in (b["at"] as? Double).map { x - $0 } }
        }
        print("mcp: tools listed \(listSeconds) s after spawn; slow ask \(slowAsk["seconds"] ?? "?") s, "
              + "\(progress.count) progress notifications, intervals \(intervals.map { String(format: "%.2f", $0) }) s; "
              + "ping during it \(during["ping_seconds"] ?? "?") s; total \(report["total_seconds"] ?? "?") s")
    }

    /// Closing the server's stdin, or SIGTERM, while an escalation runs: the question is
    /// interrupted and recorded as failed, no half answer is sent, and the server exits 0.
    @Test func closingStdinOrSIGTERMInterruptsTheRunningQuestion() throws {
        let python = try #require(ProjectPython.executable, "no .venv/bin/python: run `make setup`")
        let llama = try LlamaServerFixture()
        defer { llama.stop() }
        let slow = "{\"match\": \"[slow]\", \"think_ms\": 30000, \"reply\": \"too late\"}"
        let standin = try APIStandin.start(script: "{\"default\": {\"reply\": \"Quick.\"}, \"rules\": [\(slow)]}")
        defer { standin.stop() }
        var env = try CLIEnvironment(prefix: "mcp-stop")
        defer { env.remove() }
        try env.useClaudeCode(baseURL: standin.baseURL)
        let script = (BuiltProducts.packageRoot as NSString).appendingPathComponent("Tests/clients/mcp_shutdown.py")
        let ledger = try Ledger(path: env.home.file("data/escalator/ledger.sqlite"))
        for mode in ["eof", "sigterm"] {
            let question = "Interrupted by \(mode) [slow]"
            let run = try runBinary("/usr/bin/timeout", ["--kill-after=10", "150", python, script, BuiltProducts.executable("escalator"), mode,
                                                         question, "--local-url", llama.url, "--progress-interval", "1"],
                                    environment: env.variables)
            let report = try jsonObject(run.stdout.split(separator: "\n").last.map(String.init) ?? "")
            let stderr = report["server_stderr"] as? String ?? ""
            #expect(run.status == 0, "\(mode): \(run.stderr)")
            #expect(report["initialized"] as? Bool == true, "\(mode): \(report)")
            #expect(report["progress_before_stop"] as? Bool == true, "\(mode): \(report)")
            #expect(report["exit_code"] as? Int == 0, "\(mode): \(report["exit_code"] ?? "?") \(stderr)")
            #expect(report["response_to_ask"] as? Bool == false, "\(mode): an interrupted call sent a result")
            #expect(report["not_json"] as? [String] == [], "\(mode): stdout carried non-JSON lines")
            let rows = try ledger.all().filter { $0.question == question }
            #expect(rows.count == 1 && rows.first?.error != nil && rows.first?.answer == nil,
                    "\(mode): \(rows.map { ($0.error, $0.answer) })\n\(stderr)")
            print("mcp \(mode): exited \(report["exit_code"] ?? "?") after \(report["seconds_to_exit"] ?? "?") s")
        }
    }

    /// The real Claude Code CLI as the local agent: `escalator mcp` in its `mcpServers`, the
    /// stand-in's model calls `mcp__escalator__ask`, Claude Code runs the tool and hands the
    /// result back (its transcript holds the answer and the decision, the ledger the question).
    /// Claude Code starts the server itself (`command`/`args`), as a user's config does.
    @Test func theRealClaudeCodeCallsTheAskTool() throws {
        let llama = try LlamaServerFixture()
        defer { llama.stop() }
        let call = "{\"match\": \"[use escalator]\", \"tool_use\": {\"name\": \"mcp__escalator__ask\", "
            + "\"input\": {\"question\": \"Name a colour.\", \"tier\": \"local\"}}, \"after_tool_reply\": \"Escalator answered.\"}"
        let standin = try APIStandin.start(script: "{\"default\": {\"reply\": \"OK\"}, \"rules\": [\(call)]}")
        defer { standin.stop() }
        let env = try CLIEnvironment(prefix: "mcp-claude")
        defer { env.remove() }
        let cli = try ClaudeCodeFixture(home: env.home.path, baseURL: standin.baseURL)
        // Register the server as `claude mcp add` would, in the CLI's user config.
        let configPath = (env.home.path as NSString).appendingPathComponent(".claude.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: configPath))) as? [String: Any])
        config["mcpServers"] = ["escalator": ["type": "stdio", "command": BuiltProducts.executable("escalator"),
                                              "args": ["mcp", "--local-url", llama.url]]]
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))

        let variables = env.variables.merging(cli.environment) { $1 }
        let r = try runBinary("/usr/bin/timeout", ["--kill-after=10", "180", cli.executable, "-p", "Please [use escalator] now",
                                                   "--allowedTools", "mcp__escalator__ask"],
                              environment: variables, directory: cli.workspace)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "Escalator answered.", "\(r.stdout)\n\(r.stderr)")
        // The tool ran: the question is in escalator's ledger, answered locally.
        let rows = try Ledger(path: env.home.file("data/escalator/ledger.sqlite")).all()
        #expect(rows.map(\.question) == ["Name a colour."])
        let row = try #require(rows.first)
        #expect(row.tierUsed?.name == "local" && row.error == nil && row.answer?.isEmpty == false)
        // And its result went back to the model: the turn's tool_result carries the decision with that id.
        let projects = (env.home.path as NSString).appendingPathComponent(".claude/projects")
        let transcripts = (FileManager.default.enumerator(atPath: projects)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".jsonl") }
        let text = try transcripts.map { try String(contentsOfFile: (projects as NSString).appendingPathComponent($0), encoding: .utf8) }
            .joined(separator: "\n")
        let results = text.split(separator: "\n").filter { $0.contains("\"tool_result\"") }
        #expect(results.count == 1, "\(transcripts)")
        // Claude Code 2.1.332 hands the model the structured content (the decision with the answer) when
        // there is one, not the text blocks: so the answer must be in it.
        #expect(results.first?.contains(row.id) == true, "\(results)")
        #expect(results.first?.contains("\\\"answer\\\":") == true, "\(results)")
        #expect(results.first?.contains("\\\"tier_used\\\":\\\"local\\\"") == true, "\(results)")
    }
}
