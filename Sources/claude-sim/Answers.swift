import Foundation

/// One rendered block of an answer (markdown already rendered the way Claude Code shows it:
/// no heading marks, no code fences, no backticks or `**`).
enum AnswerBlock: Equatable {
    case heading(String)
    case paragraph(String)
    case code([String])
    /// List items with their markers (`- `, `1. `), in order.
    case list([ListItem])
    /// A table: the header row, then the body rows (cells already trimmed).
    case table([[String]])
}

struct ListItem: Equatable {
    var marker: String
    var text: String
}

/// The answers the simulator gives: a reply given on the command line (`--reply`, markdown),
/// or text derived deterministically from the question and the model alias, so tests can
/// compute the expected answer independently with `claude-sim --print-answer --model M "question"`.
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
        blocks.append(.list([
            ListItem(marker: "- ", text: rng.sentence(words: 4 + rng.next(3))),
            ListItem(marker: "- ", text: rng.sentence(words: 22 + rng.next(10))),
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
    /// line each, code lines as they are, table rows as `| a | b |`, one blank line between blocks.
    static func plain(_ blocks: [AnswerBlock]) -> String {
        blocks.map { block in
            switch block {
            case .heading(let text), .paragraph(let text): text
            case .code(let lines): lines.joined(separator: "\n")
            case .list(let items): items.map { $0.marker + $0.text }.joined(separator: "\n")
            case .table(let rows): rows.map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n")
            }
        }.joined(separator: "\n\n")
    }

    /// The markdown source the model "wrote" for a generated answer (fences and heading marks included).
    static func markdown(_ blocks: [AnswerBlock]) -> String {
        blocks.map { block in
            switch block {
            case .heading(let text): "## " + text
            case .paragraph(let text): text
            case .code(let lines): (["```swift"] + lines + ["```"]).joined(separator: "\n")
            case .list(let items): items.map { $0.marker + $0.text }.joined(separator: "\n")
            case .table(let rows):
                ([rows[0], rows[0].map { _ in "---" }] + rows.dropFirst()).map { "| " + $0.joined(separator: " | ") + " |" }
                    .joined(separator: "\n")
            }
        }.joined(separator: "\n\n")
    }

    // MARK: Markdown replies

    /// The blocks of a markdown reply: paragraphs (lines joined), `#` headings, fenced code,
    /// `-`/`*`/`1.` list items, `|` tables (the delimiter row dropped). Backticks and `**`
    /// are rendered away, as Claude Code does.
    static func blocks(markdown: String) -> [AnswerBlock] {
        var blocks: [AnswerBlock] = []
        var paragraph: [String] = []
        var items: [ListItem] = []
        var table: [[String]] = []
        var code: [String]?
        func flush() {
            if !paragraph.isEmpty { blocks.append(.paragraph(inline(paragraph.joined(separator: " ")))) }
            if !items.isEmpty { blocks.append(.list(items)) }
            if !table.isEmpty { blocks.append(.table(table)) }
            paragraph = []
            items = []
            table = []
        }
        let lines = markdown.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines.map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var open = code {
                if trimmed.hasPrefix("```") {
                    while open.last?.isEmpty == true { open.removeLast() }
                    blocks.append(.code(open))
                    code = nil
                } else {
                    open.append(line)
                    code = open
                }
                continue
            }
            if trimmed.hasPrefix("```") {
                flush()
                code = []
            } else if trimmed.isEmpty {
                flush()
            } else if trimmed.hasPrefix("#") {
                flush()
                blocks.append(.heading(inline(String(trimmed.drop { $0 == "#" }).trimmingCharacters(in: .whitespaces))))
            } else if trimmed.hasPrefix("|") {
                if !paragraph.isEmpty || !items.isEmpty { flush() }
                let cells = trimmed.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                    .map { inline($0.trimmingCharacters(in: .whitespaces)) }
                if !cells.allSatisfy({ !$0.isEmpty && $0.allSatisfy { "-:".contains($0) } }) { table.append(cells) }
            } else if let marker = listMarker(trimmed) {
                if !paragraph.isEmpty || !table.isEmpty { flush() }
                items.append(ListItem(marker: marker, text: inline(String(trimmed.dropFirst(marker.count)))))
            } else if !items.isEmpty, line.hasPrefix("  ") {
                items[items.count - 1].text += " " + inline(trimmed)
            } else {
                if !items.isEmpty || !table.isEmpty { flush() }
                paragraph.append(trimmed)
            }
        }
        if let open = code { blocks.append(.code(open)) }
        flush()
        return blocks
    }

    /// `- `, `* ` (drawn as `- `) or `12. ` at the start of `line`.
    static func listMarker(_ line: String) -> String? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return "- " }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") else { return nil }
        return digits + ". "
    }

    /// Inline marks rendered away: backticks and `**`.
    static func inline(_ text: String) -> String {
        text.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "")
    }

    // MARK: Rendering

    /// Rows of the rendered answer for a content width (gutter not included): blocks apart by
    /// one blank row, list items with a hanging indent under their text, code as it is.
    static func rows(_ blocks: [AnswerBlock], width: Int) -> [String] {
        var rows: [String] = []
        for (i, block) in blocks.enumerated() {
            if i > 0 { rows.append("") }
            switch block {
            case .heading(let text), .paragraph(let text):
                rows += wrap(text, width: width)
            case .code(let lines):
                for line in lines { rows += line.isEmpty ? [""] : wrap(line, width: width, keepIndent: true) }
            case .list(let items):
                for item in items {
                    let hang = String(repeating: " ", count: item.marker.count)
                    rows += wrap(item.text, width: width - item.marker.count).enumerated()
                        .map { ($0.offset == 0 ? item.marker : hang) + $0.element }
                }
            case .table(let cells):
                rows += tableRows(cells)
            }
        }
        return rows
    }

    /// A table in box-drawing characters, every row ruled off: `┌──┬──┐`, `│ a │ b │`, `├──┼──┤`, `└──┴──┘`.
    static func tableRows(_ cells: [[String]]) -> [String] {
        let columns = cells.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in cells.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        func rule(_ left: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
        }
        var out = [rule("┌", "┬", "┐")]
        for (r, row) in cells.enumerated() {
            if r > 0 { out.append(rule("├", "┼", "┤")) }
            out.append("│" + widths.indices.map { c in " " + pad(c < row.count ? row[c] : "", widths[c]) + " " }.joined(separator: "│") + "│")
        }
        out.append(rule("└", "┴", "┘"))
        return out
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
