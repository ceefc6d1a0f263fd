import Foundation
import TestSupport
import Testing
@testable import Routing

/// The router file, the kNN and logistic heads, and the embedding cache: pure parts, no server.
@Suite struct RouterModelTests {
    static func knn() -> NearestNeighbourHead {
        // Four unit vectors in the plane: two "wrong" ones near (1, 0), two "right" ones near (0, 1).
        let rows: [[Float]] = [[1, 0], [0.8, 0.6], [0, 1], [0.6, 0.8]]
        return NearestNeighbourHead(k: 2, vectors: rows.flatMap { $0 }, dimensions: 2, labels: [1, 1, 0, 0], prior: 0.5, smoothing: 1)
    }

    @Test func knnFindsTheNearestRowsByCosine() {
        let head = Self.knn()
        let near = head.nearest(EmbeddingMath.normalized([0.9, 0.1]), k: 3)
        #expect(near.map(\.row) == [0, 1, 3])
        #expect(head.nearest([0, 1], k: 1).map(\.row) == [2])
        // k larger than the rows: all of them, most similar first.
        #expect(head.nearest([1, 0], k: 10).map(\.row) == [0, 1, 3, 2])
    }

    @Test func knnProbabilityIsTheSmoothedShareOfWrongNeighbours() {
        let head = Self.knn()
        // Two wrong neighbours: (2 + 1 · 0.5) / (2 + 1) = 5/6.
        #expect(abs(head.probability([1, 0]) - 5.0 / 6) < 1e-12)
        // Two right neighbours: (0 + 0.5) / 3.
        #expect(abs(head.probability([0, 1]) - 0.5 / 3) < 1e-12)
        // k = 4 sees everything: (2 + 0.5) / 5 = the prior.
        #expect(abs(head.probability([0, 1], k: 4) - 0.5) < 1e-12)
        // Ties keep the lower row first.
        let tied = NearestNeighbourHead(k: 1, vectors: [1, 0, 1, 0], dimensions: 2, labels: [0, 1], prior: 0.5)
        #expect(tied.nearest([1, 0], k: 1).map(\.row) == [0])
    }

    @Test func logisticHeadAppliesStandardisationAndSigmoid() {
        let head = LogisticHead(mean: [1, 2], scale: [2, 4], weights: [1, -1], bias: 0.5, l2: 0.1)
        // z = 0.5 + (3 - 1)/2 - (2 - 2)/4 = 1.5
        #expect(abs(head.logit([3, 2]) - 1.5) < 1e-12)
        #expect(abs(head.probability([3, 2]) - 1 / (1 + exp(-1.5))) < 1e-12)
        #expect(EmbeddingMath.sigmoid(-800) >= 0 && EmbeddingMath.sigmoid(800) <= 1)
    }

    static func logisticModel(model: String = "gemma-3-270m-q4_k_m.gguf") -> RouterModel {
        RouterModel(kind: .logistic, embedding: .init(model: model, dimensions: 2, pooling: "mean"),
                    logistic: LogisticHead(mean: [0, 0], scale: [1, 1], weights: [2, -2], bias: 0, l2: 0.01),
                    training: ["dataset": "toy.jsonl"])
    }

    @Test func routerFilesRoundTripForEveryKind() throws {
        let dir = try TemporaryDirectory(prefix: "router-file")
        defer { dir.remove() }
        let knnModel = RouterModel(kind: .knn, embedding: .init(model: "m.gguf", dimensions: 2, pooling: "mean"), knn: Self.knn())
        let combined = RouterModel(kind: .combined, embedding: nil, combined: CombinedHead(
            features: [.init(name: "digit-scale"), .init(name: "embedding-logistic", router: "router.json"), .init(name: "answer-logprob")],
            head: LogisticHead(mean: [0, 0, 0], scale: [1, 1, 1], weights: [0.5, 1, 2], bias: -1, l2: 0.1)))
        for model in [Self.logisticModel(), knnModel, combined] {
            let path = dir.file("\(model.kind.rawValue).json")
            try model.write(to: path)
            let back = try RouterModel.load(path: path)
            #expect(back == model)
            #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\"format\":\"escalator-router\""))
        }
        #expect(combined.combined!.answersFirst)
        // Scoring through the file's head.
        let p = try Self.logisticModel().probabilityWrong(embedding: [3, 0])
        #expect(abs(p - 1 / (1 + exp(-2.0))) < 1e-6, "the vector is normalised first: (1, 0) · (2, -2) = 2")
    }

