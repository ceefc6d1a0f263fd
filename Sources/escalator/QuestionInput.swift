import ArgumentParser
import Foundation

/// A question given as arguments, or read from standard input when there are none.
struct QuestionInput: ParsableArguments {
    @Argument(help: ArgumentHelp("The question (several words are joined); read from standard input when omitted.",
                                 valueName: "question"))
    var words: [String] = []

    func read() throws -> String {
        if !words.isEmpty { return words.joined(separator: " ") }
        if isatty(STDIN_FILENO) != 0 {
            throw CLIError(description: "no question given: pass it as an argument (escalator ask \"…\") or pipe it on standard input")
        }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError(description: "standard input is not UTF-8 text — pass the question as UTF-8")
        }
        return text
    }
}
