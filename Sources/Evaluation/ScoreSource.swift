/// Produces an escalation score per question (higher = escalate). Baselines live here; the
/// live self-assessment strategies (llama-server) conform in the Routing layer.
public protocol ScoreSource: Sendable {
    /// The strategy name written in reports and cache keys (e.g. `random`, `verbal-1to5`).
    var strategy: String { get }
    /// What identifies a score for caching: model, strategy and prompt template. nil for
    /// cheap deterministic baselines that are never cached.
    var cacheIdentity: ScoreCache.Identity? { get }
    /// The score of `item`. Must not depend on other items, so cached and fresh scores mix.
    func score(_ item: DatasetItem) async throws -> Double
}

/// Seeded random baseline: a uniform [0, 1) score derived from the seed and the item id, so a
/// score does not depend on item order. Its expected curve is RouteLLM's random line.
public struct RandomScoreSource: ScoreSource {
    /// The seed.
    public var seed: UInt64
    public var strategy: String { "random" }
    public var cacheIdentity: ScoreCache.Identity? { nil }

    /// Creates the baseline with `seed`.
    public init(seed: UInt64 = 0) { self.seed = seed }

    public func score(_ item: DatasetItem) async throws -> Double {
        var rng = SplitMix64(seed: seed ^ StableHash.fnv1a64(item.id))
        return rng.nextUnit()
    }
}

/// Length baseline: longer questions are escalated first (score = UTF-8 byte count).
public struct LengthScoreSource: ScoreSource {
    public var strategy: String { "length" }
    public var cacheIdentity: ScoreCache.Identity? { nil }

    /// Creates the baseline.
    public init() {}

    public func score(_ item: DatasetItem) async throws -> Double {
        Double(item.question.utf8.count)
    }
}

/// Oracle baseline: the realised gain of escalating (top-tier minus local quality). It peeks at
/// the outcomes, so it is the ceiling, not a router.
public struct OracleScoreSource: ScoreSource {
    /// The tier escalated to (default: the last).
    public var topTier: Int?
    public var strategy: String { "oracle" }
    public var cacheIdentity: ScoreCache.Identity? { nil }

    /// Creates the oracle for escalation to `topTier` (nil: the last tier).
    public init(topTier: Int? = nil) { self.topTier = topTier }

    public func score(_ item: DatasetItem) async throws -> Double {
        item.outcomes[topTier ?? item.outcomes.count - 1] - item.outcomes[0]
    }
}

/// The built-in baselines by name.
public enum BaselineStrategies {
    /// The names `escalator eval score --strategy` accepts without a live model.
    public static let names = ["random", "length", "oracle"]

    /// The baseline called `name`, or nil.
    public static func source(named name: String, seed: UInt64) -> (any ScoreSource)? {
        switch name {
        case "random": RandomScoreSource(seed: seed)
        case "length": LengthScoreSource()
        case "oracle": OracleScoreSource()
        default: nil
        }
    }
}
