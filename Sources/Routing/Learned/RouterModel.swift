import Foundation

/// A trained router: a small head that turns question features (the local model's embedding of
/// the question, or other strategies' scores) into P(local answer wrong). Written by
/// `escalator router train` as one JSON file (format `escalator-router`, version 1) and read by
/// the `embedding-logistic`, `embedding-knn` and `combined` strategies.
public struct RouterModel: Sendable, Equatable {
    /// The strategy a router file serves.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case logistic = "embedding-logistic"
        case knn = "embedding-knn"
        case combined = "combined"
    }

    /// Which embeddings the head was trained on: a router refuses embeddings of another model.
    public struct EmbeddingIdentity: Sendable, Equatable, Codable {
        /// The embedding model's identity: the file name of llama-server's `/props` model_path.
        public var model: String
        /// Length of each vector.
        public var dimensions: Int
        /// llama-server's `--pooling` mode the vectors came from.
        public var pooling: String

        public init(model: String, dimensions: Int, pooling: String) {
            self.model = model
            self.dimensions = dimensions
            self.pooling = pooling
        }
    }

    public var kind: Kind
    /// Set for the embedding heads; nil for `combined`.
    public var embedding: EmbeddingIdentity?
    public var logistic: LogisticHead?
    public var knn: NearestNeighbourHead?
    public var combined: CombinedHead?
    /// How the head was trained (dataset, split, seed, the hyperparameter chosen on validation
    /// and the validation metrics), kept as written for people and reports.
    public var training: [String: String]

    public init(kind: Kind, embedding: EmbeddingIdentity?, logistic: LogisticHead? = nil, knn: NearestNeighbourHead? = nil,
                combined: CombinedHead? = nil, training: [String: String] = [:]) {
        self.kind = kind
        self.embedding = embedding
        self.logistic = logistic
        self.knn = knn
        self.combined = combined
        self.training = training
    }

    /// P(local answer wrong) for a question's embedding (the embedding heads only).
    public func probabilityWrong(embedding vector: [Float]) throws -> Double {
        guard let identity = embedding else {
            throw RoutingError(problem: "a \(kind.rawValue) router has no embedding head", fix: "use an embedding-logistic or embedding-knn router")
        }
        guard vector.count == identity.dimensions else {
            throw RoutingError(problem: "the router expects \(identity.dimensions)-dimensional embeddings of \(identity.model), got \(vector.count) dimensions",
                               fix: "embed with the model the router was trained on, or retrain it with `escalator router train`")
        }
        let unit = EmbeddingMath.normalized(vector)
        switch kind {
        case .logistic:
            guard let logistic else { throw Self.missing("logistic", kind) }
            return logistic.probability(unit.map(Double.init))
        case .knn:
            guard let knn else { throw Self.missing("knn", kind) }
            return knn.probability(unit)
        case .combined:
            throw RoutingError(problem: "a combined router scores strategies, not embeddings", fix: "use its components")
        }
    }

    static func missing(_ part: String, _ kind: Kind) -> RoutingError {
        RoutingError(problem: "the \(kind.rawValue) router file has no \"\(part)\" section",
                     fix: "retrain it with `escalator router train --strategy \(kind.rawValue)`")
    }
}

/// Logistic regression on standardised features: p = σ(Σ wᵢ (xᵢ − meanᵢ) / scaleᵢ + bias).
public struct LogisticHead: Sendable, Equatable, Codable {
    public var mean: [Double]
    public var scale: [Double]
    public var weights: [Double]
    public var bias: Double
    /// The L2 penalty it was fitted with (chosen on validation).
    public var l2: Double

    public init(mean: [Double], scale: [Double], weights: [Double], bias: Double, l2: Double) {
        self.mean = mean
        self.scale = scale
        self.weights = weights
        self.bias = bias
        self.l2 = l2
    }

    /// The linear score before the sigmoid.
    public func logit(_ x: [Double]) -> Double {
        var z = bias
        for i in 0..<min(x.count, weights.count) {
            z += weights[i] * (x[i] - mean[i]) / scale[i]
        }
        return z
    }

    /// σ(logit).
    public func probability(_ x: [Double]) -> Double { EmbeddingMath.sigmoid(logit(x)) }

    func validate() throws {
        let n = weights.count
        guard n > 0, mean.count == n, scale.count == n else {
            throw RoutingError(problem: "the logistic head's mean, scale and weights differ in length (\(mean.count), \(scale.count), \(n))",
                               fix: "retrain the router with `escalator router train`")
        }
        guard (weights + mean + scale + [bias]).allSatisfy(\.isFinite), scale.allSatisfy({ $0 > 0 }) else {
            throw RoutingError(problem: "the logistic head holds non-finite numbers or a zero scale", fix: "retrain the router with `escalator router train`")
        }
    }
}

