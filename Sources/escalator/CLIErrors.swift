import ArgumentParser
import LlamaClient
import Routing

/// A failure reported to the user as one line: what went wrong and what to do.
struct CLIError: Error, CustomStringConvertible {
    var description: String
}

enum CLIErrors {
    /// Runs `body`, turning library errors into one-line messages that name the fix.
    static func translating(_ body: () async throws -> Void) async throws {
        do {
            do {
                try await body()
            } catch let failure as QuestionFailure {
                // Recorded in the ledger already; the user sees what went wrong.
                throw failure.error
            }
        } catch let error as NoTierAnswered {
            throw CLIError(description: error.description)
        } catch let error as LlamaError where error.code == .contextExceeded {
            let detail = error.promptTokens.flatMap { n in error.contextSize.map { "\(n) tokens with the prompt, but a slot holds \($0)" } }
            throw CLIError(description: "the question is too long for the local model's context\(detail.map { " (\($0))" } ?? "") — shorten it, or raise [local] context (managed server) / llama-server's -c")
        } catch let error as LlamaError {
            throw CLIError(description: error.description)
        } catch let error as RoutingError {
            throw CLIError(description: error.description)
        } catch let error as ManagedServerError {
            throw CLIError(description: error.description)
        }
    }
}
