import Foundation
import Agents
import GRDB

/// Every routed question, recorded in a SQLite database (by default
/// `$XDG_DATA_HOME/escalator/ledger.sqlite`): the assessment, thresholds, route and reason,
/// tier used, answer, tokens, cost, timings, error, and the outcome filled in later.
///
/// The database is in WAL mode with a busy timeout, so several escalator processes (batch
/// workers) can record at once; the schema is versioned (see ``migrator``) and readable with the
/// `sqlite3` command-line tool.
public final class Ledger: Sendable {
    /// The database file.
    public let path: String
    private let pool: DatabasePool
    /// Where callers on the cooperative pool run the blocking writes (see ``QuestionPath``).
    public let queue = BlockingQueue(label: "escalator.ledger")

    /// How long a writer waits for another process's write to finish.
    static let busyTimeout: TimeInterval = 30

    /// `ledger.sqlite` in escalator's data folder.
    public static func defaultPath(_ paths: Paths) -> String {
        (paths.data as NSString).appendingPathComponent("ledger.sqlite")
    }

    /// Opens (creating and migrating as needed) the ledger in the data folder of `settings`.
    public convenience init(settings: Settings) throws {
        try self.init(path: Self.defaultPath(settings.paths))
    }

    /// Opens the ledger at `path`, creating its folder and database and bringing the schema
    /// up to date. A path that cannot hold a database is a ``RoutingError`` naming it.
    public init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw RoutingError(problem: "cannot create the ledger's folder \(folder) (\(Self.reason(error)))",
                                   fix: Self.pathFix)
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(Self.busyTimeout)
        config.label = "escalator.ledger"
        pool = try Self.openPool(path, config)
        try migrate()
    }

    /// Opens the pool. Several processes creating the same new ledger race to switch it to WAL,
    /// and SQLite answers the losers "database is locked" at once (no busy wait, to avoid a
    /// deadlock), so a busy open is retried for a few seconds.
    private static func openPool(_ path: String, _ config: Configuration) throws -> DatabasePool {
        var attempt = 0
        while true {
            do {
                return try DatabasePool(path: path, configuration: config)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 200 {
                attempt += 1
                usleep(useconds_t(5_000 + Int.random(in: 0...20_000)))
            } catch {
                throw RoutingError(problem: "cannot open the ledger \(path) (\(Self.reason(error)))", fix: Self.pathFix)
            }
        }
    }

    static let pathFix = "make the folder writable, point XDG_DATA_HOME at a writable folder, or pass --ledger PATH to a SQLite file escalator may create"

    // MARK: Writing

    /// Records an answered question. `error` notes a problem that did not stop the answer.
    public func record(_ answer: RoutedAnswer, error: String? = nil, at date: Date = Date()) throws {
        try insert(LedgerRecord(answer, recordedAt: date, error: error))
    }

    /// Records a question that failed before it was answered, with what was known.
    public func recordFailure(id: String, question: String, thresholds: Thresholds, route: Route? = nil,
                              assessment: Assessment? = nil, error: String, totalMs: Double? = nil,
                              attempts: [Attempt] = [], at date: Date = Date()) throws {
        try insert(LedgerRecord(id: id, recordedAt: date, question: question, assessment: assessment,
                                thresholds: thresholds, route: route, tierUsed: nil, degraded: false,
                                degradedReason: nil, answer: nil, answerTokens: nil, costEstimatedUsd: 0,
                                costMeasuredUsd: nil, timingsMs: .init(assess: nil, answer: nil, total: totalMs),
                                error: error, outcome: nil, attempts: attempts))
    }

    /// Records a question no tier answered, in the same shape as an answered one.
    public func record(_ failure: QuestionFailure, at date: Date = Date()) throws {
        try recordFailure(id: failure.id, question: failure.question, thresholds: failure.thresholds, route: failure.route,
                          assessment: failure.assessment, error: "\(failure.error)", totalMs: failure.totalMs,
                          attempts: failure.attempts, at: date)
    }

    /// Inserts `record` as a new row; its id must not be in the ledger yet.
    public func insert(_ record: LedgerRecord) throws {
        let columns = try Self.columns(of: record)
        let sql = "INSERT INTO \(Self.table) (\(columns.map(\.0).joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
        try write("record question \(record.id)") { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM \(Self.table) WHERE id = ?", arguments: [record.id]) == true {
                throw RoutingError(problem: "question \(record.id) is already in the ledger \(self.path)",
                                   fix: "record each question once, under a new id (RoutedAnswer.newID())")
            }
            try db.execute(sql: sql, arguments: StatementArguments(columns.map(\.1)))
        }
    }

    /// Sets the outcome of question `id` (replacing any earlier one): a verdict, a score in
    /// [0, 1], or both. An unknown id is a ``RoutingError``.
    public func setOutcome(id: String, correct: Bool?, score: Double?, at date: Date = Date()) throws {
        guard correct != nil || score != nil else {
            throw RoutingError(problem: "no outcome given for question \(id)",
                               fix: "say whether it was correct, or give a score between 0 and 1")
        }
        if let score, !(score >= 0 && score <= 1) {
            throw RoutingError(problem: "score \(score) is not between 0 and 1", fix: "give a score such as 0.75")
        }
        try write("set the outcome of \(id)") { db in
            try db.execute(sql: "UPDATE \(Self.table) SET outcome_correct = ?, outcome_score = ?, outcome_at = ? WHERE id = ?",
                           arguments: [correct, score, Self.timestamp(date), id])
            guard db.changesCount > 0 else {
                throw RoutingError(problem: "no question with id \(id) in the ledger \(self.path)",
                                   fix: "copy an id from `escalator log` (or pass --ledger for another ledger)")
            }
        }
    }

    // MARK: Reading

    /// The `n` most recent questions, oldest first.
    public func last(_ n: Int) throws -> [LedgerRecord] {
        try fetch("SELECT * FROM (SELECT rowid AS r, * FROM \(Self.table) ORDER BY recorded_at DESC, rowid DESC LIMIT ?) ORDER BY recorded_at, r",
                  [max(n, 0)])
    }

    /// Every question, oldest first.
    public func all() throws -> [LedgerRecord] {
        try fetch("SELECT * FROM \(Self.table) ORDER BY recorded_at, rowid", [])
    }

    /// The question with `id`, if recorded.
    public func record(id: String) throws -> LedgerRecord? {
        try fetch("SELECT * FROM \(Self.table) WHERE id = ?", [id]).first
    }

    /// Questions that have (`true`) or lack (`false`) an outcome, oldest first: the labelled
    /// rows are what the eval harness scores routing on.
    public func rows(withOutcome: Bool) throws -> [LedgerRecord] {
        let test = withOutcome ? "outcome_correct IS NOT NULL OR outcome_score IS NOT NULL"
            : "outcome_correct IS NULL AND outcome_score IS NULL"
        return try fetch("SELECT * FROM \(Self.table) WHERE \(test) ORDER BY recorded_at, rowid", [])
    }

    /// Per-tier counts, shares, cost and latency, degraded and failed counts, outcomes and parked
    /// tiers; `tiers` (the configured ones) are listed even when no question used them.
    public func stats(tiers: [Tier]) throws -> LedgerStats {
        var stats = LedgerStats(records: try all(), tiers: tiers)
        stats.parked = try parkedTiers()
        return stats
    }

    /// The migrations applied to this database, oldest first.
    public func appliedVersions() throws -> [String] {
        try read("read the schema version") { try Self.migrator.appliedMigrations($0) }
    }

    // MARK: Internals

    private func migrate() throws {
        let migrator = Self.migrator
        var attempt = 0
        while true {
            do {
                try migrator.migrate(pool)
                return
            } catch {
                // Another process opening the same new ledger may have migrated it first.
                if (try? pool.read({ try migrator.hasCompletedMigrations($0) })) == true { return }
                attempt += 1
                usleep(useconds_t(5_000 + Int.random(in: 0...20_000)))
                if attempt >= 20 {
                    throw RoutingError(problem: "cannot prepare the ledger \(path) (\(Self.reason(error)))",
                                       fix: "if it is not an escalator ledger, move it aside; else \(Self.pathFix)")
                }
            }
        }
    }

    private func fetch(_ sql: String, _ arguments: StatementArguments) throws -> [LedgerRecord] {
        try read("read") { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.record(from:)) }
    }

    func read<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as RoutingError {
            throw error
        } catch {
            throw RoutingError(problem: "cannot \(what) the ledger \(path) (\(Self.reason(error)))", fix: Self.pathFix)
        }
    }

    /// Runs `body` in an immediate transaction, so concurrent writers queue on the busy timeout
    /// instead of failing on a lock upgrade.
    func write(_ what: String, _ body: (Database) throws -> Void) throws {
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try body(db)
                    return .commit
                }
            }
        } catch let error as RoutingError {
            throw error
        } catch {
            throw RoutingError(problem: "cannot \(what) in the ledger \(path) (\(Self.reason(error)))", fix: Self.pathFix)
        }
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return (error as NSError).localizedDescription
    }

    // MARK: Row mapping

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func date(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    /// The row's columns and values, in the current schema.
    static func columns(of r: LedgerRecord) throws -> [(String, (any DatabaseValueConvertible)?)] {
        let a = r.assessment
        let m = r.measurement
        var distribution: String?
        if let a {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            distribution = String(decoding: try encoder.encode(a.distribution), as: UTF8.self)
        }
        return [
            ("id", r.id), ("recorded_at", timestamp(r.recordedAt)), ("question", r.question),
            ("strategy", a?.strategy), ("p_local_correct", a?.pLocalCorrect), ("raw_score", a?.rawScore),
            ("calibration", a?.calibration), ("distribution", distribution), ("allowed_mass", a?.allowedMass),
            ("fell_back_to_sampled", a?.fellBackToSampled), ("sampled_token", a?.sampledToken),
            ("assess_prompt_tokens", a?.promptTokens), ("assess_cached_tokens", a?.cachedTokens),
            ("assess_generated_tokens", a?.generatedTokens), ("assess_elapsed_ms", a?.elapsedMs),
            ("assess_prompt_ms", a?.promptMs), ("assess_predicted_ms", a?.predictedMs),
            ("thresholds", try thresholdsJSON(r.thresholds)),
            ("route_tier", r.route?.tier.name), ("route_reason", r.route?.reason), ("route_score", r.route?.score),
            ("tier_used", r.tierUsed?.name), ("degraded", r.degraded), ("degraded_reason", r.degradedReason),
            ("answer", r.answer), ("answer_tokens", r.answerTokens),
            ("cost_estimated_usd", r.costEstimatedUsd), ("cost_measured_usd", r.costMeasuredUsd),
            ("assess_ms", r.timingsMs.assess), ("answer_ms", r.timingsMs.answer), ("total_ms", r.timingsMs.total),
            ("error", r.error),
            ("outcome_correct", r.outcome?.correct), ("outcome_score", r.outcome?.score),
            ("outcome_at", r.outcome.map { timestamp($0.at) }),
            ("question_tokens", r.questionTokens), ("attempts", try attemptsJSON(r.attempts)),
            ("assessment_features", try featuresJSON(a?.features)),
            ("local_answer_discarded", r.discardedLocalAnswer != nil), ("discarded_answer", r.discardedLocalAnswer),
            ("discarded_answer_tokens", r.discardedLocalAnswerTokens),
            ("answer_source", r.answerSource), ("delivery_verified", r.deliveryVerified),
            ("measured_input_tokens", m?.usage.inputTokens), ("measured_output_tokens", m?.usage.outputTokens),
            ("measured_cache_read_tokens", m?.usage.cacheReadTokens),
            ("measured_cache_write_5m_tokens", m?.usage.cacheWrite5mTokens),
            ("measured_cache_write_1h_tokens", m?.usage.cacheWrite1hTokens),
            ("measured_requests", m?.requests), ("price_source", m?.priceSource),
        ]
    }

    static func attemptsJSON(_ attempts: [Attempt]) throws -> String? {
        guard !attempts.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(attempts), as: UTF8.self)
    }

    static func featuresJSON(_ features: [String: Double]?) throws -> String? {
        guard let features else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(features), as: UTF8.self)
    }

    static func record(from row: Row) throws -> LedgerRecord {
        let recordedText: String = row["recorded_at"]
        let recordedAt = date(recordedText) ?? Date(timeIntervalSince1970: 0)
        var assessment: Assessment?
        if let strategy: String = row["strategy"], let p: Double = row["p_local_correct"] {
            var distribution: [String: Double] = [:]
            if let text: String = row["distribution"] {
                distribution = try JSONDecoder().decode([String: Double].self, from: Data(text.utf8))
            }
            assessment = Assessment(
                strategy: strategy, pLocalCorrect: p, rawScore: row["raw_score"] ?? p,
                calibration: row["calibration"] ?? "identity", distribution: distribution,
                allowedMass: row["allowed_mass"] ?? 1, fellBackToSampled: row["fell_back_to_sampled"] ?? false,
                sampledToken: row["sampled_token"] ?? "", promptTokens: row["assess_prompt_tokens"] ?? 0,
                cachedTokens: row["assess_cached_tokens"] ?? 0, generatedTokens: row["assess_generated_tokens"] ?? 0,
                elapsedMs: row["assess_elapsed_ms"] ?? 0, promptMs: row["assess_prompt_ms"] ?? 0,
                predictedMs: row["assess_predicted_ms"] ?? 0,
                features: try (row["assessment_features"] as String?).map { try JSONDecoder().decode([String: Double].self, from: Data($0.utf8)) })
        }
        let thresholds = try thresholds(json: row["thresholds"])
        var route: Route?
        if let tierName: String = row["route_tier"] {
            route = Route(tier: Tier.recorded(tierName), reason: row["route_reason"] ?? "", score: row["route_score"],
                          thresholds: thresholds)
        }
        var outcome: LedgerRecord.Outcome?
        let correct: Bool? = row["outcome_correct"]
        let score: Double? = row["outcome_score"]
        if correct != nil || score != nil {
            let at: String? = row["outcome_at"]
            outcome = .init(correct: correct, score: score, at: at.flatMap(date) ?? recordedAt)
        }
        let tierUsed: String? = row["tier_used"]
        var record = LedgerRecord(
            id: row["id"], recordedAt: recordedAt, question: row["question"], assessment: assessment,
            thresholds: thresholds, route: route, tierUsed: tierUsed.map(Tier.recorded), degraded: row["degraded"] ?? false,
            degradedReason: row["degraded_reason"], answer: row["answer"], answerTokens: row["answer_tokens"],
            costEstimatedUsd: row["cost_estimated_usd"] ?? 0, costMeasuredUsd: row["cost_measured_usd"],
            timingsMs: .init(assess: row["assess_ms"], answer: row["answer_ms"], total: row["total_ms"]),
            error: row["error"], outcome: outcome, questionTokens: row["question_tokens"],
            attempts: try (row["attempts"] as String?).map { try JSONDecoder().decode([Attempt].self, from: Data($0.utf8)) } ?? [])
        record.discardedLocalAnswer = row["discarded_answer"]
        record.discardedLocalAnswerTokens = row["discarded_answer_tokens"]
        record.answerSource = row["answer_source"]
        record.deliveryVerified = row["delivery_verified"]
        if let requests: Int = row["measured_requests"] {
            let usage = TokenUsage(inputTokens: row["measured_input_tokens"] ?? 0, outputTokens: row["measured_output_tokens"] ?? 0,
                                   cacheReadTokens: row["measured_cache_read_tokens"] ?? 0,
                                   cacheWrite5mTokens: row["measured_cache_write_5m_tokens"] ?? 0,
                                   cacheWrite1hTokens: row["measured_cache_write_1h_tokens"] ?? 0)
            record.measurement = MeasuredCost(usd: record.costMeasuredUsd ?? 0, usage: usage, requests: requests,
                                              priceSource: row["price_source"] ?? "")
        }
        return record
    }
}
