import ArgumentParser
import Foundation
import Routing

/// `escalator assess`: how likely the local model is to answer a question correctly.
struct AssessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Rate how likely the local model is to answer a question correctly (no answer is generated).",
        discussion: """
        Sends one request to llama-server: the question first, the strategy's instruction last, one \
        generated token under a grammar. The allowed tokens' probabilities are renormalised and turned \
        into pLocalCorrect, then calibrated ([calibration] in the config).

        Examples:
          escalator assess "What is the capital of France?"
          echo "Prove the Riemann hypothesis" | escalator assess --json
          escalator assess --strategy yes-no "What is 17 * 23?"
        """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var input: QuestionInput
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() async throws {
        let context = try options.context()
        let question = try Router.validated(try input.read())
        try await CLIErrors.translating {
            let endpoint = try await context.endpoint()
            let assessment = try await context.assessor(endpoint).assess(question)
            if json {
                try JSONOutput.print(assessment)
            } else {
                print(String(format: "pLocalCorrect %.3f  (%@, raw %.3f, %@ calibration)", assessment.pLocalCorrect,
                             assessment.strategy, assessment.rawScore, assessment.calibration))
                let dist = assessment.distribution.sorted { $0.key < $1.key }
                    .map { String(format: "%@:%.3f", $0.key, $0.value) }.joined(separator: " ")
                print("distribution  \(dist)")
                print(String(format: "tokens        %d prompt (%d cached), %d generated; %.0f ms", assessment.promptTokens,
                             assessment.cachedTokens, assessment.generatedTokens, assessment.elapsedMs))
            }
        }
    }
}
