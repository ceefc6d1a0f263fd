import Agents
import Foundation
import Routing
import TestSupport
import Testing

/// `escalator batch` against a real llama-server, real tmux sessions running claude-sim (over a
/// real sshd for the session pool) — budgets, exact-once after SIGKILL, K sessions, bad input.
@Suite(.serialized)
struct BatchCLITests {
    struct Setup {
        var env: CLIEnvironment
        var socket: String { env.tmuxSocket! }
        var dir: String { env.home.path }
        init(thinkMs: Int = 200) throws {
            env = try CLIEnvironment(prefix: "batch")
            env.useAgent(command: "\(BuiltProducts.executable("claude-sim")) --think-ms \(thinkMs)")
        }
        func stop() { env.remove() }
        func file(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
        func write(_ name: String, _ text: String) throws -> String {
            let path = file(name)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        /// The output's lines as JSON objects (every line must parse: no half-written line).
        func lines(_ path: String) throws -> [[String: Any]] {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return try text.split(separator: "\n").map { try jsonObject(String($0)) }
        }
        func spawn(_ arguments: [String]) throws -> SpawnedProcess {
            try SpawnedProcess(BuiltProducts.executable("escalator"), arguments,
                               environment: env.variables.map { "\($0.key)=\($0.value)" })
        }
    }

    static let realParts = LlamaServerFixture.isAvailable && TmuxFixture.tmuxExecutable != nil

    static func questions(_ n: Int) -> String {
        (1...n).map { "{\"id\": \"q\($0)\", \"question\": \"What is \($0) times \($0 + 2)? Answer briefly.\"}" }.joined(separator: "\n") + "\n"
    }

    // MARK: Bad input (no real parts needed: the input is refused before anything starts)

    @Test func malformedLinesAreRefusedWithTheirNumbersAndNothingIsWritten() throws {
        let s = try Setup()
        defer { s.stop() }
        let input = try s.write("q.jsonl", """
        {"id": "a", "question": "fine"}
        {"id": "b", "question": "missing brace"
        {"id": "c", "question": "fine too"}
        {"id": "d", "text": "no question field"}

        """)
        let out = s.file("out.jsonl")
        let r = try s.env.run(["batch", input, "--output", out])
        #expect(r.status != 0)
        #expect(r.stderr.contains("line 2") && r.stderr.contains("line 4"), "\(r.stderr)")
        #expect(!r.stderr.contains("line 1:") && !r.stderr.contains("line 3:"), "\(r.stderr)")
        #expect(r.stderr.contains("--skip-invalid"))
        #expect(!FileManager.default.fileExists(atPath: out))

        // With --skip-invalid the two good questions are planned (llama-server down: default tier).
        let dead = "http://127.0.0.1:\(try freeLoopbackPort())"
        let dry = try s.env.run(["batch", input, "--output", out, "--skip-invalid", "--dry-run", "--local-url", dead])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.contains("line 2") && dry.stderr.contains("line 4"))
        #expect(dry.stdout.split(separator: "\n").contains { $0.hasPrefix("total") && $0.split(separator: " ").dropFirst().first == "2" },
                "\(dry.stdout)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func duplicateIdsAreRefused() throws {
        let s = try Setup()
        defer { s.stop() }
        let input = try s.write("q.csv", "id,question\nx,one?\ny,two?\nx,three?\n")
        let r = try s.env.run(["batch", input, "--output", s.file("out.jsonl")])
        #expect(r.status != 0)
        #expect(r.stderr.contains("\"x\"") || r.stderr.contains(" x "), "\(r.stderr)")
        #expect(r.stderr.contains("2") && r.stderr.contains("4"), "\(r.stderr)")
    }