    @Test func missingAndCorruptRouterFilesAreRefusedWithTheFix() throws {
        let dir = try TemporaryDirectory(prefix: "router-file")
        defer { dir.remove() }
        let missing = dir.file("nope.json")
        let e1 = #expect(throws: RoutingError.self) { try RouterModel.load(path: missing) }
        #expect(e1?.problem.contains("does not exist") == true && e1?.fix.contains("escalator router train") == true)

        let cases: [(String, String)] = [
            ("not json at all", "is not a router file"),
            (#"{"format":"escalator-dataset","version":1}"#, "expected \"escalator-router\""),
            (#"{"format":"escalator-router","version":9,"kind":"embedding-logistic"}"#, "version 9"),
            (#"{"format":"escalator-router","version":1,"kind":"vibes"}"#, "kind vibes"),
            (#"{"format":"escalator-router","version":1,"kind":"embedding-logistic","embedding":{"model":"m","dimensions":3,"pooling":"mean"}}"#, "no \"logistic\""),
            (#"{"format":"escalator-router","version":1,"kind":"embedding-logistic","embedding":{"model":"m","dimensions":3,"pooling":"mean"},"logistic":{"mean":[0,0],"scale":[1,1],"weights":[1,1],"bias":0,"l2":1}}"#, "2 weights for 3-dimensional"),
            (#"{"format":"escalator-router","version":1,"kind":"embedding-knn","embedding":{"model":"m","dimensions":2,"pooling":"mean"},"knn":{"k":1,"dimensions":2,"prior":0.5,"smoothing":1,"labels":[1],"vectors_f32_base64":"%%%"}}"#, "not base64"),
        ]
        for (text, expected) in cases {
            let path = dir.file("bad.json")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let error = #expect(throws: RoutingError.self) { try RouterModel.load(path: path) }
            #expect(error?.problem.contains(expected) == true, "\(error?.description ?? "no error") should say \(expected)")
            #expect(error?.problem.contains(path) == true)
        }
    }

    @Test func aRouterOfAnotherEmbeddingModelIsRefusedNamingBoth() throws {
        let model = Self.logisticModel(model: "qwen2.5-0.5b.gguf")
        let error = #expect(throws: RoutingError.self) {
            try LearnedRuntime.check(model, path: "router.json", against: "gemma-3-270m-q4_k_m.gguf")
        }
        #expect(error?.problem.contains("qwen2.5-0.5b.gguf") == true)
        #expect(error?.problem.contains("gemma-3-270m-q4_k_m.gguf") == true)
        #expect(error?.fix.contains("escalator router train") == true)
        try LearnedRuntime.check(model, path: "router.json", against: "qwen2.5-0.5b.gguf")
        // A vector of the wrong length is refused too.
        #expect(throws: RoutingError.self) { try model.probabilityWrong(embedding: [1, 2, 3]) }
    }

    @Test func embeddingCacheHitsMissesAndSurvivesATornRecord() throws {
        let dir = try TemporaryDirectory(prefix: "embedding-cache")
        defer { dir.remove() }
        let path = dir.file("cache.bin")
        let cache = try EmbeddingCache(path: path)
        #expect(cache.count == 0)
        #expect(cache.vector(model: "m", text: "q1") == nil)
        try cache.store(model: "m", texts: ["q1", "q2"], vectors: [[1, 2, 3], [0.5, -0.25, 4]])
        #expect(cache.vector(model: "m", text: "q1") == [1, 2, 3])
        // Another model or another text misses.
        #expect(cache.vector(model: "other", text: "q1") == nil)
        #expect(cache.vector(model: "m", text: "q3") == nil)

        let reloaded = try EmbeddingCache(path: path)
        #expect(reloaded.count == 2)
        #expect(reloaded.vector(model: "m", text: "q2") == [0.5, -0.25, 4])
        try reloaded.store(model: "other", texts: ["q1"], vectors: [[9, 9]])
        #expect(try EmbeddingCache(path: path).vector(model: "other", text: "q1") == [9, 9])

        // A record cut off by a kill is dropped; the whole ones before it stay.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0x45, 0x4D, 0x42, 0x31, 1, 2, 3]))
        try handle.close()
        let torn = try EmbeddingCache(path: path)
        #expect(torn.count == 3 && torn.droppedBytes == 7)

        try "not a cache".write(toFile: dir.file("bad.bin"), atomically: true, encoding: .utf8)
        let error = #expect(throws: RoutingError.self) { try EmbeddingCache(path: dir.file("bad.bin")) }
        #expect(error?.problem.contains("not an escalator embedding cache") == true)
    }

    @Test func answerConfidenceReducesToMeanAndMinimum() {
        let c = AnswerConfidence(logprobs: [-0.1, -0.5, -2.0, -3.4e38])
        #expect(c.tokens == 4)
        #expect(c.minLogprob == AnswerConfidence.floor)
        #expect(abs(c.meanLogprob - (-0.1 - 0.5 - 2.0 - 50) / 4) < 1e-12)
        #expect(abs(c.probability(.min) - exp(-50)) < 1e-30)
        #expect(abs(AnswerConfidence(logprobs: [-0.2, -0.2]).meanProbability - exp(-0.2)) < 1e-12)
        #expect(AnswerConfidence(logprobs: []).meanProbability < 1e-20, "no tokens: nothing to trust")
    }

    @Test func learnedStrategiesAreSelectableInConfig() throws {
        for name in AssessmentStrategies.learnedNames {
            let settings = try Settings.load(configFile: nil, environment: ["HOME": "/nonexistent"],
                                             overrides: [("assessment.strategy", name), ("assessment.router", "~/r.json")])
            #expect(settings.assessment.strategy.rawValue == name)
            #expect(settings.routerFile == "/nonexistent/r.json")
            let strategy = try AssessmentStrategies.named(name, settings: settings)
            #expect(strategy.name == name && strategy is any LearnedAssessmentStrategy)
        }
        let defaults = try Settings.load(configFile: nil, environment: ["HOME": "/h"])
        #expect(defaults.routerFile == "/h/.local/share/escalator/router.json")
        #expect(throws: RoutingError.self) {
            try Settings.load(configFile: nil, environment: ["HOME": "/h"], overrides: [("assessment.confidence", "median")])
        }
        // The one-token list is unchanged (its tests check one-token behaviour).
        #expect(AssessmentStrategies.all.map(\.name) == ["digit-scale", "yes-no"])
    }
}
