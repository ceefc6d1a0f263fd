import Foundation
@testable import Agents

/// One capture of the real Claude Code 2.1.332 (run in tmux against the project's API
/// stand-in, `capture-pane -p`; `-full` files with `-S - -E -`), and what the parser must
/// read from it. The files are under `Captures/2.1.332/<state>-<width>.txt`.
struct RealCapture: Sendable, CustomStringConvertible {
    var state: String
    /// The prompt that was sent before the capture, to anchor on.
    var sent: String? = nil
    /// Anchor by position instead (the echo count before sending).
    var echoIndex: Int? = nil
    var kind: ScreenState.Kind
    /// The answer, written by hand from the reply the stand-in served.
    var answer: String? = nil
    var noAnswer = false
    var detailContains: String? = nil
    var labels: [String]? = nil
    var cursor: Int? = nil
    var current: Int? = nil
    var footerContains: String? = nil
    var title: String? = nil
    var question: String? = nil
    var dialogKind: ScreenState.DialogKind? = nil
    var errorKind: ScreenState.ErrorKind? = nil
    var retryAttempt: Int? = nil
    var retryOf: Int? = nil
    var permissionMode: ScreenState.PermissionMode? = .auto
    var echoCount: Int? = nil
    var echoed: Bool? = nil
    var prices: [ScreenMenu.Price?]? = nil
    /// Text the answer must never contain (the question's own echo).
    var answerExcludes: String? = nil
    var width = 80

    var file: String { "\(state)-\(width).txt" }
    var description: String { file }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Captures/2.1.332")

    func pane() throws -> String {
        try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
    }
}

enum RealCaptures {
    static func reply(_ text: String) -> String { text }

    // The replies the stand-in served, normalised only for what the screen renders away.
    static let short = "Hello from the stand-in."
    static let paragraphs = """
    The build fails because the linker cannot find the symbol that the test target expects, which happens when a module is compiled with a different set of flags than the one that links against it.

    To fix it, clean the build folder, make sure both targets use the same Swift language mode, and build again; if the error persists, look at the first error in the log rather than the last one.

    That is all there is to it.
    """
    static let lists = """
    Here are the steps:

    - Install the toolchain from the official site and make sure that the swift binary is on your PATH before you open a new terminal window.
    - Run the tests.
    - Read the report.

    And in order:

    1. Clone the repository.
    2. Build it with the release configuration, which enables whole-module optimisation and takes noticeably longer than a debug build.
    3. Ship it.
    """
    /// Backticks, the fence and `**` are rendered away; the code keeps its indentation.
    static let code = """
    Use double(_:) like this:

    func double(_ x: Int) -> Int {
        return x * 2
    }

    let y = double(21)

    Then call print(y) to see 42 on the screen.
    """
    /// The table's delimiter row and cell padding are drawing; the cells are the reply's.
    static let table = """
    Here is a comparison:

    | Model | Input | Output |
    | Opus | $4 | $20 |
    | Sonnet | $2 | $10 |
    | Haiku | $0.10 | $0.50 |

    Haiku is the cheapest.
    """
    static let url = "See the documentation at https://code.claude.com/docs/en/permission-modes/a/very/long/path/that/keeps/going/and/going/until/it/wraps/past/the/edge/of/the/pane?with=query&and=more#fragment for details."

    static func longLines(_ range: ClosedRange<Int>) -> String {
        range.map { String(format: "%d. Line %03d of the long answer: the quick brown fox jumps over the lazy dog.", $0, $0) }
            .joined(separator: "\n")
    }

    /// The 10 KB question pasted in `paste` states (its echo is the whole text).
    static let pasteQuestion: String = {
        var text = ""
        for i in 1...199 {
            let line = String(format: "Paste line %03d: ", i)
                + "lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet"
                + String(format: " end %03d.", i)
            if text.count + line.count + 1 > 10240 { break }
            text += line + "\n"
        }
        return "Please summarise this text:\n" + String(text.dropLast())
    }()

