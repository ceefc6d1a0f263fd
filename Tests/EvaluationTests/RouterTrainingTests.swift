import Foundation
import Routing
import TestSupport
import Testing
@testable import Evaluation

/// The logistic fit, the seeded splits, router training and the comparison table, on synthetic
/// data with known answers (no server).
@Suite struct RouterTrainingTests {
    /// `n` points in `d` dimensions, y ~ Bernoulli(σ(w·x + b)), from a seeded generator.
    static func synthetic(n: Int, d: Int, w: [Double], b: Double, seed: UInt64) -> (rows: [Double], y: [Double]) {
        var rng = SplitMix64(seed: seed)
        func normal() -> Double {
            let u1 = max(1e-12, rng.nextUnit()), u2 = rng.nextUnit()
            return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
        var rows: [Double] = []
        var y: [Double] = []
        for _ in 0..<n {
            let x = (0..<d).map { _ in normal() }
            rows += x
            let z = zip(w, x).reduce(b) { $0 + $1.0 * $1.1 }
            y.append(rng.nextUnit() < EmbeddingMath.sigmoid(z) ? 1 : 0)
        }
        return (rows, y)
    }

    @Test func logisticFitRecoversAKnownSeparatingDirection() {
        let w = [2.0, -1.0, 0.0, 0.5, 0.0]
        let data = Self.synthetic(n: 4000, d: 5, w: w, b: -0.3, seed: 7)
        let (head, summary) = LogisticFit(l2: 1e-6).fit(rows: data.rows, dimensions: 5, labels: data.y)
        #expect(summary.converged, "\(summary)")
        // Weights in raw units: standardised weight / scale.
        let raw = zip(head.weights, head.scale).map { $0 / $1 }
        let cosine = zip(raw, w).reduce(0) { $0 + $1.0 * $1.1 } / (sqrt(raw.reduce(0) { $0 + $1 * $1 }) * sqrt(w.reduce(0) { $0 + $1 * $1 }))
        #expect(cosine > 0.99, "direction \(raw) vs \(w)")
        for (fitted, truth) in zip(raw, w) { #expect(abs(fitted - truth) < 0.2, "\(raw)") }
        let intercept = head.bias - zip(raw, head.mean).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(intercept - -0.3) < 0.15)

        // A strong penalty shrinks the weights towards zero but keeps the direction.
        let (shrunk, _) = LogisticFit(l2: 1).fit(rows: data.rows, dimensions: 5, labels: data.y)
        #expect(sqrt(shrunk.weights.reduce(0) { $0 + $1 * $1 }) < sqrt(head.weights.reduce(0) { $0 + $1 * $1 }))
        #expect(shrunk.weights[0] > 0 && shrunk.weights[1] < 0)
    }

    @Test func logisticFitHandlesSeparableAndConstantColumns() {
        // Perfectly separable in column 0, column 1 constant: the penalty keeps the fit finite.
        let rows: [Double] = [-2, 1, -1, 1, 1, 1, 2, 1]
        let (head, summary) = LogisticFit(l2: 0.01).fit(rows: rows, dimensions: 2, labels: [0, 0, 1, 1])
        #expect(head.weights.allSatisfy(\.isFinite) && summary.iterations > 0)
        #expect(head.scale[1] == 1, "a constant column keeps scale 1")
        #expect(head.probability([2, 1]) > 0.9 && head.probability([-2, 1]) < 0.1)
    }

    static func dataset(_ items: [(id: String, category: String, local: Double)]) throws -> Dataset {
        try Dataset(tiers: [DatasetTier(name: "local", priceUSD: 0), DatasetTier(name: "top", priceUSD: 1)],
                    items: items.map { DatasetItem(id: $0.id, question: "question \($0.id)", category: $0.category, outcomes: [$0.local, 1]) })
    }

    @Test func splitsAreSeededAndHoldOutWholeCategories() throws {
        let items = (0..<100).map { (id: "q\($0)", category: "subject\($0 % 10)", local: Double($0 % 2)) }
        let data = try Self.dataset(items)
        let a = try DatasetSplit(data, method: .item, testFraction: 0.5, seed: 3)
        let b = try DatasetSplit(data, method: .item, testFraction: 0.5, seed: 3)
        let c = try DatasetSplit(data, method: .item, testFraction: 0.5, seed: 4)
        #expect(a == b && a != c)
        #expect(a.test.count == 50 && a.train.count == 50 && Set(a.test).isDisjoint(with: a.train))
        // Order-independent: the same items in reverse order split the same way.
        let reversed = try Self.dataset(items.reversed())
        let r = try DatasetSplit(reversed, method: .item, testFraction: 0.5, seed: 3)
        #expect(Set(r.test.map { reversed.items[$0].id }) == Set(a.test.map { data.items[$0].id }))

        let byCategory = try DatasetSplit(data, method: .category, testFraction: 0.3, seed: 0)
        #expect(byCategory.testCategories.count == 3)
        let testCategories = Set(byCategory.test.map { data.items[$0].category! })
        let trainCategories = Set(byCategory.train.map { data.items[$0].category! })
        #expect(testCategories == Set(byCategory.testCategories) && testCategories.isDisjoint(with: trainCategories))
        let named = try DatasetSplit(data, method: .category, testFraction: 0.5, seed: 0, testCategories: ["subject1"])
        #expect(named.test.count == 10)
        #expect(throws: EvaluationError.self) { try DatasetSplit(data, method: .category, testFraction: 0.5, seed: 0, testCategories: ["nope"]) }
        #expect(throws: EvaluationError.self) { try DatasetSplit(data, method: .item, testFraction: 1, seed: 0) }
    }

    /// A dataset whose embeddings carry the label in a known direction (plus noise).
    static func embedded(n: Int, seed: UInt64) throws -> (Dataset, [[Float]]) {
        var rng = SplitMix64(seed: seed)
        var items: [(id: String, category: String, local: Double)] = []
        var vectors: [[Float]] = []
        for i in 0..<n {
            let wrong = rng.nextUnit() < 0.4
            let signal: Float = wrong ? 1 : -1
            vectors.append([signal + Float(rng.nextUnit() * 2 - 1) * 1.5, Float(rng.nextUnit()), Float(rng.nextUnit() - 0.5), 1])
            items.append((id: "q\(i)", category: "c\(i % 5)", local: wrong ? 0 : 1))
        }
        return (try dataset(items), vectors)
    }

    @Test(arguments: [RouterModel.Kind.logistic, .knn])
    func trainedEmbeddingRoutersRankWrongAnswersFirst(kind: RouterModel.Kind) throws {
        let (train, trainVectors) = try Self.embedded(n: 400, seed: 1)
        let (test, testVectors) = try Self.embedded(n: 300, seed: 2)
        var options = RouterTrainer.Options()
        options.kGrid = [5, 25, 75]
        let identity = RouterModel.EmbeddingIdentity(model: "toy.gguf", dimensions: 4, pooling: "mean")
        let result = try RouterTrainer.trainEmbedding(kind: kind, dataset: train, vectors: trainVectors, identity: identity,
                                                      options: options, datasetName: "toy")
        #expect(result.model.kind == kind && result.model.embedding == identity)
        #expect(result.candidates.count == (kind == .logistic ? options.l2Grid.count : 3))
        #expect(result.validationBy == .category, "5 categories: validated on held-out categories")
        #expect(result.text().contains("chosen:"))
        #expect(result.model.training["chosen"] != nil && result.model.training["dataset"] == "toy")
        let scores = try testVectors.map { try result.model.probabilityWrong(embedding: $0) }
        let auroc = try #require(ClassifierMetrics.auroc(scores: scores, labels: RouterTrainer.labels(test)))
        #expect(auroc > 0.75, "\(kind.rawValue) AUROC \(auroc)")
        // The file round-trips and scores the same.
        let dir = try TemporaryDirectory(prefix: "train")
        defer { dir.remove() }
        try result.model.write(to: dir.file("r.json"))
        let back = try RouterModel.load(path: dir.file("r.json"))
        #expect(try back.probabilityWrong(embedding: testVectors[0]) == scores[0])
    }

    @Test func datasetsARouterCannotLearnFromAreRefused() throws {
        let allRight = try Self.dataset((0..<20).map { (id: "q\($0)", category: "c", local: 1) })
        let vectors = [[Float]](repeating: [1, 0], count: 20)
        let error = #expect(throws: EvaluationError.self) {
            try RouterTrainer.trainEmbedding(kind: .logistic, dataset: allRight, vectors: vectors,
                                             identity: .init(model: "m", dimensions: 2, pooling: "mean"), datasetName: "right.jsonl")
        }
        #expect(error?.message.contains("every one of the 20 local answers is right") == true)
        // A file of questions without outcomes is not a dataset.
        let noOutcomes = Data("{\"tiers\":[\"local\",\"top\"]}\n{\"id\":\"q1\",\"question\":\"What is 2+2?\"}\n".utf8)
        #expect(throws: EvaluationError.self) { try Dataset.parse(noOutcomes, name: "questions.jsonl") }
    }

