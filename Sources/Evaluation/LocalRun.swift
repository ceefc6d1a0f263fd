import Foundation

/// `escalator eval run`: questions answered by the real system, graded against their gold
/// answers, and turned into a dataset with the local model's own outcomes plus the scores of its
/// self-assessment. The pure parts live here; the executable wires in the router.
public enum LocalRun {
    /// The local model's result on one item.
    public struct Result: Sendable, Equatable {
        /// Index of the item in the source dataset.
        public var index: Int
        /// The local answer text.
        public var answer: String
        /// True when the answer matches the gold answer.
        public var correct: Bool
        /// The self-assessment's calibrated P(local correct), as the router used it.
        public var pLocalCorrect: Double
        /// The strategy's raw P(local correct), before calibration.
        public var rawScore: Double
        /// The tier the policy chose (remote tiers are not wired yet, so the answer is local).
        public var routedTier: String
        /// A learned strategy's numbers (`mean_logprob`, `min_logprob`, …), when it has any.
        public var features: [String: Double]? = nil
        /// Escalation scores of other strategies on the same question (`--also-score`), by name.
        public var extraScores: [String: Double] = [:]

        public init(index: Int, answer: String, correct: Bool, pLocalCorrect: Double, rawScore: Double, routedTier: String,
                    features: [String: Double]? = nil, extraScores: [String: Double] = [:]) {
            self.index = index
            self.answer = answer
            self.correct = correct
            self.pLocalCorrect = pLocalCorrect
            self.rawScore = rawScore
            self.routedTier = routedTier
            self.features = features
            self.extraScores = extraScores
        }

        /// The escalation score written to the scores CSV: 1 − raw P(local correct), so higher
        /// means escalate (RouteLLM's convention) and `tune` fits the calibration on raw values.
        public var score: Double { 1 - rawScore }
    }

    /// The tier name of the local model in written datasets.
    public static let localTier = "local"

    /// The items `eval run` answers: the first `limit` items of `dataset` whose gold answer can
    /// be graded automatically (a number or a letter A-D), and how many items before the last
    /// one taken were skipped for lack of one.
    public static func selectItems(_ dataset: Dataset, limit: Int) -> (indices: [Int], skipped: Int) {
        var indices: [Int] = []
        var skipped = 0
        for (index, item) in dataset.items.enumerated() where indices.count < limit {
            if let gold = item.gold, AnswerGrading.kind(ofGold: gold) != nil { indices.append(index) } else { skipped += 1 }
        }
        return (indices, skipped)
    }

    /// The dataset of `results`: the local tier first with the graded outcome, then the source's
    /// remote tiers with their recorded outcomes (a source tier called `local` is replaced).
    public static func dataset(from source: Dataset, results: [Result], model: String) throws -> Dataset {
        let remote = source.tiers.enumerated().filter { $0.element.name != localTier }
        let tiers = [DatasetTier(name: localTier, priceUSD: 0)] + remote.map(\.element)
        let items = results.map { result in
            let item = source.items[result.index]
            let costs = item.costUSD.map { costs in [0] + remote.map { costs[$0.offset] } }
            return DatasetItem(id: item.id, question: item.question, category: item.category, gold: item.gold,
                               outcomes: [result.correct ? 1 : 0] + remote.map { item.outcomes[$0.offset] }, costUSD: costs)
        }
        let origin = source.source.map { " of \($0)" } ?? ""
        return try Dataset(tiers: tiers, items: items, source: "escalator eval run: local = \(model)\(origin)")
    }

    /// The `id,score` table of `results` (score = 1 − raw P(local correct)).
    public static func scores(_ results: [Result], source: Dataset) -> ScoreTable {
        ScoreTable(results.map { (source.items[$0.index].id, $0.score) })
    }

