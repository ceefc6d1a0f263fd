import Agents
import ArgumentParser
import Foundation

/// `escalator screen [FILE]`: reads captured pane text and prints what the agent's screen
/// shows (state, answer, picker, detail). For checking the parser against a real capture.
struct ScreenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Read a captured agent pane (tmux capture-pane -p) and print its state.",
        discussion: """
        Example: tmux capture-pane -p -t work | escalator screen --json
        """)

    enum Agent: String, ExpressibleByArgument, CaseIterable {
        case claudeCode = "claude-code"
        case marker
    }

    @Argument(help: "File holding the pane text; reads standard input when omitted or '-'.")
    var file: String?

    @Option(help: "Which agent drew the pane: claude-code or marker.")
    var agent: Agent = .claudeCode

    @Option(help: "The prompt that was sent, to find its answer (default: the last prompt on screen).")
    var prompt: String?

    @Option(help: "With --agent marker: the end-of-answer marker line to look for.")
    var marker: String?

    @Flag(help: "Print JSON: {state, answer, picker, detail}.")
    var json = false

    func validate() throws {
        if agent == .marker && marker == nil {
            throw ValidationError("--agent marker needs --marker TEXT (the line that ends the answer)")
        }
    }

    func run() throws {
        let pane = try readPane()
        let state: ScreenState
        switch agent {
        case .claudeCode:
            let profile = ClaudeCodeProfile()
            state = profile.parse(pane, after: prompt.map { profile.submission(for: $0) })
        case .marker:
            let text = prompt ?? ""
            let submission = Submission(prompt: text, text: text, steps: [], marker: marker)
            state = MarkerProfile().parse(pane, after: submission)
        }
        print(json ? try Self.json(state) : Self.text(state))
    }

    private func readPane() throws -> String {
        guard let file, file != "-" else {
            return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PaneFileError(path: file)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A pane file that cannot be read; argument-parser prints the description on one line.
    struct PaneFileError: Error, CustomStringConvertible {
        var path: String
        var description: String {
            "cannot read pane file '\(path)': capture one with `tmux capture-pane -p -t PANE > pane.txt`, or pipe the text on standard input"
        }
    }

    /// The JSON report: `state`, `answer`, `picker` (the picker menu or null), and `detail`
    /// (message, plus the menu of a permission prompt, dialog or limit menu).
    struct Report: Encodable {
        struct Detail: Encodable {
            var message: String?
            var menu: ScreenMenu?
        }
        var state: String
        var answer: String?
        var picker: ScreenMenu?
        var detail: Detail?

        enum CodingKeys: String, CodingKey { case state, answer, picker, detail }

        /// Writes every key, with `null` for absent values, so the shape never changes.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(state, forKey: .state)
            try container.encode(answer, forKey: .answer)
            try container.encode(picker, forKey: .picker)
            try container.encode(detail, forKey: .detail)
        }
    }

    static func json(_ state: ScreenState) throws -> String {
        let menu = state.kind == .picker ? nil : state.menu
        let detail = state.detail == nil && menu == nil ? nil : Report.Detail(message: state.detail, menu: menu)
        let report = Report(state: state.kind.rawValue, answer: state.answer, picker: state.picker, detail: detail)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    static func text(_ state: ScreenState) -> String {
        var out = ["state: \(state.kind.rawValue)"]
        if let detail = state.detail { out.append("detail: \(detail)") }
        if let menu = state.menu {
            if let title = menu.title { out.append("title: \(title)") }
            if let question = menu.question, question != menu.title { out.append("question: \(question)") }
            for (index, option) in menu.options.enumerated() {
                let cursor = index == menu.cursor ? "❯" : " "
                let number = option.number.map { "\($0). " } ?? ""
                let check = option.isCurrent ? " ✔" : ""
                let description = option.description.map { " — \($0)" } ?? ""
                out.append("  \(cursor) \(number)\(option.label)\(check)\(description)")
            }
            if let footer = menu.footer { out.append("footer: \(footer)") }
        }
        if let answer = state.answer { out.append("answer:\n\(answer)") }
        return out.joined(separator: "\n")
    }
}
