import Foundation
import Routing

/// Converts RouteLLM's released outcome files (GSM8K CSV, MMLU subject CSVs, MT-Bench
/// judgments) to a native `Dataset`, dropping the contaminated prompts as RouteLLM does.
public enum RouteLLMImporter {
    /// RouteLLM's weak model column (tier 0).
    public static let weakModel = "mistralai/Mixtral-8x7B-Instruct-v0.1"
    /// RouteLLM's strong model column (tier 1).
    public static let strongModel = "gpt-4-1106-preview"
    /// Approximate per-query prices from the paper's appendix D (about 359 tokens per query at
    /// $0.24 and $24.7 per million tokens), so the dollar axis has something to plot.
    public static let tiers = [DatasetTier(name: weakModel, priceUSD: 0.00008616),
                               DatasetTier(name: strongModel, priceUSD: 0.0088673)]

    /// Imports whatever `path` holds: a GSM8K responses CSV, an MMLU responses folder (or one
    /// subject CSV), or an MT-Bench folder / `judgements.jsonl`. `contaminated` overrides the
    /// contaminated-prompts file found beside the data.
    public static func importDataset(path: String, contaminated: String? = nil) throws -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EvaluationError(.io, "\(path) does not exist; pass RouteLLM's gsm8k_responses.csv, mmlu/responses folder or mt_bench folder")
        }
        let url = URL(fileURLWithPath: path)
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            if names.contains("judgements.jsonl") {
                return try mtBench(folder: path, contaminated: contaminated)
            }
            if names.contains("responses") {
                return try mmlu(folder: url.appendingPathComponent("responses").path,
                                contaminated: contaminated ?? url.appendingPathComponent("contaminated_prompts.jsonl").path)
            }
            if names.contains(where: { $0.hasPrefix("mmlu_") && $0.hasSuffix(".csv") }) {
                return try mmlu(folder: path, contaminated: contaminated)
            }
            if names.contains("gsm8k_responses.csv") {
                return try gsm8k(file: url.appendingPathComponent("gsm8k_responses.csv").path, contaminated: contaminated)
            }
            throw EvaluationError(.format, "\(path) holds no RouteLLM data (judgements.jsonl, responses/, mmlu_*.csv or gsm8k_responses.csv); pass one of those")
        }
        if url.lastPathComponent == "judgements.jsonl" {
            return try mtBench(folder: url.deletingLastPathComponent().path, contaminated: contaminated)
        }
        if url.lastPathComponent.hasPrefix("mmlu_") && url.pathExtension == "csv" {
            return try mmlu(files: [path], contaminated: contaminated ?? defaultMMLUContaminated(folder: url.deletingLastPathComponent().path))
        }
        if url.pathExtension == "csv" {
            return try gsm8k(file: path, contaminated: contaminated)
        }
        throw EvaluationError(.format, "\(path) is not a RouteLLM data file; pass gsm8k_responses.csv, an mmlu responses folder or the mt_bench folder")
    }

    /// Imports GSM8K: one item per CSV row (id `gsm8k-<row>`), contaminated prompts dropped.
    public static func gsm8k(file: String, contaminated: String? = nil) throws -> Dataset {
        let table = try CSVTable.load(path: file)
        let dropped = try contaminatedPrompts(contaminated ?? sibling(of: file, "contaminated_prompts.jsonl"))
        let prompt = try table.column("prompt", in: file)
        let weak = try table.column(weakModel, in: file)
        let strong = try table.column(strongModel, in: file)
        let weakResponse = table.header.firstIndex(of: weakModel + "_response")
        let strongResponse = table.header.firstIndex(of: strongModel + "_response")
        var items: [DatasetItem] = []
        for (row, fields) in table.rows.enumerated() where !dropped.contains(fields[prompt]) {
            let outcomes = [try truth(fields[weak], file, row), try truth(fields[strong], file, row)]
            let gold = gsm8kGold(responses: [weakResponse.map { fields[$0] }, strongResponse.map { fields[$0] }], correct: outcomes)
            items.append(DatasetItem(id: "gsm8k-\(row)", question: fields[prompt], category: "gsm8k", gold: gold,
                                     outcomes: outcomes))
        }
        return try Dataset(tiers: tiers, items: items, source: "RouteLLM@0b64fda gsm8k_responses.csv (decontaminated)")
    }

    /// Imports every `mmlu_*.csv` in `folder`, in file-name order.
    public static func mmlu(folder: String, contaminated: String?) throws -> Dataset {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasPrefix("mmlu_") && $0.hasSuffix(".csv") }.sorted()
        guard !names.isEmpty else {
            throw EvaluationError(.format, "\(folder) holds no mmlu_*.csv files; pass RouteLLM's mmlu/responses folder")
        }
        return try mmlu(files: names.map { (folder as NSString).appendingPathComponent($0) },
                        contaminated: contaminated ?? defaultMMLUContaminated(folder: folder))
    }

    /// Imports the given MMLU subject files; rows are keyed `mmlu/<subject>/<row>` because
    /// prompt texts repeat across the set.
    public static func mmlu(files: [String], contaminated: String) throws -> Dataset {
        let dropped = try contaminatedPrompts(contaminated)
        var items: [DatasetItem] = []
        for file in files {
            let subject = String(URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent.dropFirst("mmlu_".count))
            let table = try CSVTable.load(path: file)
            let prompt = try table.column("prompt", in: file)
            let weak = try table.column(weakModel, in: file)
            let strong = try table.column(strongModel, in: file)
            for (row, fields) in table.rows.enumerated() where !dropped.contains(fields[prompt]) {
                items.append(DatasetItem(id: "mmlu/\(subject)/\(row)", question: fields[prompt], category: subject,
                                         outcomes: [try truth(fields[weak], file, row), try truth(fields[strong], file, row)]))
            }
        }
        return try Dataset(tiers: tiers, items: items, source: "RouteLLM@0b64fda mmlu responses (decontaminated)")
    }

    /// Imports MT-Bench: per question, each model's quality is the mean judge score over both
    /// turns (RouteLLM routes on turn 1); questions with a contaminated turn are dropped.
    public static func mtBench(folder: String, contaminated: String?) throws -> Dataset {
        let dir = URL(fileURLWithPath: folder)
        let questionsPath = dir.appendingPathComponent("question.jsonl").path
        let judgementsPath = dir.appendingPathComponent("judgements.jsonl").path
        let dropped = try contaminatedPrompts(contaminated ?? dir.appendingPathComponent("contaminated_prompts.jsonl").path)
        var questions: [(id: Int, category: String?, turns: [String])] = []
        for (number, object) in try jsonLines(questionsPath) {
            guard let id = JSONText.double(object["question_id"]).map({ Int($0) }), let turns = object["turns"] as? [String] else {
                throw EvaluationError(.format, "\(questionsPath):\(number) lacks question_id or turns; pass RouteLLM's question.jsonl")
            }
            questions.append((id, object["category"] as? String, turns))
        }
        var sums: [Int: [String: (total: Double, count: Int)]] = [:]
        for (number, object) in try jsonLines(judgementsPath) {
            guard let id = JSONText.double(object["question_id"]).map({ Int($0) }), let model = object["model"] as? String,
                  let score = JSONText.double(object["score"]) else {
                throw EvaluationError(.format, "\(judgementsPath):\(number) lacks question_id, model or score; pass RouteLLM's judgements.jsonl")
            }
            guard model == weakModel || model == strongModel else { continue }
            guard score >= 0 else { continue }  // -1 marks a failed judgment; FastChat drops it
            var entry = sums[id, default: [:]][model, default: (0, 0)]
            entry.total += score
            entry.count += 1
            sums[id, default: [:]][model] = entry
        }
        var items: [DatasetItem] = []
        for question in questions where !question.turns.contains(where: dropped.contains) {
            guard let weak = sums[question.id]?[weakModel], let strong = sums[question.id]?[strongModel],
                  weak.count > 0, strong.count > 0 else {
                throw EvaluationError(.format, "\(judgementsPath) has no judgments of both models for question \(question.id); pass the complete file")
            }
            items.append(DatasetItem(id: "mtbench-\(question.id)", question: question.turns.first ?? "",
                                     category: question.category,
                                     outcomes: [weak.total / Double(weak.count), strong.total / Double(strong.count)]))
        }
        return try Dataset(tiers: tiers, items: items, source: "RouteLLM@0b64fda mt_bench judgements (decontaminated; quality = mean of both turns)")
    }

    /// GSM8K's reference answer, which RouteLLM's CSV does not hold directly: the final number
    /// (after `####` when present) of a response graded correct, preferring one that uses `####`
    /// (GSM8K's own format, as Mixtral's responses do). Nil when no model was correct.
    public static func gsm8kGold(responses: [String?], correct: [Double]) -> String? {
        let graded = zip(responses, correct).compactMap { response, ok in ok == 1 ? response : nil }
        if let marked = graded.first(where: { $0.contains("####") }) { return AnswerGrading.finalNumber(in: marked) }
        return graded.lazy.compactMap { AnswerGrading.finalNumber(in: $0) }.first
    }

    private static func defaultMMLUContaminated(folder: String) -> String {
        URL(fileURLWithPath: folder).deletingLastPathComponent().appendingPathComponent("contaminated_prompts.jsonl").path
    }

    private static func sibling(of file: String, _ name: String) -> String {
        URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// The `eval_prompt` strings of a contaminated-prompts file.
    static func contaminatedPrompts(_ path: String) throws -> Set<String> {
        guard FileManager.default.fileExists(atPath: path) else {
            throw EvaluationError(.io, "contaminated-prompts file \(path) not found; RouteLLM drops these prompts, so pass it with --contaminated FILE")
        }
        var prompts = Set<String>()
        for (number, object) in try jsonLines(path) {
            guard let prompt = object["eval_prompt"] as? String else {
                throw EvaluationError(.format, "\(path):\(number) has no eval_prompt; pass RouteLLM's contaminated_prompts.jsonl")
            }
            prompts.insert(prompt)
        }
        return prompts
    }

    private static func jsonLines(_ path: String) throws -> [(Int, [String: Any])] {
        let text = String(decoding: try AtomicFile.read(path), as: UTF8.self)
        var result: [(Int, [String: Any])] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw EvaluationError(.format, "\(path):\(index + 1) is not a JSON object; pass the unmodified RouteLLM file")
            }
            result.append((index + 1, object))
        }
        return result
    }

    private static func truth(_ text: String, _ file: String, _ row: Int) throws -> Double {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "1", "1.0": return 1
        case "false", "0", "0.0": return 0
        default:
            throw EvaluationError(.format, "\(file): row \(row + 1) has correctness \"\(text)\"; expected True or False")
        }
    }
}
