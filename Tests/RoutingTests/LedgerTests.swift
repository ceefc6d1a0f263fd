import Agents
import Foundation
import GRDB
import TestSupport
import Testing
@testable import Routing
import RoutingTestSupport

/// Builders for ledger tests: answers with known numbers.
enum LedgerFixtures {
    static let thresholds = Thresholds.threeTier(localMin: 0.6, sonnetMin: 0.3)

    static func assessment(p: Double) -> Assessment {
        Assessment(strategy: "digit-scale", pLocalCorrect: p, rawScore: p + 0.01, calibration: "identity",
                   distribution: ["1": 0.1, "5": 0.7, "9": 0.2], allowedMass: 0.93, fellBackToSampled: false,
                   sampledToken: "5", promptTokens: 120, cachedTokens: 100, generatedTokens: 1,
                   elapsedMs: 41.5, promptMs: 30.25, predictedMs: 2.125)
    }

    /// An answer routed to `routed` and answered by `used` (degraded when they differ).
    static func answer(_ id: String, routed: Tier, used: Tier, totalMs: Double, cost: Double = 0,
                       measured: Double? = nil, p: Double = 0.5) -> RoutedAnswer {
        let degraded = routed != used
        var attempts = [Attempt(tier: used, error: nil, ms: totalMs - 40)]
        if degraded { attempts.insert(Attempt(tier: routed, error: "usage limit", ms: 0), at: 0) }
        return RoutedAnswer(
            id: id, question: "question \(id)?",
            route: Route(tier: routed, reason: "pLocalCorrect \(p) → \(routed.name)", score: p, thresholds: thresholds),
            assessment: assessment(p: p), tierUsed: used, answer: "answer \(id)", costUsd: measured ?? cost,
            timingsMs: .init(assess: 40, answer: totalMs - 40, total: totalMs), degraded: degraded,
            degradedReason: degraded ? "\(routed.name) failed (usage limit); answered locally" : nil, answerTokens: 17,
            questionTokens: 9, costEstimatedUsd: cost, costMeasuredUsd: measured, attempts: attempts)
    }
}

@Suite struct LedgerTests {
    @Test func answersRoundTripExactly() throws {
        let dir = try TemporaryDirectory(prefix: "ledger")
        defer { dir.remove() }
        let ledger = try Ledger(path: dir.file("sub/dir/ledger.sqlite"))
        let answer = LedgerFixtures.answer("a1", routed: .sonnet, used: .local, totalMs: 1234.5625, cost: 0.0123, measured: 0.02, p: 0.1 + 0.2)
        let at = Date(timeIntervalSince1970: 1_764_080_000.25)
        try ledger.record(answer, error: nil, at: at)
        try ledger.recordFailure(id: "f1", question: "why?", thresholds: LedgerFixtures.thresholds,
                                 error: "llama-server is down", totalMs: 3)

        let records = try ledger.last(10)
        #expect(records.map(\.id) == ["a1", "f1"])
        let back = records[0]
        #expect(back.routedAnswer == answer)
        #expect(abs(back.recordedAt.timeIntervalSince(at)) < 0.001)
        #expect(back.costMeasuredUsd == 0.02 && back.costUsd == 0.02)
        #expect(back.error == nil && back.outcome == nil)

        let failure = try #require(try ledger.record(id: "f1"))
        #expect(failure.error == "llama-server is down")
        #expect(failure.tierUsed == nil && failure.route == nil && failure.assessment == nil && failure.answer == nil)
        #expect(failure.routedAnswer == nil)
        #expect(failure.timingsMs == .init(assess: nil, answer: nil, total: 3))
        #expect(failure.thresholds == LedgerFixtures.thresholds)

        // A remote answer's source and delivery check (v6 columns).
        var remote = LedgerFixtures.answer("r1", routed: .sonnet, used: .sonnet, totalMs: 900, cost: 0.01)
        remote.agent = RoutedAnswer.AgentDelivery(session: "escalator-sonnet", permissionMode: "manual", delivery: "plain",
                                                  permissions: [], answerSource: "hook", deliveryVerified: false)
        // And its measured tokens, request count and price source (v7 columns).
        let measurement = MeasuredCost(usd: 0.0375, usage: TokenUsage(inputTokens: 11, outputTokens: 22, cacheReadTokens: 33,
                                                                      cacheWrite5mTokens: 44, cacheWrite1hTokens: 55),
                                       requests: 3, priceSource: "config+picker claude-code 2.1.332")
        remote.measurement = measurement
        remote.costMeasuredUsd = measurement.usd
        try ledger.record(remote, at: at.addingTimeInterval(1))
        let stored = try #require(try ledger.record(id: "r1"))
        #expect(stored.answerSource == "hook" && stored.deliveryVerified == false)
        #expect(stored.measurement == measurement && stored.costUsd == measurement.usd)
        #expect(back.measurement == nil)
        #expect(back.answerSource == nil && back.deliveryVerified == nil)

        #expect(try ledger.last(1).map(\.id) == ["f1"])
        #expect(try ledger.record(id: "missing") == nil)
        #expect(try ledger.appliedVersions() == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8"])
        // The same id twice is refused rather than silently replaced.
        #expect(throws: RoutingError.self) { try ledger.record(answer) }
    }

