import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// `prompts/SKILL.md`, the skill file a local terminal agent loads to use escalator: what it must
/// contain, and every command in its ```sh blocks run exactly as written.
enum SkillFile {
    static var path: String { (BuiltProducts.packageRoot as NSString).appendingPathComponent("prompts/SKILL.md") }

    static func text() throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// The YAML front matter's `key: value` lines (between the opening and closing `---`).
    static func frontMatter(_ text: String) -> [String: String]? {
        let lines = text.components(separatedBy: "\n")
        guard lines.first == "---", let end = lines.dropFirst().firstIndex(of: "---") else { return nil }
        var fields: [String: String] = [:]
        for line in lines[1..<end] {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon]).trimmingCharacters(in: .whitespaces)] =
                String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    /// Every command line of the ```sh blocks, in file order, without comments and blank lines.
    /// Fences with another language (or none) are not commands.
    static func commands(_ text: String) -> [String] {
        var commands: [String] = []
        var inShellBlock = false, inOtherBlock = false
        for raw in text.components(separatedBy: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") {
                if inShellBlock || inOtherBlock {
                    inShellBlock = false
                    inOtherBlock = false
                } else if line == "```sh" {
                    inShellBlock = true
                } else {
                    inOtherBlock = true
                }
                continue
            }
            guard inShellBlock, !line.isEmpty, !line.hasPrefix("#") else { continue }
            commands.append(line)
        }
        return commands
    }
}

/// What the file says, checked without running anything.
@Suite(.serialized)
struct SkillFileFormatTests {
    @Test func frontMatterNamesTheSkillAndSaysWhenToUseIt() throws {
        let fields = try #require(SkillFile.frontMatter(try SkillFile.text()), "SKILL.md must start with --- front matter ---")
        #expect(fields["name"] == "escalator")
        let description = try #require(fields["description"])
        #expect(description.count > 20, "description: \(description)")
        #expect(description.lowercased().contains("escalator"))
    }

    @Test func everyCommandIsOneRunnableEscalatorLine() throws {
        let text = try SkillFile.text()
        let commands = SkillFile.commands(text)
        #expect(commands.count >= 8, "only \(commands.count) commands: \(commands)")
        for command in commands {
            #expect(command.hasPrefix("escalator "), "does not start with escalator: \(command)")
            #expect(!command.hasSuffix("\\"), "continued line: \(command)")
            // A pipe may only feed python3 (jq may be missing on the agent's machine).
            for stage in pipeStages(command).dropFirst() {
                #expect(stage.hasPrefix("python3 -c "), "pipes into something other than python3 -c: \(command)")
            }
        }
        // The flags and subcommands the issue asks the skill to teach.
        for needle in ["ask --json", "--tier local", "--tier opus", "--max-tier", "--min-tier", "--max-tier local",
                       "batch questions.txt", "--budget", "--dry-run", "stats", "attach sonnet --print",
                       "feedback", "--correct", "log --last 5"] {
            #expect(commands.contains { $0.contains(needle) }, "no command shows \(needle)")
        }
        for field in ["answer", "tier_used", "degraded", "degraded_reason", "cost_usd", "route.reason", "id", "attempts"] {
            #expect(text.contains("`\(field)`"), "the JSON field \(field) is not explained")
        }
        #expect(!text.contains("| jq"), "jq may not be installed; use python3")
        #expect(text.components(separatedBy: "\n").count <= 130, "keep the skill short")
    }

    /// The stages of a pipeline, split on `|` outside single and double quotes.
    func pipeStages(_ command: String) -> [String] {
        var stages: [String] = [], current = ""
        var quote: Character?
        for c in command {
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "|" {
                stages.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
                continue
            }
            current.append(c)
        }
        stages.append(current.trimmingCharacters(in: .whitespaces))
        return stages
    }
}

