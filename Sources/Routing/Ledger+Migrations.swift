import Foundation
import GRDB

extension Ledger {
    /// The table every routed question is recorded in.
    public static let table = "questions"

    /// The ledger's schema, one migration per version. GRDB records the applied ones in
    /// `grdb_migrations`, so an older database gains the newer columns on open and keeps its rows.
    ///
    /// - `v1`: the question, its assessment, thresholds, route, tier used, answer, tokens,
    ///   estimated cost, timings and error.
    /// - `v2`: the measured cost and the outcome a user or the eval harness fills in later.
    /// - `v3`: the question's token count and the tiers tried (`attempts`, JSON).
    /// - `v4`: a learned strategy's numbers (`assessment_features`, JSON) and, for a cascade,
    ///   whether the local answer it generated was discarded because the question escalated
    ///   (`local_answer_discarded`, `discarded_answer`, `discarded_answer_tokens`).
    /// - `v5`: tiers are data: one `thresholds` column (JSON, every tier's min_p cheapest first,
    ///   `[{"tier": "local", "min_p": 0.6}, …]`) replaces `local_min` and `sonnet_min`; older
    ///   rows get the three tiers they were routed with (opus at 0).
    /// - `v6`: where a remote answer was read (`answer_source`) and whether the agent's accepted
    ///   prompt matched the question (`delivery_verified`).
    /// - `v8`: parked tiers (`parked_tiers`: `tier`, `until` and `parked_at` as ISO 8601 UTC, the
    ///   reset's `zone`, `reason`, the agent's `raw_text`), see ``TierParking``.
    ///
    /// Columns use plain SQL types (TEXT, REAL, INTEGER; the distribution is JSON text) so the
    /// `sqlite3` command-line tool reads the database as it is.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE questions (
                    id TEXT PRIMARY KEY NOT NULL,
                    recorded_at TEXT NOT NULL,
                    question TEXT NOT NULL,
                    strategy TEXT,
                    p_local_correct REAL,
                    raw_score REAL,
                    calibration TEXT,
                    distribution TEXT,
                    allowed_mass REAL,
                    fell_back_to_sampled INTEGER,
                    sampled_token TEXT,
                    assess_prompt_tokens INTEGER,
                    assess_cached_tokens INTEGER,
                    assess_generated_tokens INTEGER,
                    assess_elapsed_ms REAL,
                    assess_prompt_ms REAL,
                    assess_predicted_ms REAL,
                    local_min REAL NOT NULL,
                    sonnet_min REAL NOT NULL,
                    route_tier TEXT,
                    route_reason TEXT,
                    route_score REAL,
                    tier_used TEXT,
                    degraded INTEGER NOT NULL DEFAULT 0,
                    degraded_reason TEXT,
                    answer TEXT,
                    answer_tokens INTEGER,
                    cost_estimated_usd REAL NOT NULL DEFAULT 0,
                    assess_ms REAL,
                    answer_ms REAL,
                    total_ms REAL,
                    error TEXT
                )
                """)
            try db.execute(sql: "CREATE INDEX questions_recorded_at ON questions(recorded_at)")
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN cost_measured_usd REAL")
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN outcome_correct INTEGER")
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN outcome_score REAL")
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN outcome_at TEXT")
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN question_tokens INTEGER")
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN attempts TEXT")
        }
        migrator.registerMigration("v4") { db in
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN assessment_features TEXT")
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN local_answer_discarded INTEGER")
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN discarded_answer TEXT")
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN discarded_answer_tokens INTEGER")
        }
        migrator.registerMigration("v5") { db in
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN thresholds TEXT")
            for row in try Row.fetchAll(db, sql: "SELECT rowid, local_min, sonnet_min FROM questions") {
                let thresholds = Thresholds([.init(tier: Tier.localName, minP: row["local_min"]),
                                             .init(tier: "sonnet", minP: row["sonnet_min"]), .init(tier: "opus", minP: 0)])
                try db.execute(sql: "UPDATE questions SET thresholds = ? WHERE rowid = ?",
                               arguments: [try thresholdsJSON(thresholds), row["rowid"] as Int64])
            }
            try db.execute(sql: "ALTER TABLE questions DROP COLUMN local_min")
            try db.execute(sql: "ALTER TABLE questions DROP COLUMN sonnet_min")
        }
        migrator.registerMigration("v6") { db in
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN answer_source TEXT")
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN delivery_verified INTEGER")
        }
        migrator.registerMigration("v7") { db in
            // A remote turn's usage from the agent's transcript, beside the estimate.
            for column in ["measured_input_tokens", "measured_output_tokens", "measured_cache_read_tokens",
                           "measured_cache_write_5m_tokens", "measured_cache_write_1h_tokens", "measured_requests"] {
                try db.execute(sql: "ALTER TABLE questions ADD COLUMN \(column) INTEGER")
            }
            try db.execute(sql: "ALTER TABLE questions ADD COLUMN price_source TEXT")
        }
        migrator.registerMigration("v8") { db in
            try db.execute(sql: """
                CREATE TABLE parked_tiers (
                    tier TEXT PRIMARY KEY NOT NULL,
                    until TEXT NOT NULL,
                    zone TEXT,
                    reason TEXT NOT NULL,
                    raw_text TEXT,
                    parked_at TEXT NOT NULL
                )
                """)
        }
        return migrator
    }

    /// The `thresholds` column's JSON.
    static func thresholdsJSON(_ thresholds: Thresholds) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(thresholds.entries), as: UTF8.self)
    }

    /// The thresholds of a `thresholds` column.
    static func thresholds(json: String?) throws -> Thresholds {
        guard let json else { return Thresholds([]) }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return Thresholds(try decoder.decode([Thresholds.Entry].self, from: Data(json.utf8)))
    }

    /// The identifiers of every migration, oldest first (the last is the current version).
    public static var schemaVersions: [String] { migrator.migrations }
}
