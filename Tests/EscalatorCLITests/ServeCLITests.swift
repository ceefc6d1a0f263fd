import Foundation
import Routing
import TestSupport
import Testing

/// The project venv's Python with the client libraries (`make setup` installs them).
enum ServeClients {
    static var python: String? {
        let path = (BuiltProducts.packageRoot as NSString).appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: path),
              (try? runBinary(path, ["-c", "import openai, anthropic, llm"]).status) == 0 else { return nil }
        return path
    }
}

/// `escalator serve` driven by real clients (PyPI's openai, anthropic and llm, installed into the
/// project venv by `make setup`), with a real llama-server and, for the remote tiers, the real
/// Claude Code CLI against the API stand-in. Answers are checked against the ledger's record and
/// the stand-in's log, not against what the server says of itself.
@Suite(.serialized, .timeLimit(.minutes(6)),
       .enabled(if: RealPart.shouldRun(LlamaServerFixture.isAvailable && ServeClients.python != nil
                                        && ClaudeCodeFixture.executable != nil && TmuxFixture.tmuxExecutable != nil)))
struct ServeCLITests {
    static var python: String? { ServeClients.python }
    static let clients = (BuiltProducts.packageRoot as NSString).appendingPathComponent("Tests/clients/serve_clients.py")

    final class Served: @unchecked Sendable {
        let llama: LlamaServerFixture
        let standin: APIStandin
        var env: CLIEnvironment
        let port: Int
        let process: SpawnedProcess
        var base: String { "http://127.0.0.1:\(port)" }

        init(script: String = RealAgentCLITests.script("From the agent."), extra: [String: String] = [:]) throws {
            llama = try LlamaServerFixture()
            do {
                standin = try APIStandin.start(script: script)
            } catch {
                llama.stop()
                throw error
            }
            do {
                env = try CLIEnvironment(prefix: "serve")
                try env.useClaudeCode(baseURL: standin.baseURL)
                env.variables["ESCALATOR_LOCAL_URL"] = llama.url
                for (name, value) in extra { env.variables[name] = value }
                port = try freeLoopbackPort()
                process = try SpawnedProcess(BuiltProducts.executable("escalator"), ["serve", "--port", String(port)],
                                             environment: env.variables.map { "\($0.key)=\($0.value)" })
            } catch {
                standin.stop()
                llama.stop()
                throw error
            }
            let deadline = Date().addingTimeInterval(60)
            while !loopbackAccepts(port: port) {
                guard process.isRunning, Date() < deadline else {
                    stop()
                    throw RealPart.Missing(part: "escalator serve", fix: "it did not listen on port \(port) within 60 s")
                }
                usleep(50_000)
            }
        }

        /// Runs a client scenario and decodes its JSON.
        func client(_ scenario: String, _ arguments: [String] = [], extra: [String: String] = [:]) throws -> Any {
            let r = try runBinary(try #require(ServeCLITests.python), [ServeCLITests.clients, base, scenario] + arguments,
                                  environment: ProcessInfo.processInfo.environment.merging(extra) { $1 })
            #expect(r.status == 0, "\(scenario): \(r.stderr)")
            return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        }

        func ledger() throws -> Ledger { try Ledger(path: env.home.file("data/escalator/ledger.sqlite")) }

        /// The recorded answer of the question with this id.
        func recorded(_ id: String?) throws -> LedgerRecord {
            let id = try #require(id, "no x-escalator-id")
            return try #require(try ledger().record(id: id))
        }

        /// SIGTERM: the server stops accepting, finishes, and exits 0.
        func stop() -> Int32? {
            process.stop(grace: 20)
            env.remove()
            standin.stop()
            llama.stop()
            return process.exitStatus
        }
    }