    @Test func outcomesAreSetLaterAndUnknownIdsAreRefused() throws {
        let dir = try TemporaryDirectory(prefix: "ledger")
        defer { dir.remove() }
        let ledger = try Ledger(path: dir.file("ledger.sqlite"))
        try ledger.record(LedgerFixtures.answer("a", routed: .local, used: .local, totalMs: 100))
        try ledger.record(LedgerFixtures.answer("b", routed: .local, used: .local, totalMs: 100))
        let when = Date(timeIntervalSince1970: 1_764_090_000)
        try ledger.setOutcome(id: "a", correct: true, score: nil, at: when)
        #expect(try ledger.record(id: "a")?.outcome == .init(correct: true, score: nil, at: when))
        #expect(try ledger.rows(withOutcome: true).map(\.id) == ["a"])
        #expect(try ledger.rows(withOutcome: false).map(\.id) == ["b"])
        // A later outcome replaces the earlier one.
        try ledger.setOutcome(id: "a", correct: nil, score: 0.25, at: when)
        #expect(try ledger.record(id: "a")?.outcome == .init(correct: nil, score: 0.25, at: when))

        let error = try #require(throws: RoutingError.self) { try ledger.setOutcome(id: "nope", correct: false, score: nil) }
        #expect(error.problem.contains("nope") && error.problem.contains(ledger.path))
        #expect(throws: RoutingError.self) { try ledger.setOutcome(id: "a", correct: nil, score: 1.5) }
        #expect(throws: RoutingError.self) { try ledger.setOutcome(id: "a", correct: nil, score: .nan) }
        #expect(throws: RoutingError.self) { try ledger.setOutcome(id: "a", correct: nil, score: nil) }
    }

