import Foundation
import LlamaClient
import Routing
import Testing
import TestSupport

/// `escalator router train` → `eval score` → `eval report`/`router compare` through the built
/// binary on a small real slice of RouteLLM's GSM8K data, with the real llama-server as the
/// embedding server (`[embedding] url`), plus the bad inputs: a missing or corrupt router, a
/// router of another embedding model, a dataset without outcomes.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(FileManager.default.isExecutableFile(atPath: BuiltProducts.executable("escalator"))
                                                    && LlamaServerFixture.isAvailable && Fixtures.routellmEvals != nil)))
struct RouterCLITests {
    /// The first `n` GSM8K items, imported from the shared RouteLLM data.
    static func slice(_ env: CLIEnvironment, n: Int) throws -> String {
        let evals = try #require(Fixtures.routellmEvals)
        let all = env.home.file("gsm8k.jsonl")
        let imported = try env.run(["eval", "import", "routellm", evals + "/gsm8k/gsm8k_responses.csv", "--out", all])
        #expect(imported.status == 0, "\(imported.stderr)")
        let lines = try String(contentsOfFile: all, encoding: .utf8).split(separator: "\n")
        let path = env.home.file("slice.jsonl")
        try (lines.prefix(n + 1).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func trainScoreReportEndToEndAndBadInputs() async throws {
        let server = try LlamaServerFixture(context: 4096, parallel: 2,
                                            extraArguments: ["--embeddings", "--pooling", "mean", "-b", "2048", "-ub", "2048"])
        defer { server.stop() }
        try await LlamaServerClient(configuration: .init(baseURL: server.url)).waitUntilReady(timeout: .seconds(60), whileRefused: true)
        var env = try CLIEnvironment(prefix: "router-cli")
        defer { env.home.remove() }
        env.variables["ESCALATOR_EMBEDDING_URL"] = server.url
        env.variables["ESCALATOR_EMBEDDING_BATCH"] = "4"
        // A loaded 2-core machine embeds slowly; no request deadline (the suite is bounded by its size).
        env.variables["ESCALATOR_LOCAL_REQUEST_TIMEOUT_MS"] = "0"
        let data = try Self.slice(env, n: 40)
        let split = try env.run(["router", "split", data, "--by", "item", "--test-fraction", "0.5", "--seed", "0",
                                 "--train", env.home.file("train.jsonl"), "--test", env.home.file("test.jsonl")])
        #expect(split.status == 0, "\(split.stderr)")
        #expect(split.stdout.contains("wrote 20 training items"))

        let cache = env.home.file("emb.bin")
        for strategy in ["embedding-logistic", "embedding-knn"] {
            let router = env.home.file("\(strategy).json")
            let train = try env.run(["router", "train", env.home.file("train.jsonl"), "--strategy", strategy, "--out", router,
                                     "--embedding-cache", cache, "--k", "3,5,10", "--l2", "0.1,1"])
            #expect(train.status == 0, "\(train.stderr)")
            #expect(train.stdout.contains("chosen:") && train.stdout.contains("640 dimensions"), "\(train.stdout)")
            let scores = env.home.file("\(strategy).csv")
            let score = try env.run(["eval", "score", env.home.file("test.jsonl"), "--strategy", strategy, "--router", router,
                                     "--embedding-cache", cache, "--out", scores])
            #expect(score.status == 0, "\(score.stderr)")
            #expect(score.stdout.contains("wrote 20 scores"), "\(score.stdout)")
            // The second strategy finds every training question in the cache.
            if strategy == "embedding-knn" { #expect(train.stdout.contains("20 cached, 0 computed"), "\(train.stdout)") }
            let values = try String(contentsOfFile: scores, encoding: .utf8).split(separator: "\n").dropFirst()
                .map { Double($0.split(separator: ",")[1])! }
            #expect(values.count == 20 && values.allSatisfy { $0 > 0 && $0 < 1 })
            let report = try env.run(["eval", "report", env.home.file("test.jsonl"), "--scores", scores, "--bootstrap", "50"])
            #expect(report.status == 0, "\(report.stderr)")
            #expect(report.stdout.contains("APGR"))
        }
        let length = try env.run(["eval", "score", env.home.file("test.jsonl"), "--strategy", "length", "--out", env.home.file("length.csv")])
        #expect(length.status == 0)
        let compare = try env.run(["router", "compare", env.home.file("test.jsonl"), "--bootstrap", "50",
                                   "--scores", "embedding-logistic=\(env.home.file("embedding-logistic.csv"))",
                                   "--scores", "length=\(env.home.file("length.csv"))", "--markdown", env.home.file("cmp.md")])
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(compare.stdout.contains("embedding-logistic") && compare.stdout.contains("AUROC"))
        #expect(try String(contentsOfFile: env.home.file("cmp.md"), encoding: .utf8).contains("| length |"))

        // Bad input: a missing router, a corrupt one, one trained on another model, a dataset without outcomes.
        let test = env.home.file("test.jsonl")
        func scoreWith(_ router: String) throws -> RunResult {
            try env.run(["eval", "score", test, "--strategy", "embedding-logistic", "--router", router, "--out", env.home.file("x.csv")])
        }
        let missing = try scoreWith(env.home.file("nope.json"))
        #expect(missing.status != 0 && missing.stderr.contains("does not exist") && missing.stderr.contains("router train"), "\(missing.stderr)")
        try "{\"format\": \"escalator-router\", \"version\": 1, \"kind\": ".write(toFile: env.home.file("corrupt.json"), atomically: true, encoding: .utf8)
        let corrupt = try scoreWith(env.home.file("corrupt.json"))
        #expect(corrupt.status != 0 && corrupt.stderr.contains("is not a router file"), "\(corrupt.stderr)")
        let text = try String(contentsOfFile: env.home.file("embedding-logistic.json"), encoding: .utf8)
        let model = (LlamaServerFixture.modelPath as NSString).lastPathComponent
        try text.replacingOccurrences(of: "\"model\":\"\(model)\"", with: "\"model\":\"qwen2.5-0.5b-instruct-q4_k_m.gguf\"")
            .write(toFile: env.home.file("other.json"), atomically: true, encoding: .utf8)
        let other = try scoreWith(env.home.file("other.json"))
        #expect(other.status != 0 && other.stderr.contains("qwen2.5-0.5b-instruct-q4_k_m.gguf") && other.stderr.contains(model), "\(other.stderr)")
        let knnAsLogistic = try scoreWith(env.home.file("embedding-knn.json"))
        #expect(knnAsLogistic.status != 0 && knnAsLogistic.stderr.contains("embedding-knn router, not embedding-logistic"), "\(knnAsLogistic.stderr)")
        try "{\"tiers\":[\"local\",\"top\"]}\n{\"id\":\"q1\",\"question\":\"What is 2+2?\"}\n".write(toFile: env.home.file("questions.jsonl"), atomically: true, encoding: .utf8)
        let noOutcomes = try env.run(["router", "train", env.home.file("questions.jsonl"), "--out", env.home.file("r.json")])
        #expect(noOutcomes.status != 0 && noOutcomes.stderr.contains("outcome"), "\(noOutcomes.stderr)")
        let logprob = try env.run(["eval", "score", test, "--strategy", "answer-logprob", "--out", env.home.file("x.csv")])
        #expect(logprob.status != 0 && logprob.stderr.contains("eval run"), "\(logprob.stderr)")
    }
}
