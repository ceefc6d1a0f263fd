/// Scores every item of a dataset with a `ScoreSource`, reusing and filling a `ScoreCache`
/// for sources that have a cache identity.
public enum ScoreRunner {
    /// What a run did.
    public struct Summary: Sendable, Equatable {
        /// Scores taken from the cache.
        public var cached: Int
        /// Scores computed by the source.
        public var computed: Int
    }

    /// Scores `dataset` with `source`, up to `concurrency` items at a time (e.g. llama-server's
    /// parallel slots). Fresh scores of cached sources are recorded in `cache` and saved after
    /// every `saveEvery` new scores and at the end, so an interrupted run keeps its work.
    public static func run(_ source: any ScoreSource, on dataset: Dataset, cache: inout ScoreCache?,
                           concurrency: Int = 1, saveEvery: Int = 50) async throws -> (ScoreTable, Summary) {
        var scores = [Double?](repeating: nil, count: dataset.items.count)
        var summary = Summary(cached: 0, computed: 0)
        var missing: [Int] = []
        for (index, item) in dataset.items.enumerated() {
            if let identity = source.cacheIdentity, let hit = cache?.score(for: item.question, identity: identity) {
                scores[index] = hit
                summary.cached += 1
            } else {
                missing.append(index)
            }
        }
        var unsaved = 0
        let width = max(1, concurrency)
        var start = 0
        while start < missing.count {
            let batch = Array(missing[start..<min(start + width, missing.count)])
            start += batch.count
            let results = try await withThrowingTaskGroup(of: (Int, Double).self) { group in
                for index in batch {
                    let item = dataset.items[index]
                    group.addTask { (index, try await source.score(item)) }
                }
                var collected: [(Int, Double)] = []
                for try await result in group { collected.append(result) }
                return collected.sorted { $0.0 < $1.0 }
            }
            for (index, value) in results {
                let item = dataset.items[index]
                guard value.isFinite else {
                    throw EvaluationError(.mismatch, "strategy \(source.strategy) gave a non-finite score for item \(item.id); fix the strategy")
                }
                scores[index] = value
                summary.computed += 1
                if let identity = source.cacheIdentity, cache != nil {
                    cache!.record(value, for: item.question, identity: identity)
                    unsaved += 1
                }
            }
            if unsaved >= saveEvery {
                try cache?.save()
                unsaved = 0
            }
        }
        if unsaved > 0 { try cache?.save() }
        let pairs = zip(dataset.items, scores).map { ($0.id, $1!) }
        return (ScoreTable(pairs), summary)
    }
}
