/// One rendered block of an answer (markdown already rendered the way Claude Code shows it:
/// no heading marks, no code fences).
enum AnswerBlock: Equatable {
    case heading(String)
    case paragraph(String)
    case code([String])
    case bullets([String])
}

/// Deterministic answers derived from the question and the model alias, so tests can compute
/// the expected answer independently with `claude-sim --print-answer --model M "question"`.
enum Answers {
    /// The phrase that asks for a final marker line; the answer then ends with that line
    /// (used by the generic `MarkerProfile`).
    static let markerPhrase = "a line containing only \""

    static func blocks(question: String, model: String) -> [AnswerBlock] {
        var rng = SeededWords(seed: fnv1a64(model.lowercased() + "\n" + question))
        let tag = String(rng.seed, radix: 16).suffix(8)
        let label = SimModel.named(model)?.displayName ?? model
        var blocks: [AnswerBlock] = []
        blocks.append(.paragraph("\(label) answer \(tag): " + rng.sentence(words: 26 + rng.next(12))))
        let fn = "answer_\(tag.prefix(4))"
        let a = 10 + rng.next(90), b = 2 + rng.next(7)
        blocks.append(.code([
            "func \(fn)() -> Int {",
            "    let seed = \(a)",
            "    return seed * \(b)",
            "}",
        ]))
        blocks.append(.heading("Summary"))
        blocks.append(.paragraph(rng.sentence(words: 18 + rng.next(20))))
        blocks.append(.bullets([
            rng.sentence(words: 4 + rng.next(3)),
            rng.sentence(words: 22 + rng.next(10)),
        ]))
        if let marker = requestedMarker(in: question) {
            blocks.append(.paragraph(marker))
        }
        return blocks
    }

    /// The marker a question asks the answer to end with, if any.
    static func requestedMarker(in question: String) -> String? {
        guard let range = question.range(of: markerPhrase) else { return nil }
        let rest = question[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        let marker = String(rest[..<end])
        return marker.isEmpty ? nil : marker
    }

    /// The answer as a reader sees it with wraps undone: paragraphs and list items on one
    /// line each, code lines as they are, one blank line between blocks.
    static func plain(_ blocks: [AnswerBlock]) -> String {
        blocks.map { block in
            switch block {
            case .heading(let text), .paragraph(let text): text
            case .code(let lines): lines.joined(separator: "\n")
            case .bullets(let items): items.map { "- " + $0 }.joined(separator: "\n")
            }
        }.joined(separator: "\n\n")
    }

    /// The markdown source the model "wrote" (fences and heading marks included).
    static func markdown(_ blocks: [AnswerBlock]) -> String {
        blocks.map { block in
            switch block {
            case .heading(let text): "## " + text
            case .paragraph(let text): text
            case .code(let lines): (["```swift"] + lines + ["```"]).joined(separator: "\n")
            case .bullets(let items): items.map { "- " + $0 }.joined(separator: "\n")
            }
        }.joined(separator: "\n\n")
    }

    /// Rows of the rendered answer for a content width (gutter not included).
    static func rows(_ blocks: [AnswerBlock], width: Int) -> [String] {
        var rows: [String] = []
        for (i, block) in blocks.enumerated() {
            if i > 0 { rows.append("") }
            switch block {
            case .heading(let text), .paragraph(let text):
                rows += wrap(text, width: width)
            case .code(let lines):
                for line in lines { rows += wrap(line, width: width, keepIndent: true) }
            case .bullets(let items):
                for item in items { rows += wrap("- " + item, width: width, hangingIndent: 2) }
            }
        }
        return rows
    }
}

/// FNV-1a, 64-bit: stable across runs and platforms (unlike `Hasher`).
func fnv1a64(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
}

/// A tiny deterministic generator of plain ASCII words.
struct SeededWords {
    let seed: UInt64
    private var state: UInt64

    init(seed: UInt64) {
        self.seed = seed
        state = seed | 1
    }

    static let words = [
        "the", "cache", "layer", "keeps", "every", "request", "small", "while", "reading", "from",
        "a", "stable", "index", "so", "that", "each", "worker", "can", "resume", "after", "restart",
        "without", "losing", "state", "because", "writes", "are", "ordered", "by", "sequence",
        "number", "and", "checked", "against", "snapshot", "boundaries", "which", "makes", "replay",
        "safe", "under", "load", "when", "clients", "retry", "quickly",
    ]

    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }

    mutating func sentence(words count: Int) -> String {
        var out: [String] = []
        for i in 0..<count {
            let word = Self.words[next(Self.words.count)]
            out.append(i == 0 ? word.prefix(1).uppercased() + word.dropFirst() : word)
        }
        return out.joined(separator: " ") + "."
    }
}
