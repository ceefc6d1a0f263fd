/// A tool call whose arguments cannot be used: which tool, what is wrong and what to send
/// instead. Returned to the client as a tool error (the server keeps serving).
struct ToolArgumentError: Error, Sendable, CustomStringConvertible, Equatable {
    var tool: String
    var problem: String
    var fix: String

    var description: String { "\(tool): \(problem) — \(fix)" }
}