/// Runs every command of SKILL.md, in file order, with `/bin/sh -c` in a scratch working directory,
/// against a real llama-server and claude-sim as the remote agent in a private tmux server.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(LlamaServerFixture.isAvailable && TmuxFixture.tmuxExecutable != nil)))
struct SkillFileCommandTests {
    @Test func everyCommandRunsAsWritten() async throws {
        let commands = SkillFile.commands(try SkillFile.text())
        try #require(commands.count >= 8, "only \(commands.count) commands")
        let tmux = try #require(TmuxFixture.tmuxExecutable, "tmux is not installed: apt-get install -y tmux")

        let server = try LlamaServerFixture()
        defer { server.stop() }
        var env = try CLIEnvironment(prefix: "skill")
        let socket = "escalator-skill-\(UUID().uuidString.prefix(8))"
        defer {
            // Stop exactly this test's tmux server, then drop the socket file it leaves behind.
            _ = try? runBinary(tmux, ["-L", socket, "kill-server"])
            let tmpdir = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
            try? FileManager.default.removeItem(atPath: "\(tmpdir)/tmux-\(getuid())/\(socket)")
            env.remove()
        }
        let work = env.home.file("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try "What is 2 + 2?\nName the capital of Italy.\nWhat colour is the sky on a clear day?\n"
            .write(toFile: (work as NSString).appendingPathComponent("questions.txt"), atomically: true, encoding: .utf8)

        env.variables["PATH"] = BuiltProducts.productsDirectory + ":" + (env.variables["PATH"] ?? "/usr/bin:/bin")
        env.variables["ESCALATOR_LOCAL_URL"] = server.url
        env.variables["ESCALATOR_REMOTE_COMMAND"] = "\(BuiltProducts.executable("claude-sim")) --think-ms 100"
        env.variables["ESCALATOR_REMOTE_TMUX_SOCKET"] = socket
        // The 270M test model rambles to the token limit; a short limit keeps the local answers quick
        // on a loaded 2-core machine without changing any command.
        env.variables["ESCALATOR_LOCAL_ANSWER_MAX_TOKENS"] = "48"

        try await waitUntil("llama-server healthy at \(server.url)", timeout: 120) { await healthy(server.url) }

        for (index, command) in commands.enumerated() {
            let started = Date()
            let r = try runShell(command, in: work, environment: env.variables, timeout: 600)
            let seconds = Date().timeIntervalSince(started)
            #expect(r.status == 0, """
                command \(index + 1) of \(commands.count) exited \(r.status) after \(String(format: "%.1f", seconds)) s:
                $ \(command)
                --- stdout ---
                \(r.stdout)
                --- stderr ---
                \(r.stderr)
                """)
            if r.status != 0 { continue }
            // Pipelines hide the first command's status in sh (no pipefail in dash); each python3 stage
            // parses escalator's JSON, so an escalator failure shows up as a python error. Check the
            // commands with known output, too.
            if command.hasPrefix("escalator attach sonnet --print") {
                #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "tmux -L \(socket) attach-session -t escalator-sonnet",
                        "\(r.stdout)")
            }
            if command.contains("feedback") && command.contains("--correct") {
                #expect(r.stdout.contains(": correct"), "stdout: \(r.stdout)\nstderr: \(r.stderr)")
            }
            if command.hasPrefix("escalator ask") && !command.contains("|") {
                #expect(!r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "no answer on stdout for \(command)")
                #expect(r.stderr.contains("→"), "no decision on stderr for \(command): \(r.stderr)")
            }
        }

        // The batch commands left their answers file; every question in it was answered.
        let answers = (work as NSString).appendingPathComponent("answers.jsonl")
        if commands.contains(where: { $0.hasPrefix("escalator batch") && !$0.contains("--dry-run") }) {
            let lines = try String(contentsOfFile: answers, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 3, "answers.jsonl: \(lines)")
            for line in lines {
                #expect((try jsonObject(String(line)))["status"] as? String == "ok", "\(line)")
            }
        }
    }

    func healthy(_ url: String) async -> Bool {
        guard let u = URL(string: url + "/health"),
              let (_, response) = try? await URLSession.shared.data(from: u) else { return false }
        return (response as? HTTPURLResponse)?.statusCode == 200
    }

    /// Runs `/bin/sh -c command` in `directory`, stdin from /dev/null, killed after `timeout` seconds
    /// (through coreutils' `timeout`, which signals the whole process group).
    func runShell(_ command: String, in directory: String, environment: [String: String], timeout: Int) throws -> ShellResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = ["--kill-after=10", String(timeout), "/bin/sh", "-c", command]
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return ShellResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                           stderr: String(decoding: errData, as: UTF8.self))
    }

    struct ShellResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }
}