    @Test func openAIClientLocalAndAutoPlainAndStreamed() throws {
        let s = try Served()
        var exit: Int32?
        defer { exit = s.stop(); #expect(exit == 0, "serve did not exit cleanly on SIGTERM") }
        for model in ["local", "auto"] {
            let o = try #require(try s.client("openai", [model, "What is the capital of France? (\(model))"]) as? [String: Any])
            for kind in ["plain", "stream"] {
                let r = try #require(o[kind] as? [String: Any])
                let headers = try #require(r["headers"] as? [String: String])
                let decision = try #require(r["escalator"] as? [String: Any], "\(kind): \(r)")
                let id = try #require(decision["id"] as? String)
                let row = try s.recorded(id)
                // The client got exactly the recorded answer, and the decision the ledger holds.
                #expect(r["text"] as? String == row.answer, "\(model) \(kind)")
                #expect(decision["tier"] as? String == row.tierUsed?.name)
                #expect(decision["reason"] as? String == row.route?.reason)
                #expect(decision["degraded"] as? Bool == row.degraded)
                #expect(abs((decision["cost_usd"] as? Double ?? -1) - row.costUsd) < 1e-12)
                #expect(r["finish_reason"] as? String == "stop")
                if model == "local" { #expect(row.tierUsed?.name == "local") }
                if row.tierUsed?.isLocal == false { #expect(row.answer == "From the agent.") }
                if model == "auto" { #expect(row.assessment?.pLocalCorrect != nil, "auto was assessed") }
                // Route headers: the stream's are sent before the answer (the route); plain's after.
                #expect(headers["x-escalator-tier"] == (kind == "plain" ? row.tierUsed?.name : row.route?.tier.name))
                #expect(headers["x-escalator-reason"] != nil && headers["x-escalator-p-local-correct"] != nil)
                if kind == "plain" {
                    #expect(headers["x-escalator-id"] == id)
                    #expect(headers["x-escalator-degraded"] == (row.degraded ? "true" : "false"))
                    #expect(Double(headers["x-escalator-cost-usd"] ?? "") != nil)
                }
            }
        }
    }

    @Test func anthropicClientReachesTheRealCLIAndFoldsHistory() throws {
        let s = try Served()
        var exit: Int32?
        defer { exit = s.stop(); #expect(exit == 0) }
        let o = try #require(try s.client("anthropic", ["opus", "Which model answers this?"]) as? [String: Any])
        for kind in ["plain", "stream"] {
            let r = try #require(o[kind] as? [String: Any])
            #expect(r["text"] as? String == "From the agent.", "\(kind): \(r)")
            #expect(r["stop_reason"] as? String == "end_turn")
            let decision = try #require(r["escalator"] as? [String: Any])
            #expect(decision["tier"] as? String == "opus")
            #expect(try s.recorded(decision["id"] as? String).tierUsed?.name == "opus")
        }
        // The stand-in saw each question on Opus, once.
        let served = try s.standin.requests().filter { !$0.path.contains("count_tokens") }
        #expect(served.filter { $0.lastUserText == "Which model answers this?" }.map(\.model) == ["claude-opus-5-5"])
        #expect(served.filter { $0.lastUserText == "Which model answers this? (streamed)" }.count == 1)
        // A follow-up of an answered conversation goes to the same agent session, without /clear:
        // only the new message is typed, and the agent's own context holds the first question.
        let continued = try #require(o["continued"] as? [String: Any])
        #expect((continued["headers"] as? [String: String])?["x-escalator-conversation"] == "continued", "\(continued)")
        #expect((continued["escalator"] as? [String: Any])?["tier"] as? String == "opus")
        let next = try #require(served.last { $0.lastUserText == "What did I ask first?" }, "the follow-up was not sent as itself")
        let first = try #require(served.first { $0.lastUserText == "Which model answers this?" })
        // The same CLI conversation (its session id), now carrying the earlier turn: the first
        // request held one user message (after /clear), this one the whole exchange before it.
        #expect(next.sessionId != nil && next.sessionId == first.sessionId,
                "not the same agent conversation: \(served.map { ($0.sessionId ?? "-", $0.messageCount) })")
        #expect(next.messageCount >= first.messageCount + 2, "\(first.messageCount) then \(next.messageCount) messages")
        // A history the server never answered goes along as context in one prompt, and the response says so.
        let followup = try #require(o["followup"] as? [String: Any])
        #expect((followup["headers"] as? [String: String])?["x-escalator-conversation"] == "folded")
        let folded = try #require(served.last { $0.lastUserText?.contains("And a follow-up?") == true })
        #expect(folded.lastUserText?.contains("An earlier answer.") == true && folded.lastUserText?.contains("Which model answers this?") == true)
    }

    @Test func llmCLIWithAnOpenAICompatibleModel() throws {
        let s = try Served()
        var exit: Int32?
        defer { exit = s.stop(); #expect(exit == 0) }
        let home = try TemporaryDirectory(prefix: "llm-home")
        defer { home.remove() }
        let o = try #require(try s.client("llm", ["local", "Name a colour."], extra: ["LLM_USER_PATH": home.path]) as? [String: Any])
        #expect(o["status"] as? Int == 0, "\(o)")
        let last = try #require(try s.ledger().last(1).first)
        #expect(last.question == "Name a colour." && last.tierUsed?.name == "local")
        #expect((o["stdout"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines)
                == last.answer?.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func eightClientsAtOnceAgainstTwoSlotsAndAQueueOfFour() throws {
        let s = try Served(extra: ["ESCALATOR_SERVE_CONCURRENCY": "2", "ESCALATOR_SERVE_QUEUE": "4"])
        var exit: Int32?
        defer { exit = s.stop(); #expect(exit == 0) }
        let results = try #require(try s.client("concurrent", ["8", "local"]) as? [[String: Any]])
        #expect(results.count == 8)
        let answered = results.filter { $0["status"] as? Int == 200 }
        let refused = results.filter { $0["status"] as? Int == 429 }
        #expect(answered.count + refused.count == 8, "\(results)")
        #expect(answered.count >= 6, "2 answering + 4 queued must all be answered: \(results)")
        for r in refused { #expect(r["retry_after"] as? String != nil, "429 without Retry-After: \(r)") }
        // None mixed: each client's answer is the one recorded for its own question.
        for r in answered {
            let row = try s.recorded(r["id"] as? String)
            #expect(row.question == r["question"] as? String)
            #expect(row.answer == r["text"] as? String)
        }
        #expect(Set(answered.compactMap { $0["id"] as? String }).count == answered.count)
    }

    @Test func badRequestsGetTheirAPIsErrorShapeAndTheServerGoesOn() throws {
        let s = try Served()
        var exit: Int32?
        defer { exit = s.stop(); #expect(exit == 0) }
        let o = try #require(try s.client("errors") as? [String: [String: Any]])
        func openAIError(_ name: String, _ status: Int, mentioning text: String) {
            let e = o[name] ?? [:]
            #expect(e["status"] as? Int == status, "\(name): \(e)")
            let message = ((e["body"] as? [String: Any])?["message"] as? String)
                ?? (((e["body"] as? [String: Any])?["error"] as? [String: Any])?["message"] as? String) ?? ""
            #expect(message.contains(text), "\(name): \(message)")
        }
        openAIError("unknown_model", 404, mentioning: "gpt-9")
        openAIError("empty_messages", 400, mentioning: "empty")
        openAIError("assistant_last", 400, mentioning: "last message")
        openAIError("bad_max_tier", 400, mentioning: "platinum")
        openAIError("malformed_json", 400, mentioning: "not valid JSON")
        openAIError("oversized", 413, mentioning: "bytes")
        openAIError("not_found", 404, mentioning: "/v2/nothing")
        // Anthropic's shape: {"type": "error", "error": {"type", "message"}}.
        let a = try #require(o["anthropic_malformed"]?["body"] as? [String: Any])
        #expect(a["type"] as? String == "error" && (a["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
        #expect(o["anthropic_unknown_model"]?["status"] as? Int == 404)
        // Nothing half-answered was recorded, and the server still answers.
        #expect(try s.ledger().last(100).isEmpty)
        let after = try #require(try s.client("openai", ["local", "Still there?"]) as? [String: Any])
        #expect((after["plain"] as? [String: Any])?["text"] as? String != nil)
    }

    @Test func theMaxTierHeaderCapsAuto() throws {
        // Thresholds that send every question to the dearest tier; the header caps it at local.
        let s = try Served(extra: ["ESCALATOR_TIERS_LOCAL_MIN_P": "1", "ESCALATOR_TIERS_SONNET_MIN_P": "1"])
        var exit: Int32?
        defer { exit = s.stop(); #expect(exit == 0) }
        let o = try #require(try s.client("capped", ["local", "Would you escalate this?"]) as? [String: Any])
        let decision = try #require(o["escalator"] as? [String: Any])
        let row = try s.recorded(decision["id"] as? String)
        #expect(row.tierUsed?.name == "local" && row.route?.tier.name == "local", "\(decision)")
        #expect((o["headers"] as? [String: String])?["x-escalator-tier"] == "local")
        #expect(row.assessment?.pLocalCorrect != nil, "auto was assessed")
        #expect(try s.standin.requests().filter { !$0.path.contains("count_tokens") }.isEmpty, "nothing reached the agent")
    }

    @Test func keysAndDailyBudgetsHoldThroughTheRoute() throws {
        // One key with almost nothing to spend, one without a limit.
        let s = try Served(extra: ["ESCALATOR_SERVE_KEYS": "sk-tiny-budget:0.000001,sk-unlimited-key"])
        var exit: Int32?
        defer { exit = s.stop(); #expect(exit == 0) }
        let missing = try #require(try s.client("keys", ["local", "hi"], extra: ["SERVE_KEY": "sk-not-a-key"]) as? [String: [String: Any]])
        #expect(missing["answer"]?["status"] as? Int == 401)
        // The tiny budget refuses a forced remote tier and caps auto at the local tier.
        let forced = try #require(try s.client("keys", ["opus", "Expensive?"], extra: ["SERVE_KEY": "sk-tiny-budget"]) as? [String: [String: Any]])
        #expect(forced["answer"]?["status"] as? Int == 429, "\(forced)")
        let capped = try #require(try s.client("openai", ["auto", "Cheap enough?"], extra: ["SERVE_KEY": "sk-tiny-budget"]) as? [String: Any])
        let decision = try #require((capped["plain"] as? [String: Any])?["escalator"] as? [String: Any])
        #expect(decision["tier"] as? String == "local", "\(decision)")
        let ok = try #require(try s.client("keys", ["local", "hi"], extra: ["SERVE_KEY": "sk-unlimited-key"]) as? [String: [String: Any]])
        #expect(ok["answer"]?["status"] as? Int == 200)
        // No stand-in request: nothing went to the agent on the tiny key.
        #expect(try s.standin.requests().filter { !$0.path.contains("count_tokens") }.isEmpty)
    }

    @Test func refusesToListenBeyondLoopbackWithoutKeys() throws {
        let env = try CLIEnvironment(prefix: "serve-refuse")
        defer { env.remove() }
        let r = try env.run(["serve", "--host", "0.0.0.0", "--port", "0"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("without keys") && r.stderr.contains("[serve"), "\(r.stderr)")
    }
}