    /// Further score tables of the same run, by name: every `--also-score` strategy, and for
    /// answer confidence both reductions (`answer-logprob-mean` = 1 − exp(mean log-probability),
    /// `answer-logprob-min` = 1 − exp(minimum)).
    public static func extraScores(_ results: [Result], source: Dataset) -> [(name: String, table: ScoreTable)] {
        var names = Set(results.flatMap { $0.extraScores.keys })
        let confidence = results.allSatisfy { $0.features?["p_mean"] != nil && $0.features?["p_min"] != nil }
        if confidence && !results.isEmpty { names.formUnion(["answer-logprob-mean", "answer-logprob-min"]) }
        return names.sorted().compactMap { name in
            let pairs: [(String, Double)] = results.compactMap { result in
                let id = source.items[result.index].id
                switch name {
                case "answer-logprob-mean": return result.features?["p_mean"].map { (id, 1 - $0) }
                case "answer-logprob-min": return result.features?["p_min"].map { (id, 1 - $0) }
                default: return result.extraScores[name].map { (id, $0) }
                }
            }
            return pairs.count == results.count ? (name, ScoreTable(pairs)) : nil
        }
    }

    /// One JSON line per result for auditing the grading: id, gold, the extracted answer, the
    /// verdict, P(local correct), the routed tier and the full answer text.
    public static func answersJSONL(_ results: [Result], source: Dataset) -> String {
        results.map { result in
            let item = source.items[result.index]
            let gold = item.gold ?? ""
            let extracted: String? = switch AnswerGrading.kind(ofGold: gold) {
            case .letter?: AnswerGrading.choiceLetter(in: result.answer)
            case .number?: AnswerGrading.finalNumber(in: result.answer)
            case nil: nil
            }
            return "{\"id\":\(JSONText.quote(item.id)),\"gold\":\(JSONText.quote(gold)),\"extracted\":\(extracted.map(JSONText.quote) ?? "null"),"
                + "\"correct\":\(result.correct),\"p_local_correct\":\(JSONText.number(result.pLocalCorrect)),"
                + "\"routed_tier\":\(JSONText.quote(result.routedTier)),\"answer\":\(JSONText.quote(result.answer))}\n"
        }.joined()
    }

    /// What `eval run` prints at the end.
    public struct Summary: Sendable, Equatable {
        public var items: Int
        public var correct: Int
        public var skipped: Int
        /// Share of items answered correctly (0-1).
        public var accuracy: Double
        /// Mean calibrated P(local correct).
        public var meanPLocalCorrect: Double
        /// AUROC of the score (1 − raw P) for "local answer wrong"; nil unless both occur.
        public var auroc: Double?
        /// Brier score of the calibrated P(local correct) against correctness.
        public var brier: Double
        /// Items the policy would have escalated (answered locally until remote tiers exist).
        public var wouldEscalate: Int

        public init(results: [Result], skipped: Int) {
            items = results.count
            correct = results.filter(\.correct).count
            self.skipped = skipped
            accuracy = results.isEmpty ? 0 : Double(correct) / Double(results.count)
            meanPLocalCorrect = results.isEmpty ? 0 : results.map(\.pLocalCorrect).reduce(0, +) / Double(results.count)
            auroc = ClassifierMetrics.auroc(scores: results.map(\.score), labels: results.map { !$0.correct })
            brier = results.isEmpty ? 0 : results.map { pow($0.pLocalCorrect - ($0.correct ? 1 : 0), 2) }.reduce(0, +) / Double(results.count)
            wouldEscalate = results.filter { $0.routedTier != localTier }.count
        }

        /// The summary as text lines.
        public func text() -> String {
            var out = "items:              \(items)" + (skipped > 0 ? " (\(skipped) skipped: no gradable gold answer)" : "") + "\n"
            out += "accuracy:           \(String(format: "%.1f", accuracy * 100)) % (\(correct)/\(items))\n"
            out += "mean pLocalCorrect: \(String(format: "%.3f", meanPLocalCorrect))\n"
            out += "Brier (pLocalCorrect): \(String(format: "%.3f", brier))\n"
            if let auroc {
                out += "AUROC (score for local wrong): \(String(format: "%.3f", auroc))\n"
            } else {
                out += "AUROC: undefined (every answer was \(correct == items ? "right" : "wrong"))\n"
            }
            out += "policy would escalate: \(wouldEscalate) of \(items) (answered locally: remote tiers are not wired yet)\n"
            return out
        }
    }
}