    @Test func statsPerTierMatchHandComputedNumbers() throws {
        let dir = try TemporaryDirectory(prefix: "ledger")
        defer { dir.remove() }
        let ledger = try Ledger(path: dir.file("ledger.sqlite"))
        typealias F = LedgerFixtures
        // local: 100, 300, 200, 400 ms (the 400 one was routed to sonnet: degraded).
        try ledger.record(F.answer("l1", routed: .local, used: .local, totalMs: 100))
        try ledger.record(F.answer("l2", routed: .local, used: .local, totalMs: 300))
        try ledger.record(F.answer("l3", routed: .local, used: .local, totalMs: 200))
        try ledger.record(F.answer("l4", routed: .sonnet, used: .local, totalMs: 400))
        // sonnet: 1000 ms at $0.01; 3000 ms estimated $0.03 but measured $0.05.
        try ledger.record(F.answer("s1", routed: .sonnet, used: .sonnet, totalMs: 1000, cost: 0.01))
        try ledger.record(F.answer("s2", routed: .sonnet, used: .sonnet, totalMs: 3000, cost: 0.03, measured: 0.05))
        // opus: 5000 ms at $0.20.
        try ledger.record(F.answer("o1", routed: .opus, used: .opus, totalMs: 5000, cost: 0.2))
        try ledger.recordFailure(id: "x1", question: "?", thresholds: F.thresholds, error: "boom", totalMs: 7)
        try ledger.setOutcome(id: "l1", correct: true, score: nil)
        try ledger.setOutcome(id: "s1", correct: true, score: nil)
        try ledger.setOutcome(id: "o1", correct: false, score: nil)
        try ledger.setOutcome(id: "l2", correct: nil, score: 0.5)

        let s = try ledger.stats(tiers: TierTable.defaults.tiers)
        #expect(s.questions == 8 && s.answered == 7 && s.failed == 1 && s.degraded == 1)
        #expect(abs(s.costUsd - 0.26) < 1e-12)
        #expect(s.tiers.map(\.tier) == ["local", "sonnet", "opus"])
        let local = s.tiers[0], sonnet = s.tiers[1], opus = s.tiers[2]
        #expect(local.count == 4 && sonnet.count == 2 && opus.count == 1)
        #expect(abs(local.share - 4.0 / 7) < 1e-12 && abs(sonnet.share - 2.0 / 7) < 1e-12 && abs(opus.share - 1.0 / 7) < 1e-12)
        #expect(local.routed == 3 && sonnet.routed == 3 && opus.routed == 1)
        #expect(local.degraded == 1 && sonnet.degraded == 0)
        // Sorted 100, 200, 300, 400: p50 at rank 1.5 → 250; p90 at rank 2.7 → 370.
        #expect(local.latencyP50Ms == 250 && abs((local.latencyP90Ms ?? 0) - 370) < 1e-9)
        // 1000, 3000: p50 2000; p90 at rank 0.9 → 2800.
        #expect(sonnet.latencyP50Ms == 2000 && abs((sonnet.latencyP90Ms ?? 0) - 2800) < 1e-9)
        #expect(opus.latencyP50Ms == 5000 && opus.latencyP90Ms == 5000)
        #expect(abs(sonnet.costUsd - 0.06) < 1e-12 && abs(sonnet.meanCostUsd - 0.03) < 1e-12)
        #expect(local.costUsd == 0 && abs(opus.meanCostUsd - 0.2) < 1e-12)
        #expect(s.outcomes.count == 4 && s.outcomes.correct == 2 && s.outcomes.wrong == 1 && s.outcomes.scored == 1)
        #expect(abs((s.outcomes.accuracy ?? 0) - 2.0 / 3) < 1e-12 && s.outcomes.meanScore == 0.5)
    }

    @Test func emptyLedgerStats() throws {
        let dir = try TemporaryDirectory(prefix: "ledger")
        defer { dir.remove() }
        let s = try Ledger(path: dir.file("ledger.sqlite")).stats(tiers: TierTable.defaults.tiers)
        #expect(s.questions == 0 && s.tiers.allSatisfy { $0.count == 0 && $0.share == 0 && $0.latencyP50Ms == nil })
        #expect(s.outcomes.accuracy == nil && s.outcomes.meanScore == nil)
        #expect(LedgerStats.percentile([7], 0.9) == 7 && LedgerStats.percentile([], 0.5) == nil)
    }

