import ArgumentParser
import Evaluation

/// `escalator eval export DATASET --scores FILE --out FILE`: writes the reference script's CSV.
struct EvalExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write prompt_id,score,weak_correct,strong_correct for the RouteLLM reference script.",
        discussion: "Cross-check: python3 ../shared/tools/routellm_reference_metrics.py FILE --grid exact --json"
    )

    @Argument(help: "The native JSONL dataset.")
    var dataset: String

    @Option(help: "The `id,score` CSV.")
    var scores: String

    @Option(help: "The CSV file to write.")
    var out: String

    func run() async throws {
        let data = try Dataset.load(path: dataset)
        let table = try ScoreTable.load(path: scores)
        try AtomicFile.write(try ReferenceCSV.text(dataset: data, scores: table, scoresName: scores), to: out)
        print("wrote \(data.items.count) rows to \(out)")
    }
}
