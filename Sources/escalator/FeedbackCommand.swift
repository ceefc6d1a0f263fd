import ArgumentParser
import Foundation
import Routing

/// `escalator feedback`: record whether an answer was right.
struct FeedbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Record whether a routed question's answer was right: --correct, --wrong, or --score X.",
        discussion: """
        The outcome is stored with the question in the ledger (replacing an earlier one); `escalator \
        stats` reports accuracy from it and the eval harness scores routing on the judged questions. \
        Give exactly one of --correct, --wrong or --score (a number from 0 to 1). Find ids with \
        `escalator log`.

        Examples:
          escalator feedback 20261125-142301-3f9a1c --correct
          escalator feedback 20261125-142301-3f9a1c --wrong
          escalator feedback 20261125-142301-3f9a1c --score 0.5
        """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var ledgerOptions: LedgerOptions
    @Argument(help: ArgumentHelp("The question's id, as `escalator log` or `ask --json` shows it.", valueName: "id"))
    var id: String
    @Flag(help: "The answer was correct.") var correct = false
    @Flag(name: [.customLong("wrong"), .customLong("incorrect")], help: "The answer was wrong.") var wrong = false
    @Option(help: ArgumentHelp("How good the answer was, from 0 (wrong) to 1 (right).", valueName: "x"))
    var score: String?

    func run() async throws {
        let given = [correct ? "--correct" : nil, wrong ? "--wrong" : nil, score.map { "--score \($0)" }].compactMap { $0 }
        guard given.count == 1 else {
            throw CLIError(description: given.isEmpty
                ? "no outcome given — add exactly one of --correct, --wrong or --score X"
                : "\(given.joined(separator: " and ")) contradict each other — give exactly one of --correct, --wrong or --score X")
        }
        var value: Double?
        if let score {
            guard let x = Double(score), x >= 0, x <= 1 else {
                throw CLIError(description: "--score \(score) is not a number from 0 to 1 — e.g. --score 0.75")
            }
            value = x
        }
        let context = try options.context()
        try await CLIErrors.translating {
            let ledger = try ledgerOptions.open(context)
            try ledger.setOutcome(id: id, correct: value == nil ? correct : nil, score: value)
            print("\(id): " + (value.map { String(format: "score %.2f", $0) } ?? (correct ? "correct" : "wrong")) + " (recorded in \(ledger.path))")
        }
    }
}