    @Test func anExistingOutputNeedsResume() throws {
        let s = try Setup()
        defer { s.stop() }
        let input = try s.write("q.txt", "one?\n")
        let out = try s.write("out.jsonl", "{\"id\":\"line-1\",\"status\":\"ok\"}\n")
        let r = try s.env.run(["batch", input, "--output", out])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--resume"), "\(r.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "{\"id\":\"line-1\",\"status\":\"ok\"}\n")
    }

    // MARK: Budget

    @Test(.enabled(if: RealPart.shouldRun(realParts)))
    func theBudgetIsNeverExceededAndGoesToTheMostValuableQuestions() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let s = try Setup()
        defer { s.stop() }
        let input = try s.write("q.jsonl", Self.questions(8))
        let out = s.file("out.jsonl")
        let budget = 0.02, expectedAnswer = 400.0, inPrice = 3.0, outPrice = 15.0
        let common = ["--local-url", server.url, "--budget", String(budget),
                      "--set", "thresholds.local_min=1", "--set", "thresholds.sonnet_min=0",  // every question wants sonnet
                      "--set", "routing.expected_answer_tokens=\(Int(expectedAnswer))",
                      "--set", "prices.sonnet_input=\(inPrice)", "--set", "prices.sonnet_output=\(outPrice)", "--progress", "lines"]
        let dry = try s.env.run(["batch", input, "--output", out, "--dry-run"] + common)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))

        let r = try s.env.run(["batch", input, "--output", out] + common)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try s.lines(out)
        #expect(lines.count == 8 && lines.allSatisfy { $0["status"] as? String == "ok" })
        let escalated = lines.filter { $0["tier_used"] as? String == "sonnet" }
        let kept = lines.filter { $0["tier_used"] as? String == "local" }
        #expect(!escalated.isEmpty && !kept.isEmpty, "the budget should allow some escalations but not all")
        func planned(_ o: [String: Any]) -> Double {
            (Double(o["question_tokens"] as? Int ?? 0) * inPrice + expectedAnswer * outPrice) / 1_000_000
        }
        let plannedSpend = escalated.map(planned).reduce(0, +)
        #expect(plannedSpend <= budget)
        // Greedy: none of the questions kept local would still have fitted.
        for o in kept {
            #expect(plannedSpend + planned(o) > budget, "\(o["id"] ?? "") would have fitted")
            #expect(((o["route"] as? [String: Any])?["reason"] as? String)?.contains("budget") == true)
        }
        // What was spent (by the estimates from the real answers) stays within the budget too.
        #expect(escalated.compactMap { $0["cost_estimated_usd"] as? Double }.reduce(0, +) <= budget)
        // The dry run planned the same split.
        let sonnetRow = dry.stdout.split(separator: "\n").first { $0.hasPrefix("sonnet") }
        #expect(sonnetRow?.split(separator: " ").dropFirst().first.map(String.init) == String(escalated.count), "\(dry.stdout)")
        // The run's answers are in the ledger.
        let ledger = try Ledger(path: s.env.home.file("data/escalator/ledger.sqlite"))
        #expect(Set(try ledger.all().map(\.id)) == Set(lines.compactMap { $0["ledger_id"] as? String }))
    }

    // MARK: Exact once

    @Test(.enabled(if: RealPart.shouldRun(realParts)))
    func killedBatchesResumeAndAnswerEveryQuestionExactlyOnce() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let s = try Setup(thinkMs: 300)
        defer { s.stop() }
        let n = 10
        let input = try s.write("q.jsonl", Self.questions(n))
        let out = s.file("out.jsonl")
        let args = [input, "--output", out, "--local-url", server.url, "--progress", "none",
                    "--set", "thresholds.local_min=0.74", "--set", "thresholds.sonnet_min=0"]
        // Kill with SIGKILL before any answer, after 3, and after 7; then finish.
        for (round, killAt) in [0, 3, 7].enumerated() {
            let process = try s.spawn(["batch"] + args + (round == 0 ? [] : ["--resume"]))
            defer { process.stop(grace: 0) }
            try await waitUntil("\(killAt) answers in \(out)", timeout: 120) {
                guard process.isRunning else { return true }
                return killAt == 0 ? FileManager.default.fileExists(atPath: out) : (try s.lines(out)).count >= killAt
            }
            #expect(process.isRunning, "round \(round): the batch ended before it could be killed")
            kill(process.pid, SIGKILL)
            try await waitUntil("the killed batch to exit") { !process.isRunning }
        }
        let last = try s.env.run(["batch", "--resume"] + args)
        #expect(last.status == 0, "\(last.stderr)")
        let lines = try s.lines(out)
        var counts: [String: Int] = [:]
        for o in lines where o["status"] as? String == "ok" { counts[o["id"] as? String ?? "?", default: 0] += 1 }
        #expect(counts == Dictionary(uniqueKeysWithValues: (1...n).map { ("q\($0)", 1) }), "\(counts)")
        // Running it again has nothing to do.
        let again = try s.env.run(["batch", "--resume"] + args)
        #expect(again.status == 0 && again.stderr.contains("nothing to do"), "\(again.stderr)")
        #expect(try s.lines(out).count == lines.count)
    }

    // MARK: Session pool

    @Test(.enabled(if: RealPart.shouldRun(realParts && SSHDFixture.sshdPath != nil)))
    func remoteQuestionsRunInKSessionsAtOnceOverSSH() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let sshd = try await SSHDFixture()
        defer { sshd.stop() }
        var s = try Setup(thinkMs: 2500)
        defer { s.stop() }
        s.env.variables["ESCALATOR_REMOTE_TRANSPORT"] = "ssh"
        s.env.variables["ESCALATOR_REMOTE_HOST"] = "127.0.0.1"
        s.env.variables["ESCALATOR_REMOTE_PORT"] = String(sshd.port)
        s.env.variables["ESCALATOR_REMOTE_USER"] = sshd.user
        s.env.variables["ESCALATOR_REMOTE_IDENTITY_FILE"] = sshd.userKeyPath
        s.env.variables["ESCALATOR_REMOTE_KNOWN_HOSTS"] = sshd.knownHostsPath
        s.env.variables.removeValue(forKey: "SSH_AUTH_SOCK")
        let k = 3
        let input = try s.write("q.jsonl", Self.questions(6))
        let out = s.file("out.jsonl")
        let process = try s.spawn(["batch", input, "--output", out, "--local-url", server.url, "--tier", "sonnet",
                                   "--remote-sessions", String(k), "--progress", "none"])
        defer { process.stop(grace: 0) }
        let sessions = ["escalator-sonnet"] + (2...k).map { "escalator-sonnet-\($0)" }
        let tmux = try #require(TmuxFixture.tmuxExecutable)
        let profile = ClaudeCodeProfile()
        // Proof of parallelism: at one moment, at least two sessions are busy answering.
        var mostBusy = 0
        try await waitUntil("two sessions busy at once", timeout: 120) {
            let busy = sessions.filter { name in
                guard let screen = try? runBinary(tmux, ["-L", s.socket, "capture-pane", "-p", "-t", name]), screen.status == 0 else {
                    return false
                }
                return profile.parse(screen.stdout).kind == .busy
            }.count
            mostBusy = max(mostBusy, busy)
            return busy >= 2 || !process.isRunning
        }
        #expect(mostBusy >= 2)
        try await waitUntil("the batch to finish", timeout: 120) { !process.isRunning }
        #expect(process.exitStatus == 0, "signal \(process.terminationSignal.map(String.init) ?? "none")")
        let lines = try s.lines(out)
        #expect(lines.count == 6 && lines.allSatisfy { $0["tier_used"] as? String == "sonnet" && $0["status"] as? String == "ok" })
        let listed = try runBinary(tmux, ["-L", s.socket, "list-sessions", "-F", "#{session_name}"]).stdout
        #expect(Set(listed.split(separator: "\n").map(String.init)) == Set(sessions))
    }
}