    /// A database built by hand at schema v1 (before outcomes and measured cost) keeps its rows
    /// and gains the v2 columns when opened.
    @Test func migratesAnOlderDatabaseKeepingItsRows() throws {
        let dir = try TemporaryDirectory(prefix: "ledger")
        defer { dir.remove() }
        let path = dir.file("old.sqlite")
        do {
            let db = try DatabaseQueue(path: path)
            try db.write { db in
                try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v1')")
                try db.execute(sql: """
                    CREATE TABLE questions (id TEXT PRIMARY KEY NOT NULL, recorded_at TEXT NOT NULL, question TEXT NOT NULL,
                      strategy TEXT, p_local_correct REAL, raw_score REAL, calibration TEXT, distribution TEXT,
                      allowed_mass REAL, fell_back_to_sampled INTEGER, sampled_token TEXT, assess_prompt_tokens INTEGER,
                      assess_cached_tokens INTEGER, assess_generated_tokens INTEGER, assess_elapsed_ms REAL,
                      assess_prompt_ms REAL, assess_predicted_ms REAL, local_min REAL NOT NULL, sonnet_min REAL NOT NULL,
                      route_tier TEXT, route_reason TEXT, route_score REAL, tier_used TEXT,
                      degraded INTEGER NOT NULL DEFAULT 0, degraded_reason TEXT, answer TEXT, answer_tokens INTEGER,
                      cost_estimated_usd REAL NOT NULL DEFAULT 0, assess_ms REAL, answer_ms REAL, total_ms REAL, error TEXT)
                    """)
                try db.execute(sql: """
                    INSERT INTO questions (id, recorded_at, question, strategy, p_local_correct, distribution,
                      local_min, sonnet_min, route_tier, route_reason, route_score, tier_used, answer,
                      cost_estimated_usd, assess_ms, answer_ms, total_ms)
                    VALUES ('old1', '2026-01-02T03:04:05.678Z', 'old question', 'yes-no', 0.8, '{"No":0.2,"Yes":0.8}',
                      0.7, 0.4, 'local', 'pLocalCorrect 0.80 ≥ local_min 0.70 → local', 0.8, 'local', '42', 0, 10, 90, 100)
                    """)
            }
            try db.close()
        }
        let ledger = try Ledger(path: path)
        #expect(try ledger.appliedVersions() == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8"])
        let old = try #require(try ledger.record(id: "old1"))
        #expect(old.question == "old question" && old.answer == "42" && old.tierUsed == .local)
        #expect(old.assessment?.distribution == ["No": 0.2, "Yes": 0.8] && old.assessment?.pLocalCorrect == 0.8)
        #expect(old.thresholds == Thresholds.threeTier(localMin: 0.7, sonnetMin: 0.4))
        // v5: one thresholds column (every tier's min_p) instead of a column per threshold.
        let columns = try DatabaseQueue(path: path).read { db in try db.columns(in: Ledger.table).map(\.name) }
        #expect(columns.contains("thresholds") && !columns.contains("local_min") && !columns.contains("sonnet_min"), "\(columns)")
        #expect(old.costMeasuredUsd == nil && old.outcome == nil)
        #expect(old.recordedAt == Date(timeIntervalSince1970: 1_767_323_045.678) || abs(old.recordedAt.timeIntervalSince1970 - 1_767_323_045.678) < 0.001)
        try ledger.setOutcome(id: "old1", correct: true, score: nil)
        try ledger.record(LedgerFixtures.answer("new1", routed: .local, used: .local, totalMs: 5, measured: 0.5))
        #expect(try ledger.last(5).map(\.id) == ["old1", "new1"])
        #expect(try ledger.record(id: "new1")?.costMeasuredUsd == 0.5)
        #expect(try ledger.record(id: "old1")?.outcome?.correct == true)
    }

    /// A ledger at v6 (as every escalator before parked tiers left it) gains `parked_tiers` on
    /// open and keeps its rows; parkings then round-trip, replace and clear.
    @Test func aV6LedgerGainsParkedTiersKeepingItsRows() throws {
        let dir = try TemporaryDirectory(prefix: "ledger")
        defer { dir.remove() }
        let path = dir.file("v6.sqlite")
        do {
            let ledger = try Ledger(path: path)
            try ledger.record(LedgerFixtures.answer("kept", routed: .sonnet, used: .local, totalMs: 50))
        }
        // Back to before v8: the same schema without v8's table and record.
        do {
            let db = try DatabaseQueue(path: path)
            try db.write { db in
                try db.execute(sql: "DROP TABLE parked_tiers")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v8'")
            }
            #expect(try db.read { try $0.tableExists("parked_tiers") } == false)
            try db.close()
        }
        let ledger = try Ledger(path: path)
        #expect(try ledger.appliedVersions() == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8"])
        #expect(try ledger.record(id: "kept")?.answer == "answer kept")
        #expect(try ledger.parkedTiers().isEmpty)

        let zone = try #require(TimeZone(identifier: "America/New_York"))
        let parkedAt = Date(timeIntervalSince1970: 1_796_425_200.5)
        var opus = TierParking(tier: "opus", until: parkedAt.addingTimeInterval(3600), zone: zone, reason: "usage limit",
                               rawText: "You've hit your limit · resets 10pm (America/New_York)", parkedAt: parkedAt)
        try ledger.park(opus)
        try ledger.park(TierParking(tier: "sonnet", until: parkedAt, zone: .current, reason: "usage limit; …", rawText: nil,
                                    parkedAt: parkedAt))
        #expect(try ledger.parking(of: "opus") == opus)
        opus.until = parkedAt.addingTimeInterval(7200)
        try ledger.park(opus)   // replaces
        #expect(try ledger.parkedTiers().map(\.tier) == ["opus", "sonnet"])
        #expect(try ledger.parking(of: "opus")?.until == opus.until)
        // Plain SQL types: sqlite3 reads the moment as ISO 8601 UTC text.
        let until = try DatabaseQueue(path: path).read { db in
            try String.fetchOne(db, sql: "SELECT until FROM parked_tiers WHERE tier = 'opus'")
        }
        #expect(until == "2026-12-05T01:00:00.500Z")
        #expect(try ledger.unpark("opus"))
        #expect(try ledger.unpark("opus") == false)
        #expect(try ledger.parking(of: "opus") == nil && ledger.parking(of: "sonnet") != nil)
        #expect(try ledger.stats(tiers: TierTable.defaults.tiers).parked.map(\.tier) == ["sonnet"])
    }

