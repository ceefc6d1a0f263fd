import ArgumentParser
import Evaluation

/// `escalator eval report DATASET --scores FILE`: metrics as a table, JSON, SVG and Markdown.
struct EvalReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report APGR, CPT, AUROC, references and operating points for a score file."
    )

    @Argument(help: "The native JSONL dataset.")
    var dataset: String

    @Option(help: "The `id,score` CSV to evaluate.")
    var scores: String

    @Option(help: "Threshold grid: exact (one point per distinct score) or deciles (RouteLLM's).")
    var grid: String = "exact"

    @Flag(help: "Print JSON instead of the table.")
    var json = false

    @Option(help: "Write an SVG plot to this file.")
    var plot: String?

    @Option(help: "Write a Markdown report to this file.")
    var markdown: String?

    @Option(help: "Bootstrap resamples for the confidence intervals (0 to skip).")
    var bootstrap: Int = 1000

    @Option(help: "Seed of the bootstrap.")
    var seed: UInt64 = 0

    @Flag(help: "Charge escalated questions for the local tier too (the local model answers first).")
    var cascade = false

    func run() async throws {
        guard let thresholdGrid = ThresholdGrid(rawValue: grid) else {
            throw EvaluationError(.option, "unknown grid \(grid); use exact or deciles")
        }
        guard bootstrap >= 0 else { throw EvaluationError(.option, "--bootstrap must be 0 or more, got \(bootstrap); use 0 to skip the intervals") }
        // Check every output location first, so a bad path fails before anything is written.
        for path in [plot, markdown].compactMap({ $0 }) {
            try AtomicFile.checkWritable(path)
        }
        let data = try Dataset.load(path: dataset)
        let table = try ScoreTable.load(path: scores)
        let report = try EvaluationReport(dataset: data, scores: table, datasetName: dataset, scoresName: scores,
                                          grid: thresholdGrid, bootstrap: Bootstrap(resamples: bootstrap, seed: seed),
                                          cascade: cascade)
        if let plot { try AtomicFile.write(ReportPlot(report: report).svg(), to: plot) }
        if let markdown { try AtomicFile.write(report.markdown(), to: markdown) }
        print(json ? report.jsonText() : report.terminalTable(), terminator: json ? "\n" : "")
    }
}
