/// One question of a batch input file.
public struct BatchQuestion: Sendable, Equatable, Codable {
    /// The question's id: the file's own, or `line-N` when it gives none. Unique within a batch.
    public var id: String
    /// The question text, trimmed of surrounding whitespace; never empty.
    public var question: String
    /// The 1-based physical line of the input where the question's record starts.
    public var line: Int

    public init(id: String, question: String, line: Int) {
        self.id = id
        self.question = question
        self.line = line
    }
}
