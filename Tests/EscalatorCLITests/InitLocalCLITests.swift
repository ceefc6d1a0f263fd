import Foundation
import TestSupport
import Testing
import RoutingTestSupport

@Suite struct InitCLITests {
    @Test func initWritesAnAnnotatedConfigThatLoadsAndKeepsExistingFiles() throws {
        let env = try CLIEnvironment()
        defer { env.remove() }
        let path = env.home.file("config/escalator/config.toml")
        let first = try env.run(["init"])
        #expect(first.status == 0, "\(first.stderr)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("[tiers.local]") && text.contains("ESCALATOR_TIERS_LOCAL_MIN_P"))
        // The tiers as tables, and (commented out) how to add haiku and fable.
        #expect(text.contains("[tiers.sonnet]\n") && text.contains("[tiers.opus]\n"))
        #expect(text.contains("# [tiers.haiku]\n# model = \"haiku\"") && text.contains("# [tiers.fable]\n# model = \"fable\""))
        // The written file is the config escalator now reads.
        let status = try env.run(["local", "status", "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        // Not overwritten without --force; with --force a backup is kept.
        try (text + "\n# my edit\n").write(toFile: path, atomically: true, encoding: .utf8)
        let second = try env.run(["init"])
        #expect(second.status != 0 && second.stderr.contains("--force"))
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("# my edit"))
        let forced = try env.run(["init", "--force"])
        #expect(forced.status == 0)
        #expect(try String(contentsOfFile: path + ".bak", encoding: .utf8).contains("# my edit"))
        #expect(!(try String(contentsOfFile: path, encoding: .utf8)).contains("# my edit"))
    }

    @Test func helpTeachesWithExamples() throws {
        let env = try CLIEnvironment()
        defer { env.remove() }
        let r = try env.run(["ask", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Examples:") && r.stdout.contains("--tier"))
    }
}

/// The embedded default: escalator starts llama-server itself, reuses it, and stops exactly it.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(LlamaServerFixture.isAvailable)))
struct ManagedServerCLITests {
    @Test func startReuseAndStop() throws {
        var env = try CLIEnvironment()
        defer { env.remove() }
        env.variables["ESCALATOR_LOCAL_MANAGED"] = "auto"
        env.variables["ESCALATOR_LOCAL_URL"] = "http://127.0.0.1:\(try freeLoopbackPort())"
        env.variables["ESCALATOR_LOCAL_CONTEXT"] = "2048"
        env.variables["ESCALATOR_LOCAL_PARALLEL"] = "2"
        let statePath = env.home.file("state/escalator/llama-server.json")
        func recordedPid() throws -> Int32? {
            guard let data = FileManager.default.contents(atPath: statePath),
                  let o = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return (o["pid"] as? Int).map(Int32.init)
        }
        defer { if let pid = try? recordedPid() { kill(pid, SIGKILL) } }

        let assess = try env.run(["assess", "--json", "What is 1+1?"])
        #expect(assess.status == 0, "\(assess.stderr)")
        let pid = try #require(try recordedPid())
        #expect(isRunning(pid))

        let again = try env.run(["assess", "--json", "What is 1+1?"])
        #expect(again.status == 0)
        #expect(try recordedPid() == pid, "a second server was started instead of reusing the first")

        let status = try env.run(["local", "status", "--json"])
        let o = try jsonObject(status.stdout)
        #expect(o["managed_state"] as? String == "ready")

        let stop = try env.run(["local", "stop"])
        #expect(stop.status == 0 && stop.stdout.contains("\(pid)"))
        #expect(!isRunning(pid), "llama-server \(pid) still runs after stop")
        #expect(!FileManager.default.fileExists(atPath: statePath))
    }
}

/// True while `pid` runs; a zombie (exited but not reaped) counts as stopped.
func isRunning(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
}