    static let pickerLabels = ["Default (recommended)", "Opus", "Fable", "Sonnet", "Haiku"]
    static let pickerPrices: [ScreenMenu.Price?] = [
        .init(input: 4, output: 20), .init(input: 4, output: 20), .init(input: 8, output: 40),
        .init(input: 2, output: 10),
        .init(input: 0.10, output: 0.50, longInput: 0.50, longOutput: 2.50, longThreshold: 100_000),
    ]
    static let permissionLabels = ["Yes", "Yes, and always allow access to /tmp/parser-exp/work from this project",
                                   "Yes, and switch to auto mode · auto mode handles these prompts for you", "No"]

    /// Each state, as captured at every width.
    static let states: [RealCapture] = [
        // Start-up
        .init(state: "fresh", kind: .idle, noAnswer: true, echoCount: 0),
        .init(state: "fresh", sent: "Say hello", kind: .idle, noAnswer: true, echoed: false),
        .init(state: "trust", kind: .dialog, labels: ["No, exit", "Yes, I trust this folder"], cursor: 0,
              footerContains: "Enter to confirm", title: "Accessing workspace:", dialogKind: .trust, permissionMode: .unknown),
        .init(state: "trust-cursor-yes", kind: .dialog, labels: ["No, exit", "Yes, I trust this folder"], cursor: 1,
              dialogKind: .trust, permissionMode: .unknown),
        .init(state: "trust-accepted", kind: .idle, noAnswer: true, echoCount: 0),
        // Answers
        .init(state: "answer-short", sent: "Say hello", kind: .idle, answer: short, detailContains: " for 0s · done", echoCount: 1),
        .init(state: "answer-paragraphs", sent: "Why does the build fail?", kind: .idle, answer: paragraphs),
        .init(state: "answer-lists", sent: "Give me the steps as lists", kind: .idle, answer: lists),
        .init(state: "answer-code", sent: "Show a function with code", kind: .idle, answer: code),
        .init(state: "answer-table", sent: "Compare the models in a table", kind: .idle, answer: table),
        .init(state: "answer-url", sent: "Where are the docs?", kind: .idle, answer: url),
        .init(state: "answer-url", kind: .idle, answer: url),
        // The fullscreen renderer keeps no tmux history: only the visible tail can be read.
        .init(state: "answer-long", sent: "Count to 120 in a list", kind: .idle, answer: longLines(88...120), echoCount: 0),
        .init(state: "answer-paste", sent: pasteQuestion, kind: .idle, answer: "Received the pasted text.",
              answerExcludes: "Paste line"),
        .init(state: "paste-composer", kind: .idle, noAnswer: true, permissionMode: .unknown),
        // Classic renderer (CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN=1): the scrollback holds it all.
        .init(state: "classic-answer-long", sent: "Count to 120 in a list", kind: .idle, answer: longLines(89...120)),
        .init(state: "classic-answer-long-full", sent: "Count to 120 in a list", kind: .idle, answer: longLines(1...120),
              echoCount: 2),
        .init(state: "classic-answer-long-full", echoIndex: 1, kind: .idle, answer: longLines(1...120)),
        .init(state: "classic-answer-long-full", echoIndex: 0, kind: .idle, answer: short),
        .init(state: "classic-answer-long-full", echoIndex: 2, kind: .idle, noAnswer: true, echoed: false),
        .init(state: "classic-paste-composer", kind: .idle, permissionMode: .unknown, echoCount: 0),
        .init(state: "classic-answer-paste", sent: pasteQuestion, kind: .idle, answer: "Received the pasted text.",
              answerExcludes: "Paste line"),
        .init(state: "classic-answer-paste-full", sent: pasteQuestion, kind: .idle, answer: "Received the pasted text.",
              echoCount: 3, answerExcludes: "Paste line"),
        .init(state: "classic-answer-paste-full", echoIndex: 2, kind: .idle, answer: "Received the pasted text.",
              answerExcludes: "Paste line"),
        .init(state: "classic-clear", sent: "/clear", kind: .idle, noAnswer: true, echoCount: 1),
        // `/clear` leaves tmux's history: the old turns are still above the new banner.
        .init(state: "classic-clear-full", echoIndex: 3, kind: .idle, noAnswer: true, echoCount: 4),
        .init(state: "classic-clear-full", echoIndex: 1, kind: .idle, answer: longLines(1...120)),
        // Busy, interrupt, tools
        .init(state: "busy", sent: "Why does the build fail?", kind: .busy, noAnswer: true, echoed: true),
        .init(state: "busy-streaming", sent: "Why does the build fail now?", kind: .busy, noAnswer: true),
        // Escape before any output: the CLI drops the echo and puts the question back in the composer.
        .init(state: "interrupted-composer", sent: "Why does the build fail?", kind: .idle, noAnswer: true,
              echoCount: 0, echoed: false),
        .init(state: "composer-cleared", kind: .idle, noAnswer: true),
        .init(state: "interrupted", sent: "Why does the build fail now?", kind: .idle,
              detailContains: "Interrupted · What should Claude do instead?"),
        .init(state: "tool-running", sent: "Create a file named x", kind: .busy, noAnswer: true),
        .init(state: "tool-auto", sent: "Create a file named x", kind: .idle, answer: "Created the file x."),
        .init(state: "manual-idle", kind: .idle, noAnswer: true, permissionMode: .manual),
        .init(state: "permission", kind: .permission, labels: permissionLabels, cursor: 0, footerContains: "Esc to cancel",
              title: "Bash command", question: "Do you want to proceed?", permissionMode: .unknown),
        .init(state: "permission-denied", sent: "Create a file named y", kind: .idle, noAnswer: true,
              detailContains: "Interrupted", permissionMode: .manual),
        // Models, effort, help, clear
        .init(state: "picker", kind: .picker, labels: pickerLabels, cursor: 0, current: 0,
              footerContains: "s to use this session only · Enter to save · Esc to cancel", title: "Select model",
              permissionMode: .unknown, prices: pickerPrices),
        .init(state: "picker-moved", kind: .picker, labels: pickerLabels, cursor: 3, current: 1,
              permissionMode: .unknown, prices: pickerPrices),
        .init(state: "picker-cancelled", sent: "/model", kind: .idle, noAnswer: true),
        .init(state: "model-opus", sent: "/model opus", kind: .idle, noAnswer: true, echoCount: 2),
        .init(state: "switch-model", kind: .dialog, labels: ["Yes, switch to Sonnet 5.5", "No, go back"], cursor: 0,
              title: "Switch model?", dialogKind: .switchModel, permissionMode: .unknown, echoCount: 3),
        .init(state: "effort", kind: .dialog, dialogKind: .effort, permissionMode: .unknown),
        .init(state: "effort-set", sent: "/effort", kind: .idle, noAnswer: true),
        .init(state: "help", kind: .dialog, dialogKind: .help, permissionMode: .unknown),
        .init(state: "clear", sent: "/clear", kind: .idle, noAnswer: true, echoCount: 1),
        // API errors: retry rows are busy; the final row is an error, never an answer.
        .init(state: "retry-429", sent: "Say hello", kind: .busy, noAnswer: true, errorKind: .rateLimit,
              retryAttempt: 3, retryOf: 10),
        .init(state: "retry-529", sent: "Say hello", kind: .busy, noAnswer: true, errorKind: .overloaded,
              retryAttempt: 3, retryOf: 10),
        .init(state: "retry-401", sent: "Say hello", kind: .busy, noAnswer: true, errorKind: .auth,
              retryAttempt: 3, retryOf: 10),
        .init(state: "error-429", sent: "Say hello", kind: .error, noAnswer: true, detailContains: "Rate limited",
              errorKind: .rateLimit),
        .init(state: "error-529", sent: "Say hello", kind: .error, noAnswer: true, detailContains: "529 Overloaded",
              errorKind: .overloaded),
        .init(state: "error-401", sent: "Say hello", kind: .error, noAnswer: true, detailContains: "Invalid API key",
              errorKind: .auth),
    ]

    static let all: [RealCapture] = states.flatMap { state in
        [80, 120, 200].map { width in
            var c = state
            c.width = width
            return c
        }
    }
}