    @Test func unusablePathsNameThePathAndTheFix() throws {
        let dir = try TemporaryDirectory(prefix: "ledger")
        defer { dir.remove() }
        let notADatabase = dir.file("notes.txt")
        try String(repeating: "not a database\n", count: 100).write(toFile: notADatabase, atomically: true, encoding: .utf8)
        let e1 = try #require(throws: RoutingError.self) { try Ledger(path: notADatabase) }
        #expect(e1.problem.contains(notADatabase) && e1.fix.contains("--ledger"))
        let underAFile = notADatabase + "/ledger.sqlite"
        let e2 = try #require(throws: RoutingError.self) { try Ledger(path: underAFile) }
        #expect(e2.problem.contains(notADatabase) && e2.fix.contains("--ledger"))
    }

    /// Several writers, each with its own connection (as separate batch processes have), racing
    /// to create and fill one new ledger: no row is lost.
    @Test func concurrentWritersLoseNoRows() async throws {
        let dir = try TemporaryDirectory(prefix: "ledger")
        defer { dir.remove() }
        let path = dir.file("shared.sqlite")
        let writers = 4, perWriter = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    let ledger = try Ledger(path: path)
                    for i in 0..<perWriter {
                        try ledger.record(LedgerFixtures.answer("w\(w)-\(i)", routed: .local, used: .local, totalMs: Double(i + 1)))
                        if i % 5 == 0 { try ledger.setOutcome(id: "w\(w)-\(i)", correct: true, score: nil) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let ledger = try Ledger(path: path)
        let all = try ledger.all()
        #expect(all.count == writers * perWriter)
        #expect(Set(all.map(\.id)).count == writers * perWriter)
        #expect(try ledger.rows(withOutcome: true).count == writers * 5)
        let mode = try await DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    /// The database is plain SQLite: the `sqlite3` tool reads it (it must exist in CI).
    @Test func readableWithTheSqlite3Tool() throws {
        let sqlite3 = RealPart.executable("sqlite3")
        if RealPart.isCI { try #require(sqlite3 != nil, "sqlite3 is missing — apt-get install sqlite3") }
        guard let sqlite3 else { return }
        let dir = try TemporaryDirectory(prefix: "ledger")
        defer { dir.remove() }
        let path = dir.file("ledger.sqlite")
        let ledger = try Ledger(path: path)
        try ledger.record(LedgerFixtures.answer("q1", routed: .sonnet, used: .local, totalMs: 250, p: 0.45))
        try ledger.record(LedgerFixtures.answer("q2", routed: .opus, used: .opus, totalMs: 900, cost: 0.125))
        try ledger.setOutcome(id: "q2", correct: false, score: nil)
        let r = try runBinary(sqlite3, [path, """
            SELECT count(*), sum(degraded), sum(cost_estimated_usd), group_concat(tier_used, ','),
                   json_extract(distribution, '$.5'), (SELECT outcome_correct FROM questions WHERE id = 'q2')
            FROM questions
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2|1|0.125|local,opus|0.7|0")
    }
}
