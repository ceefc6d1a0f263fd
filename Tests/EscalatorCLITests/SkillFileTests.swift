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
        #expect(text.contains("Prefer the MCP tool") && text.contains("escalator mcp"), "SKILL.md must say when to prefer the MCP tool")
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
        _ = try #require(TmuxFixture.tmuxExecutable, "tmux is not installed: apt-get install -y tmux")

        let server = try LlamaServerFixture()
        defer { server.stop() }
        var env = try CLIEnvironment(prefix: "skill")
        env.useAgent(command: "\(BuiltProducts.executable("claude-sim")) --think-ms 100")
        defer { env.remove() }   // stops exactly this test's tmux server
        let socket = try #require(env.tmuxSocket)
        let work = env.home.file("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try "What is 2 + 2?\nName the capital of Italy.\nWhat colour is the sky on a clear day?\n"
            .write(toFile: (work as NSString).appendingPathComponent("questions.txt"), atomically: true, encoding: .utf8)

        env.variables["PATH"] = BuiltProducts.productsDirectory + ":" + (env.variables["PATH"] ?? "/usr/bin:/bin")
        env.variables["ESCALATOR_LOCAL_URL"] = server.url

        try await waitUntil("llama-server healthy at \(server.url)", timeout: 120) { await healthy(server.url) }

        for (index, command) in commands.enumerated() {
            let started = Date()
            // Killed after 600 s through coreutils' `timeout`, which signals the whole process group.
            let r = try runBinary("/usr/bin/timeout", ["--kill-after=10", "600", "/bin/sh", "-c", command],
                                  environment: env.variables, directory: work)
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
}
