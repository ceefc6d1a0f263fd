import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Evaluation

/// A live-like source that counts its calls, to prove cached scores are not recomputed.
final class CountingSource: ScoreSource {
    let calls = Mutex(0)
    let template: String
    init(template: String) { self.template = template }
    var strategy: String { "fake" }
    var cacheIdentity: ScoreCache.Identity? { ScoreCache.Identity(model: "m.gguf", strategy: "fake", template: template) }
    func score(_ item: DatasetItem) async throws -> Double {
        calls.withLock { $0 += 1 }
        return Double(item.question.count) / 7
    }
}

@Suite struct ScoreSourceTests {
    @Test func cacheMakesReRunsFree() async throws {
        let dir = try TemporaryDirectory(prefix: "eval-cache")
        defer { dir.remove() }
        let dataset = try Fixtures.dataset(local: [1, 0, 1], top: [1, 1, 0])
        let source = CountingSource(template: "Rate: {q}")
        var cache: ScoreCache? = try ScoreCache(path: dir.file("cache.jsonl"))
        let (first, s1) = try await ScoreRunner.run(source, on: dataset, cache: &cache)
        #expect(s1 == ScoreRunner.Summary(cached: 0, computed: 3))
        var reloaded: ScoreCache? = try ScoreCache(path: dir.file("cache.jsonl"))
        let (second, s2) = try await ScoreRunner.run(source, on: dataset, cache: &reloaded)
        #expect(s2 == ScoreRunner.Summary(cached: 3, computed: 0))
        #expect(first == second)
        #expect(source.calls.withLock { $0 } == 3)
        // A different prompt template is a different key; scoring several at a time gives the
        // same table in dataset order.
        let edited = CountingSource(template: "Rate carefully: {q}")
        let (third, s3) = try await ScoreRunner.run(edited, on: dataset, cache: &reloaded, concurrency: 2)
        #expect(s3.computed == 3)
        #expect(third == first)
    }

    @Test func baselinesByHand() async throws {
        let item = DatasetItem(id: "x", question: "héllo", outcomes: [1, 0, 1])
        #expect(try await LengthScoreSource().score(item) == 6)  // "é" is two UTF-8 bytes
        #expect(try await OracleScoreSource().score(item) == 0)
        #expect(try await OracleScoreSource(topTier: 1).score(item) == -1)
        let a = try await RandomScoreSource(seed: 1).score(item)
        #expect(try await RandomScoreSource(seed: 1).score(item) == a)
        #expect(try await RandomScoreSource(seed: 2).score(item) != a)
        #expect(a >= 0 && a < 1)
    }

    /// SplitMix64 reference values for seed 0 (Vigna's splitmix64.c): the first output is
    /// 0xE220A8397B1DCDAF.
    @Test func splitMixMatchesReference() {
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    }
}
