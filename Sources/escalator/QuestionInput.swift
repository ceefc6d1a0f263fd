import Agents
import ArgumentParser
import Foundation

/// A question given as arguments, or read from standard input when there are none.
struct QuestionInput: ParsableArguments {
    @Argument(help: ArgumentHelp("The question (several words are joined); read from standard input when omitted.",
                                 valueName: "question"))
    var words: [String] = []

    /// The question's text; raw bytes that are not valid UTF-8 (which Swift would silently
    /// repair into U+FFFD) are refused with their position.
    func read() throws -> String {
        if !words.isEmpty {
            try Self.checkArgumentsAreUTF8()
            return words.joined(separator: " ")
        }
        if isatty(STDIN_FILENO) != 0 {
            throw CLIError(description: "no question given: pass it as an argument (escalator ask \"…\") or pipe it on standard input")
        }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        do { return try QuestionText.decode(data) } catch where error.kind == .invalidUTF8 {
            throw CLIError(description: "standard input: \(error)")
        } catch {
            // Other problems (empty, control characters) are named by the router with the same words.
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// Fails when a command-line argument is not valid UTF-8.
    static func checkArgumentsAreUTF8() throws {
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer))
            var iterator = bytes.makeIterator()
            var decoder = UTF8()
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue: continue
                case .emptyInput: break
                case .error: throw CLIError(description: "argument \(index) is not valid UTF-8 text — pass the question as UTF-8")
                }
                break
            }
        }
    }
}
