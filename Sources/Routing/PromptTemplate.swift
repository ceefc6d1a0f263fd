import Foundation

/// The self-assessment and answer prompts, loaded from `prompts/self-assessment.md` at run
/// time so users can edit them. The file is cut into named sections (see the file's header);
/// every request starts with the `prefix` section, so the answer reuses the cached question.
public struct PromptTemplate: Sendable, Equatable {
    /// Section name → raw text with placeholders.
    public let sections: [String: String]
    /// Where the template was read from (for messages and cache keys).
    public let source: String

    public static let fileName = "self-assessment.md"

    /// Parses template text. Throws if a required section is missing.
    public init(text: String, source: String = "(inline)") throws {
        var sections: [String: String] = [:]
        var current: String?
        var body: [Substring] = []
        func flush() {
            guard let current else { return }
            sections[current] = body.map { $0 + "\n" }.joined()
        }
        var lines = Self.removingComments(text).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }  // the file's final newline ends the last line
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("<!-- section:") && trimmed.hasSuffix("-->") {
                flush()
                current = trimmed.dropFirst("<!-- section:".count).dropLast(3).trimmingCharacters(in: .whitespaces)
                body = []
            } else if current != nil {
                body.append(line)
            }
        }
        flush()
        for required in ["prefix", "answer"] where sections[required] == nil {
            throw RoutingError(problem: "prompt template \(source) has no `<!-- section: \(required) -->`",
                               fix: "restore the section (see prompts/self-assessment.md in the escalator repository)")
        }
        self.sections = sections
        self.source = source
    }

    /// Reads the template from `directory/self-assessment.md`.
    public init(directory: String) throws {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RoutingError(problem: "cannot read prompt template \(path)",
                               fix: "set [assessment] prompts_dir to a folder holding \(Self.fileName), or run from the escalator checkout")
        }
        try self.init(text: String(decoding: data, as: UTF8.self), source: path)
    }

    /// The prompt for `section` (after the shared prefix) with placeholders filled in.
    public func render(_ section: String, question: String) throws -> String {
        guard let prefix = sections["prefix"], let suffix = sections[section] else {
            throw RoutingError(problem: "prompt template \(source) has no `<!-- section: \(section) -->`",
                               fix: "add the section or choose another strategy")
        }
        // The prompt ends where the section's last line ends, so the model continues that line.
        let tail = suffix.hasSuffix("\n") ? String(suffix.dropLast()) : suffix
        return Self.fill(prefix, question: question) + Self.fill(tail, question: question)
    }

    /// The shared prefix for `question`: the part the assessment and the answer have in common.
    public func prefix(question: String) -> String {
        Self.fill(sections["prefix"] ?? "", question: question)
    }

    /// Text that means the model has started a new prompt of its own (a base model tends to
    /// continue with another copy of the prefix): the prefix's first non-empty line, fixed part only.
    public var restartMarkers: [String] {
        guard let prefix = sections["prefix"],
              let first = prefix.split(separator: "\n").first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return [] }
        let fixed = first.components(separatedBy: "{{").first ?? ""
        return fixed.count >= 8 ? ["\n" + fixed] : []
    }

    static func fill(_ text: String, question: String) -> String {
        text.replacingOccurrences(of: "{{question}}", with: question)
    }

    /// Removes `<!-- ... -->` comments except section markers.
    static func removingComments(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "<!--") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "-->") else { return out }
            let comment = rest[open.lowerBound..<close.upperBound]
            if comment.dropFirst(4).trimmingCharacters(in: .whitespaces).hasPrefix("section:") {
                out += comment
                rest = rest[close.upperBound...]
            } else {
                rest = rest[close.upperBound...]
                if rest.first == "\n" { rest = rest.dropFirst() }  // drop the comment's own line end
            }
        }
        return out + rest
    }
}
