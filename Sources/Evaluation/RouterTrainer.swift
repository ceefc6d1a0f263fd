import Foundation
import Routing

/// Trains the learned routers (`escalator router train`) on recorded outcomes: RouteLLM's data,
/// `eval run` output, or the user's own judged ledger rows (`escalator eval from-ledger`).
///
/// The label is "local answer wrong" (0/1 data: local outcome 0; graded data: local worse than
/// the top tier), the positive class of every AUROC the harness reports. The training items are
/// split once more (seeded) into fitting and validation items; the hyperparameter (L2 penalty
/// for the logistic heads, k for kNN) with the best validation AUROC (ties: lower log loss) is
/// chosen, and the head is refitted on all training items with it.
public enum RouterTrainer {
    /// How validation is done.
    public struct Options: Sendable {
        /// Share of the training items (or categories) used for validation.
        public var validationFraction = 0.2
        /// `item`, `category`, or nil: by category when the data has at least 4 categories
        /// (held-out subjects are then validated on unseen subjects too), else by item.
        public var validationBy: DatasetSplit.Method?
        public var seed: UInt64 = 0
        /// L2 penalties tried (logistic and combined heads).
        public var l2Grid: [Double] = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1, 3]
        /// Neighbour counts tried (kNN).
        public var kGrid: [Int] = [5, 10, 20, 50, 100, 200]