    @Test func combinedRouterWeighsTheInformativeFeature() throws {
        var rng = SplitMix64(seed: 9)
        var items: [(id: String, category: String, local: Double)] = []
        var useful: [(String, Double)] = []
        var noise: [(String, Double)] = []
        for i in 0..<300 {
            let wrong = rng.nextUnit() < 0.5
            items.append((id: "q\(i)", category: "c", local: wrong ? 0 : 1))
            useful.append(("q\(i)", min(0.99, max(0.01, (wrong ? 0.7 : 0.3) + (rng.nextUnit() - 0.5) * 0.5))))
            noise.append(("q\(i)", rng.nextUnit()))
        }
        let data = try Self.dataset(items)
        let result = try RouterTrainer.trainCombined(
            dataset: data, features: [(CombinedHead.Feature(name: "answer-logprob"), ScoreTable(useful), "useful.csv"),
                                      (CombinedHead.Feature(name: "digit-scale"), ScoreTable(noise), "noise.csv")],
            datasetName: "toy")
        let weights = try #require(result.model.combined?.head.weights)
        #expect(weights[0] > 1 && abs(weights[1]) < weights[0] / 4, "\(weights)")
        try result.model.validate()
        #expect(result.model.combined?.answersFirst == true)
        let missing = ScoreTable(Array(useful.prefix(10)))
        #expect(throws: EvaluationError.self) {
            try RouterTrainer.trainCombined(dataset: data, features: [(CombinedHead.Feature(name: "digit-scale"), missing, "short.csv")],
                                            datasetName: "toy")
        }
    }

    @Test func comparisonReportsIntervalsAndWeightedAUROCMatchesTheUnweightedOne() throws {
        let scores = [0.1, 0.4, 0.35, 0.8, 0.8, 0.2]
        let labels = [false, true, false, true, false, false]
        #expect(RouterComparison.weightedAUROC(scores: scores, labels: labels, weights: nil) == ClassifierMetrics.auroc(scores: scores, labels: labels))
        // Doubling every item changes nothing; dropping items is the same as removing them.
        #expect(RouterComparison.weightedAUROC(scores: scores, labels: labels, weights: [2, 2, 2, 2, 2, 2]) == ClassifierMetrics.auroc(scores: scores, labels: labels))
        #expect(RouterComparison.weightedAUROC(scores: scores, labels: labels, weights: [1, 1, 0, 1, 0, 1])
                == ClassifierMetrics.auroc(scores: [0.1, 0.4, 0.8, 0.2], labels: [false, true, true, false]))

        let (test, vectors) = try Self.embedded(n: 200, seed: 5)
        let good = ScoreTable(zip(test.items, vectors).map { ($0.id, Double($1[0])) })
        let random = ScoreTable(test.items.map { ($0.id, Double(StableHash.fnv1a64($0.id) % 1000)) })
        let comparison = try RouterComparison(dataset: test, datasetName: "toy", scores: [("signal", good), ("hash", random)],
                                              bootstrap: Bootstrap(resamples: 200, seed: 1))
        #expect(comparison.rows.count == 2)
        let signal = comparison.rows[0]
        #expect(signal.apgr.value > comparison.rows[1].apgr.value)
        #expect(signal.apgr.lower <= signal.apgr.value && signal.apgr.value <= signal.apgr.upper)
        let auroc = try #require(signal.auroc)
        #expect(auroc.value > 0.75 && auroc.lower < auroc.value && auroc.upper > auroc.value)
        #expect(comparison.markdown().contains("| signal |"))
        #expect(comparison.text().contains("signal"))
    }
}
