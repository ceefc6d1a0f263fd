import Foundation
import Testing
import TestSupport
@testable import Evaluation

@Suite struct RouteLLMImporterTests {
    static let weak = RouteLLMImporter.weakModel
    static let strong = RouteLLMImporter.strongModel

    @Test func gsm8kDropsContaminatedPromptsAndKeysByRow() throws {
        let dir = try TemporaryDirectory(prefix: "eval-import")
        defer { dir.remove() }
        try """
        prompt,\(Self.weak),\(Self.strong),\(Self.weak)_response,\(Self.strong)_response
        "first, with comma",True,False,a,b
        "second
        line",False,True,a,b
        third,False,False,a,b
        """.write(toFile: dir.file("gsm8k_responses.csv"), atomically: true, encoding: .utf8)
        try #"{"eval_prompt":"second\nline","train_prompt":"x"}"#.write(toFile: dir.file("contaminated_prompts.jsonl"), atomically: true, encoding: .utf8)
        let dataset = try RouteLLMImporter.importDataset(path: dir.file("gsm8k_responses.csv"))
        #expect(dataset.items.map(\.id) == ["gsm8k-0", "gsm8k-2"])
        #expect(dataset.items.map(\.outcomes) == [[1, 0], [0, 0]])
        #expect(dataset.items[0].question == "first, with comma")
    }

    @Test func mmluKeysRowsByFileAndRow() throws {
        let dir = try TemporaryDirectory(prefix: "eval-import")
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("responses"), withIntermediateDirectories: true)
        let header = "prompt,\(Self.weak),\(Self.strong)\n"
        try (header + "same,True,True\nsame,False,True\n").write(toFile: dir.file("responses/mmlu_b.csv"), atomically: true, encoding: .utf8)
        try (header + "same,True,False\ngone,True,True\n").write(toFile: dir.file("responses/mmlu_a.csv"), atomically: true, encoding: .utf8)
        try #"{"eval_prompt":"gone"}"#.write(toFile: dir.file("contaminated_prompts.jsonl"), atomically: true, encoding: .utf8)
        let dataset = try RouteLLMImporter.importDataset(path: dir.file("responses"))
        #expect(dataset.items.map(\.id) == ["mmlu/a/0", "mmlu/b/0", "mmlu/b/1"])
        #expect(dataset.items.map(\.category) == ["a", "b", "b"])
    }

    @Test func missingContaminationFileIsAnError() throws {
        let dir = try TemporaryDirectory(prefix: "eval-import")
        defer { dir.remove() }
        try "prompt,\(Self.weak),\(Self.strong)\nq,True,True\n".write(toFile: dir.file("gsm8k_responses.csv"), atomically: true, encoding: .utf8)
        #expect {
            _ = try RouteLLMImporter.importDataset(path: dir.file("gsm8k_responses.csv"))
        } throws: { "\($0)".contains("--contaminated") }
    }

    /// Counts and accuracies after decontamination, as listed in shared/eval-data/routellm/README.md.
    @Test(.enabled(if: RealPart.shouldRun(Fixtures.routellmEvals != nil)))
    func realDataMatchesPublishedCounts() throws {
        let evals = try #require(Fixtures.routellmEvals, "shared/eval-data/routellm is missing")
        let gsm8k = try RouteLLMImporter.importDataset(path: "\(evals)/gsm8k/gsm8k_responses.csv")
        #expect(gsm8k.items.count == 1307)
        let g = try ScoredOutcomes(scores: Array(repeating: 0, count: 1307), local: gsm8k.items.map { $0.outcomes[0] },
                                   top: gsm8k.items.map { $0.outcomes[1] })
        #expect(String(format: "%.2f", g.localQuality) == "63.73")
        #expect(String(format: "%.2f", g.topQuality) == "85.77")
        #expect(String(format: "%.2f", g.bestOfBothQuality) == "92.96")
        let mmlu = try RouteLLMImporter.importDataset(path: "\(evals)/mmlu/responses")
        #expect(mmlu.items.count == 9403)
        #expect(Set(mmlu.items.map(\.id)).count == 9403)
        let mt = try RouteLLMImporter.importDataset(path: "\(evals)/mt_bench")
        #expect(mt.items.count == 72)
        let m = try ScoredOutcomes(scores: Array(repeating: 0, count: 72), local: mt.items.map { $0.outcomes[0] },
                                   top: mt.items.map { $0.outcomes[1] })
        #expect(m.qualityScale == 1)
        #expect(String(format: "%.3f", m.localQuality) == "8.281")
        #expect(String(format: "%.3f", m.topQuality) == "9.212")
    }
}