        public init() {}
    }

    /// One hyperparameter value tried on validation.
    public struct Candidate: Sendable, Equatable {
        public var name: String
        public var value: Double
        public var auroc: Double?
        public var logLoss: Double
    }

    /// A trained router and how it was chosen.
    public struct Result: Sendable {
        public var model: RouterModel
        public var candidates: [Candidate]
        public var chosen: Candidate
        public var trainItems: Int
        public var validationItems: Int
        public var validationBy: DatasetSplit.Method
        /// Wall time of validation and the final fit.
        public var seconds: Double

        /// What `router train` prints.
        public func text() -> String {
            var out = "validation (\(validationBy.rawValue) split: \(trainItems - validationItems) fit, \(validationItems) validation items):\n"
            for c in candidates {
                let mark = c == chosen ? "*" : " "
                out += " \(mark) \(c.name) = \(Self.number(c.value))  AUROC \(c.auroc.map { String(format: "%.3f", $0) } ?? "n/a")  log loss \(String(format: "%.4f", c.logLoss))\n"
            }
            out += "chosen: \(chosen.name) = \(Self.number(chosen.value)); refitted on all \(trainItems) training items in \(String(format: "%.2f", seconds)) s\n"
            return out
        }

        static func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e6 ? String(Int(x)) : String(format: "%g", x) }
    }

    /// "Local answer wrong" per item (true = the router should escalate).
    public static func labels(_ dataset: Dataset) -> [Bool] {
        let binary = dataset.isBinary
        let last = dataset.tiers.count - 1
        return dataset.items.map { binary ? $0.outcomes[0] == 0 : $0.outcomes[0] < $0.outcomes[last] }
    }

    /// Refuses data a router cannot learn from.
    static func checkLabels(_ labels: [Bool], name: String) throws {
        let wrong = labels.filter { $0 }.count
        guard wrong > 0, wrong < labels.count else {
            throw EvaluationError(.undefined, "\(name): every one of the \(labels.count) local answers is \(wrong == 0 ? "right" : "wrong"); a router needs items of both kinds to learn which to escalate")
        }
    }

    static func validationSplit(_ dataset: Dataset, _ options: Options) throws -> (fit: [Int], validation: [Int], method: DatasetSplit.Method) {
        let categories = Set(dataset.items.map { $0.category ?? "" }).count
        let method = options.validationBy ?? (categories >= 4 ? .category : .item)
        let split = try DatasetSplit(dataset, method: method, testFraction: options.validationFraction, seed: options.seed ^ 0x5EED)
        return (split.train, split.test, method)
    }

    // MARK: Embedding heads

    /// Trains an `embedding-logistic` or `embedding-knn` router on `vectors` (one per item, as the
    /// embedding server returned them) of the model `identity` names.
    public static func trainEmbedding(kind: RouterModel.Kind, dataset: Dataset, vectors: [[Float]],
                                      identity: RouterModel.EmbeddingIdentity, options: Options = Options(),
                                      datasetName: String) throws -> Result {
        precondition(vectors.count == dataset.items.count)
        let start = ContinuousClock.now
        let labels = labels(dataset)
        try checkLabels(labels, name: datasetName)
        let d = identity.dimensions
        let units = vectors.map(EmbeddingMath.normalized)
        guard units.allSatisfy({ $0.count == d }) else {
            throw EvaluationError(.mismatch, "embeddings of different lengths (expected \(d)); re-embed the dataset with one model")
        }
        let (fit, validation, method) = try validationSplit(dataset, options)
        let y = labels.map { $0 ? 1.0 : 0.0 }
        var candidates: [Candidate] = []
        var model: RouterModel
        switch kind {
        case .logistic:
            let rows = { (indices: [Int]) -> [Double] in indices.flatMap { units[$0].map(Double.init) } }
            let fitRows = rows(fit), validationRows = rows(validation)
            let standard = LogisticFit.Standardisation(rows: fitRows, dimensions: d)
            var warm: (weights: [Double], bias: Double)?
            // From strong to weak penalties, each fit warm-started from the previous one.
            for l2 in options.l2Grid.sorted(by: >) {
                let (head, _) = LogisticFit(l2: l2).fit(rows: fitRows, dimensions: d, labels: fit.map { y[$0] },
                                                        standardisation: standard, start: warm)
                warm = (head.weights, head.bias)
                let p = (0..<validation.count).map { head.probability(Array(validationRows[($0 * d)..<($0 * d + d)])) }
                candidates.append(candidate("l2", l2, p, validation.map { y[$0] }))
            }
            candidates.sort { $0.value < $1.value }
            let chosen = best(candidates)
            let all = dataset.items.indices.map { $0 }
            let (head, _) = LogisticFit(l2: chosen.value).fit(rows: rows(all), dimensions: d, labels: y)
            model = RouterModel(kind: .logistic, embedding: identity, logistic: head)
        case .knn:
            let fitVectors = fit.flatMap { units[$0] }
            let prior = fit.map { y[$0] }.reduce(0, +) / Double(fit.count)
            let probe = NearestNeighbourHead(k: 1, vectors: fitVectors, dimensions: d, labels: fit.map { Float(y[$0]) }, prior: prior)
            let ks = options.kGrid.filter { $0 <= fit.count }.sorted()
            guard let maxK = ks.last else {
                throw EvaluationError(.option, "too few training items (\(fit.count)) for the kNN grid \(options.kGrid)")
            }
            let neighbours = validation.map { probe.nearest(units[$0], k: maxK) }
            for k in ks {
                let p = neighbours.map { list -> Double in
                    let top = list.prefix(k)
                    let wrong = top.reduce(0.0) { $0 + Double(probe.labels[$1.row]) }
                    return (wrong + probe.smoothing * prior) / (Double(top.count) + probe.smoothing)
                }
                candidates.append(candidate("k", Double(k), p, validation.map { y[$0] }))
            }
            let chosen = best(candidates)
            let allPrior = y.reduce(0, +) / Double(y.count)
            model = RouterModel(kind: .knn, embedding: identity,
                                knn: NearestNeighbourHead(k: Int(chosen.value), vectors: units.flatMap { $0 }, dimensions: d,
                                                          labels: y.map(Float.init), prior: allPrior))
        case .combined:
            throw EvaluationError(.option, "train a combined router with trainCombined")
        }
        let chosen = best(candidates)
        let seconds = (ContinuousClock.now - start).milliseconds / 1000
        model.training = trainingInfo(datasetName: datasetName, dataset: dataset, labels: labels, fit: fit.count,
                                      validation: validation.count, method: method, options: options, chosen: chosen, candidates: candidates)
        return Result(model: model, candidates: candidates, chosen: chosen, trainItems: dataset.items.count,
                      validationItems: validation.count, validationBy: method, seconds: seconds)
    }

    // MARK: Combined head

    /// Trains a `combined` router: logistic regression over the escalation scores in `features`
    /// (one score table per feature, each aligned with the dataset).
    public static func trainCombined(dataset: Dataset, features: [(feature: CombinedHead.Feature, scores: ScoreTable, name: String)],
                                     options: Options = Options(), datasetName: String) throws -> Result {
        let start = ContinuousClock.now
        guard !features.isEmpty else {
            throw EvaluationError(.option, "a combined router needs at least one --feature NAME=SCORES.csv")
        }
        let labels = labels(dataset)
        try checkLabels(labels, name: datasetName)
        let columns = try features.map { try $0.scores.aligned(with: dataset, scoresName: $0.name).map(CombinedHead.transform) }
        let d = columns.count
        let n = dataset.items.count
        let rows = { (indices: [Int]) -> [Double] in indices.flatMap { i in (0..<d).map { columns[$0][i] } } }
        let y = labels.map { $0 ? 1.0 : 0.0 }
        let (fit, validation, method) = try validationSplit(dataset, options)
        let fitRows = rows(fit), validationRows = rows(validation)
        var candidates: [Candidate] = []
        for l2 in options.l2Grid.sorted() {
            let (head, _) = LogisticFit(l2: l2).fit(rows: fitRows, dimensions: d, labels: fit.map { y[$0] })
            let p = (0..<validation.count).map { head.probability(Array(validationRows[($0 * d)..<($0 * d + d)])) }
            candidates.append(candidate("l2", l2, p, validation.map { y[$0] }))
        }
        let chosen = best(candidates)
        let (head, _) = LogisticFit(l2: chosen.value).fit(rows: rows(Array(0..<n)), dimensions: d, labels: y)
        var model = RouterModel(kind: .combined, embedding: nil, combined: CombinedHead(features: features.map(\.feature), head: head))
        model.training = trainingInfo(datasetName: datasetName, dataset: dataset, labels: labels, fit: fit.count,
                                      validation: validation.count, method: method, options: options, chosen: chosen, candidates: candidates)
        model.training["features"] = features.map { "\($0.feature.name) (\($0.name))" }.joined(separator: ", ")
        return Result(model: model, candidates: candidates, chosen: chosen, trainItems: n, validationItems: validation.count,
                      validationBy: method, seconds: (ContinuousClock.now - start).milliseconds / 1000)
    }

    // MARK: Helpers

    static func candidate(_ name: String, _ value: Double, _ p: [Double], _ y: [Double]) -> Candidate {
        Candidate(name: name, value: value, auroc: ClassifierMetrics.auroc(scores: p, labels: y.map { $0 == 1 }),
                  logLoss: LogisticFit.logLoss(p, y))
    }

    /// Highest validation AUROC, then lowest log loss; AUROC counts as equal within 0.0005.
    static func best(_ candidates: [Candidate]) -> Candidate {
        candidates.min { a, b in
            let x = a.auroc ?? -1, y = b.auroc ?? -1
            if abs(x - y) > 0.0005 { return x > y }
            return a.logLoss < b.logLoss
        }!
    }

    static func trainingInfo(datasetName: String, dataset: Dataset, labels: [Bool], fit: Int, validation: Int,
                             method: DatasetSplit.Method, options: Options, chosen: Candidate, candidates: [Candidate]) -> [String: String] {
        var info: [String: String] = [
            "dataset": datasetName,
            "items": String(dataset.items.count),
            "local_wrong": String(labels.filter { $0 }.count),
            "label": dataset.isBinary ? "local answer wrong (local outcome 0)" : "local worse than \(dataset.tiers.last!.name)",
            "validation": "\(validation) of \(fit + validation) items, by \(method.rawValue), fraction \(options.validationFraction), seed \(options.seed)",
            "chosen": "\(chosen.name) = \(Result.number(chosen.value))",
            "validation_auroc": chosen.auroc.map { String(format: "%.4f", $0) } ?? "n/a",
            "candidates": candidates.map { "\($0.name)=\(Result.number($0.value)): AUROC \($0.auroc.map { String(format: "%.4f", $0) } ?? "n/a"), log loss \(String(format: "%.4f", $0.logLoss))" }.joined(separator: "; "),
            "trained_at": Date().formatted(Date.ISO8601FormatStyle()),
        ]
        if let categories = Optional(Set(dataset.items.compactMap(\.category))), categories.count > 1, categories.count <= 60 {
            info["categories"] = categories.sorted().joined(separator: ",")
        }
        return info
    }
}