/// k nearest neighbours by cosine similarity over the training questions' unit embeddings:
/// P(wrong) = (Σ labels of the k nearest + smoothing · prior) / (k + smoothing).
public struct NearestNeighbourHead: Sendable, Equatable {
    public var k: Int
    /// Row-major unit vectors, `count × dimensions`.
    public var vectors: [Float]
    public var dimensions: Int
    /// 1 when the training question's local answer was wrong, else 0.
    public var labels: [Float]
    /// The training rate of wrong local answers, pulled towards when neighbours are few.
    public var prior: Double
    /// Pseudo-count of the prior.
    public var smoothing: Double

    public init(k: Int, vectors: [Float], dimensions: Int, labels: [Float], prior: Double, smoothing: Double = 1) {
        self.k = k
        self.vectors = vectors
        self.dimensions = dimensions
        self.labels = labels
        self.prior = prior
        self.smoothing = smoothing
    }

    public var count: Int { labels.count }

    /// The `k` training rows most similar to `unit` (a unit vector), most similar first; ties
    /// keep the lower row first, so results do not depend on timing.
    public func nearest(_ unit: [Float], k: Int) -> [(row: Int, similarity: Float)] {
        let k = min(k, count)
        guard k > 0 else { return [] }
        var best: [(row: Int, similarity: Float)] = []
        best.reserveCapacity(k + 1)
        vectors.withUnsafeBufferPointer { rows in
            unit.withUnsafeBufferPointer { q in
                for r in 0..<count {
                    var s: Float = 0
                    let base = r * dimensions
                    for j in 0..<dimensions { s += rows[base + j] * q[j] }
                    if best.count == k, s <= best[k - 1].similarity { continue }
                    var i = best.count
                    while i > 0, best[i - 1].similarity < s { i -= 1 }
                    best.insert((r, s), at: i)
                    if best.count > k { best.removeLast() }
                }
            }
        }
        return best
    }

    /// P(local wrong) for a unit vector, with the head's own `k`.
    public func probability(_ unit: [Float]) -> Double { probability(unit, k: k) }

    /// P(local wrong) for a unit vector and any `k` (validation tries several).
    public func probability(_ unit: [Float], k: Int) -> Double {
        let neighbours = nearest(unit, k: k)
        let wrong = neighbours.reduce(0.0) { $0 + Double(labels[$1.row]) }
        return (wrong + smoothing * prior) / (Double(neighbours.count) + smoothing)
    }

    func validate() throws {
        guard k >= 1, dimensions >= 1, count >= 1, vectors.count == count * dimensions else {
            throw RoutingError(problem: "the kNN head is inconsistent (k \(k), \(count) labels, \(vectors.count) numbers for \(dimensions) dimensions)",
                               fix: "retrain the router with `escalator router train --strategy embedding-knn`")
        }
    }
}

/// Logistic regression over other strategies' escalation scores (each in [0, 1], higher =
/// escalate), taken through the logit so probabilities combine additively.
public struct CombinedHead: Sendable, Equatable, Codable {
    /// One input: a strategy's escalation score, computed live.
    public struct Feature: Sendable, Equatable, Codable {
        /// `digit-scale`, `yes-no` (1 − P(correct) of the self-rating), `embedding-logistic`,
        /// `embedding-knn` (the router's P(wrong)), `answer-logprob` (1 − exp(mean token
        /// log-probability) of the local answer) or `answer-logprob-min` (1 − exp(minimum)).
        public var name: String
        /// For embedding features: the router file, relative to the combined file's folder.
        public var router: String?

        public init(name: String, router: String? = nil) {
            self.name = name
            self.router = router
        }
    }

    public static let featureNames = ["digit-scale", "yes-no", "embedding-logistic", "embedding-knn", "answer-logprob", "answer-logprob-min"]

    public var features: [Feature]
    public var head: LogisticHead

    public init(features: [Feature], head: LogisticHead) {
        self.features = features
        self.head = head
    }

    /// The value a score enters the head as: logit of the score clamped to [1e-4, 1 − 1e-4].
    public static func transform(_ score: Double) -> Double {
        let s = min(1 - 1e-4, max(1e-4, score.isFinite ? score : 0.5))
        return log(s / (1 - s))
    }

    /// P(local wrong) from the features' scores, in `features` order.
    public func probabilityWrong(scores: [Double]) -> Double {
        head.probability(scores.map(Self.transform))
    }

    /// True when a feature needs the local answer first (the strategy is then a cascade).
    public var answersFirst: Bool { features.contains { $0.name.hasPrefix("answer-logprob") } }
}

/// Small vector helpers shared by training and scoring.
public enum EmbeddingMath {
    public static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }

    /// `v` scaled to unit Euclidean length (unchanged when it is all zeros).
    public static func normalized(_ v: [Float]) -> [Float] {
        var sum: Float = 0
        for x in v { sum += x * x }
        guard sum > 0 else { return v }
        let inv = 1 / sum.squareRoot()
        return v.map { $0 * inv }
    }
}
