import Foundation
import LlamaClient
import Routing
import Testing
import TestSupport
import RoutingTestSupport

/// The live parts of `escalator eval` and `tune --write-config`, run through the built binary
/// in an isolated HOME/XDG environment (never the user's config or managed server).
@Suite struct EvalLiveCLITests {
    static let binary = BuiltProducts.executable("escalator")
    static let available = FileManager.default.isExecutableFile(atPath: binary)

    typealias Environment = CLIEnvironment

    /// Three GSM8K-style items with gold numbers (and one without, which is skipped).
    static func writeDataset(_ path: String) throws {
        try """
        {"format":"escalator-dataset","version":1,"tiers":[{"name":"weak","price_usd":0.1},{"name":"strong","price_usd":1}]}
        {"id":"q1","question":"What is 2 + 3?","gold":"5","outcomes":{"weak":1,"strong":1}}
        {"id":"q2","question":"Write an essay about rivers.","outcomes":{"weak":1,"strong":1}}
        {"id":"q3","question":"What is 10 times 7?","gold":"70","outcomes":{"weak":1,"strong":1}}
        {"id":"q4","question":"Which is a vowel?\\nA. b\\nB. e\\nC. k\\nD. t\\nAnswer:","gold":"B","outcomes":{"weak":0,"strong":1}}
        """.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test(.enabled(if: RealPart.shouldRun(available)))
    func remoteTiersAreRefused() throws {
        let env = try Environment(prefix: "eval-live")
        defer { env.home.remove() }
        let result = try env.run(["eval", "run", env.home.file("none.jsonl"), "--limit", "3", "--tiers", "local,opus"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("remote tiers are not wired"))
        #expect(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
    }

    @Test(.enabled(if: RealPart.shouldRun(available && LlamaServerFixture.isAvailable)))
    func scoreLiveUsesTheCacheAndRunGrades() async throws {
        let server = try LlamaServerFixture()
        defer { server.stop() }
        let client = LlamaServerClient(configuration: .init(baseURL: server.url))
        try await client.waitUntilReady(timeout: .seconds(60), whileRefused: true)
        let env = try Environment(prefix: "eval-live")
        defer { env.home.remove() }
        let data = env.home.file("q.jsonl")
        try Self.writeDataset(data)

        let cache = env.home.file("cache.jsonl")
        let first = try env.run(["eval", "score", data, "--strategy", "digit-scale", "--out", env.home.file("s.csv"),
                                 "--cache", cache, "--local-url", server.url])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("4 computed, 0 cached"))
        let scores = try String(contentsOfFile: env.home.file("s.csv"), encoding: .utf8).split(separator: "\n")
        #expect(scores.count == 5 && scores[0] == "id,score")
        for line in scores.dropFirst() {
            let value = try #require(Double(line.split(separator: ",")[1]))
            #expect(value >= 0 && value <= 1)
        }
        #expect(try String(contentsOfFile: cache, encoding: .utf8).contains("\"model\":\"\((LlamaServerFixture.modelPath as NSString).lastPathComponent)\""))
        let second = try env.run(["eval", "score", data, "--strategy", "digit-scale", "--out", env.home.file("s2.csv"),
                                  "--cache", cache, "--local-url", server.url])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("0 computed, 4 cached"))
        #expect(try String(contentsOfFile: env.home.file("s2.csv"), encoding: .utf8) == scores.joined(separator: "\n") + "\n")

        let out = env.home.file("run.jsonl")
        let run = try env.run(["eval", "run", data, "--limit", "4", "--tiers", "local", "--out", out,
                               "--local-url", server.url, "--set", "local.answer_max_tokens=24"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("items:              3 (1 skipped"))
        #expect(run.stdout.contains("accuracy:") && run.stdout.contains("mean pLocalCorrect:"))
        let report = try env.run(["eval", "report", out, "--scores", env.home.file("run-scores.csv"), "--bootstrap", "0"])
        #expect(report.status == 0 || report.stderr.contains("gap"), "\(report.stderr)")
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.contains(#"{"name":"local","price_usd":0}"#))
        #expect(written.contains(#""id":"q4""#) && !written.contains(#""id":"q2""#))
        let answers = try String(contentsOfFile: env.home.file("run-answers.jsonl"), encoding: .utf8)
        #expect(answers.split(separator: "\n").count == 3)
    }

    /// tune --write-config into the file --config names: diff printed, backup kept, file loads.
    @Test(.enabled(if: RealPart.shouldRun(available)))
    func tuneWritesConfig() throws {
        let env = try Environment(prefix: "eval-live")
        defer { env.home.remove() }
        try """
        {"format":"escalator-dataset","version":1,"tiers":[{"name":"local","price_usd":0},{"name":"remote","price_usd":1}]}
        {"id":"a","question":"qa","outcomes":{"local":0,"remote":1}}
        {"id":"b","question":"qb","outcomes":{"local":1,"remote":1}}
        {"id":"c","question":"qc","outcomes":{"local":0,"remote":1}}
        {"id":"d","question":"qd","outcomes":{"local":1,"remote":0}}
        """.write(toFile: env.home.file("hand.jsonl"), atomically: true, encoding: .utf8)
        try "id,score\na,0.9\nb,0.5\nc,0.5\nd,0.1\n".write(toFile: env.home.file("scores.csv"), atomically: true, encoding: .utf8)
        let config = env.home.file("my.toml")
        try "# mine\n[local]\nparallel = 3 # keep\n\n[thresholds]\nlocal_min = 0.5\n".write(toFile: config, atomically: true, encoding: .utf8)
        let tune = try env.run(["tune", env.home.file("hand.jsonl"), "--scores", env.home.file("scores.csv"), "--target-rate", "0.5",
                                "--bootstrap", "10", "--calibration", "none", "--write-config", "--config", config])
        #expect(tune.status == 0, "\(tune.stderr)")
        #expect(tune.stdout.contains("--- \(config)") && tune.stdout.contains("-local_min = 0.5"))
        #expect(try String(contentsOfFile: config + ".bak", encoding: .utf8).hasPrefix("# mine"))
        let text = try String(contentsOfFile: config, encoding: .utf8)
        #expect(text.contains("parallel = 3 # keep") && text.contains("kind = \"identity\""))
        let settings = try Settings.load(configFile: config, environment: ["HOME": env.home.path])
        #expect(settings.local.parallel == 3 && settings.minP("local") != 0.5)

        // Without --config: the default path under XDG_CONFIG_HOME, created from the annotated defaults.
        let created = try env.run(["tune", env.home.file("hand.jsonl"), "--scores", env.home.file("scores.csv"), "--target-rate", "0.5",
                                   "--bootstrap", "10", "--calibration", "none", "--write-config"])
        #expect(created.status == 0, "\(created.stderr)")
        let defaultPath = env.home.file("config/escalator/config.toml")
        #expect(created.stdout.contains("created \(defaultPath)"))
        #expect(try Settings.load(configFile: defaultPath, environment: ["HOME": env.home.path]).minP("local")
                == settings.minP("local"))
    }
}
