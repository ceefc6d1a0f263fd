import ArgumentParser
import Evaluation

/// `escalator eval import routellm PATH --out FILE`: converts RouteLLM's outcome files.
struct EvalImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a public outcome dataset to the native format.",
        discussion: """
        routellm PATH accepts gsm8k_responses.csv, the mmlu/responses folder (or one mmlu_*.csv), \
        or the mt_bench folder. Contaminated prompts are dropped as RouteLLM does.
        """
    )

    @Argument(help: "The dataset family; only `routellm` is supported.")
    var family: String

    @Argument(help: "The RouteLLM file or folder.")
    var path: String

    @Option(help: "The native JSONL file to write.")
    var out: String

    @Option(help: "A contaminated_prompts.jsonl to use instead of the one beside the data.")
    var contaminated: String?

    func run() async throws {
        guard family == "routellm" else {
            throw EvaluationError(.option, "unknown dataset family \(family); use `routellm`")
        }
        let dataset = try RouteLLMImporter.importDataset(path: path, contaminated: contaminated)
        try dataset.write(to: out)
        print("wrote \(dataset.items.count) items (\(dataset.tiers.map(\.name).joined(separator: " < "))) to \(out)")
    }
}
