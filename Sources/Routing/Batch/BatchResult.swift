import Foundation

/// One line of a batch's output: the answer in the `ask --json` shape plus `"status": "ok"`,
/// or, for a question no tier could answer, its id, question, route and `"status": "error"`
/// with the error.
public struct BatchResult: Sendable, Encodable {
    public enum Status: String, Sendable, Codable { case ok, error }

    public var id: String
    public var question: String
    public var status: Status
    public var answer: RoutedAnswer?
    public var error: String?
    public var route: Route?
    public var assessment: Assessment?
    /// The id this answer has in the ledger (unique across batches; `id` is the input's).
    public var ledgerId: String?

    public static func ok(_ answer: RoutedAnswer, ledgerId: String?) -> BatchResult {
        BatchResult(id: answer.id, question: answer.question, status: .ok, answer: answer, error: nil, route: answer.route,
                    assessment: answer.assessment, ledgerId: ledgerId)
    }

    /// The `"status": "error"` line of a question no tier answered.
    public static func failed(_ failure: QuestionFailure, ledgerId: String?) -> BatchResult {
        BatchResult(id: failure.id, question: failure.question, status: .error, answer: nil, error: "\(failure.error)",
                    route: failure.route, assessment: failure.assessment, ledgerId: ledgerId)
    }

    enum CodingKeys: String, CodingKey { case id, question, status, error, route, assessment, ledgerId }

    public func encode(to encoder: any Encoder) throws {
        if let answer {
            try answer.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(status, forKey: .status)
            try c.encodeIfPresent(ledgerId, forKey: .ledgerId)
        } else {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(question, forKey: .question)
            try c.encode(status, forKey: .status)
            try c.encodeIfPresent(error, forKey: .error)
            try c.encodeIfPresent(route, forKey: .route)
            try c.encodeIfPresent(assessment, forKey: .assessment)
            try c.encodeIfPresent(ledgerId, forKey: .ledgerId)
        }
    }

    /// The result as one JSON line with snake_case keys (no trailing newline).
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The tier that answered, if any.
    public var tierUsed: Tier? { answer?.tierUsed }
}
