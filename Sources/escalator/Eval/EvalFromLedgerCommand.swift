import ArgumentParser
import Evaluation
import Foundation
import Routing

/// `escalator eval from-ledger`: the user's own judged traffic as a dataset and scores.
struct EvalFromLedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "from-ledger",
        abstract: "Export judged questions from the ledger as a dataset and scores, to tune on your own traffic.",
        discussion: """
        Reads the questions you gave feedback on (`escalator feedback ID --correct|--wrong|--score X`). \
        Only questions answered locally say whether the local model was right, so only they are \
        exported: outcome = your feedback; the top tier's outcome is not observed and is assumed to be \
        --top-outcome (1 = an escalated answer is right). Scores are 1 − the raw pLocalCorrect.

        Examples:
          escalator eval from-ledger --out mine.jsonl --scores-out mine-scores.csv
          escalator tune mine.jsonl --scores mine-scores.csv --target-quality 0.9 --write-config
        """)

    @OptionGroup var options: GlobalOptions
    @Option(help: ArgumentHelp("The dataset to write (JSONL).", valueName: "file")) var out: String
    @Option(help: ArgumentHelp("The scores CSV to write (default: beside --out, -scores.csv).", valueName: "file"))
    var scoresOut: String?
    @Option(help: ArgumentHelp("The ledger database (default: $XDG_DATA_HOME/escalator/ledger.sqlite).", valueName: "path"))
    var ledger: String?
    @Option(help: "Outcome assumed for the top tier, which the ledger does not observe.") var topOutcome = 1.0

    func run() throws {
        let context = try options.context()
        let path = ledger ?? Ledger.defaultPath(context.settings.paths)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError(description: "no ledger at \(path) — route some questions with `escalator ask` first, or pass --ledger")
        }
        do {
            let export = try LedgerExport(records: try Ledger(path: path).rows(withOutcome: true), topOutcome: topOutcome)
            let scoresPath = scoresOut ?? ((out as NSString).deletingPathExtension + "-scores.csv")
            try export.dataset.write(to: out)
            try export.scores.write(to: scoresPath)
            print("wrote \(export.dataset.items.count) judged local answers to \(out) and their scores to \(scoresPath)")
            if export.skippedEscalated + export.skippedUnassessed > 0 {
                print("skipped \(export.skippedEscalated) judged escalated and \(export.skippedUnassessed) unassessed questions (their local outcome is unknown)")
            }
        } catch let error as EvaluationError {
            throw CLIError(description: "\(error)")
        } catch let error as RoutingError {
            throw CLIError(description: "\(error)")
        }
    }
}
