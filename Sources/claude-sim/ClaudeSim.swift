import ArgumentParser
import Foundation

/// `claude-sim`: a stand-in for Claude Code 2.1.332's terminal UI, for tests that cannot reach
/// the real one (plan usage limits, batch and fallback runs, SSH, the hostile-input record,
/// benchmarks). It draws the screens the real CLI draws (checked against the real captures by
/// `ClaudeSimMatchesRealCapturesTests`), reads keys in raw mode, answers deterministically,
/// records every prompt byte for byte, and never executes anything it receives.
@main
struct ClaudeSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claude-sim",
        abstract: "Simulate Claude Code 2.1.332's terminal UI (deterministic answers, no network).",
        discussion: """
        Run it in a terminal (for example a tmux pane). Type a question and press Enter, or \
        paste it (bracketed paste is enabled). `/model`, `/model <alias>`, `/clear`, `/cost` \
        and `/exit` work like in Claude Code. It draws with the fullscreen renderer on the \
        alternate screen, or, with CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN=1 in the environment \
        (as escalator starts the real CLI), with the classic one.

        `claude-sim --print-answer --model sonnet "question"` prints the answer the simulator \
        would give, as a reader extracts it (wraps undone, no code fences).
        """)

    @Option(help: "Starting model alias: \(SimModel.aliases).")
    var model = "default"

    @Option(help: "Permission mode, as the real CLI's flag: default (a prompt before each tool call) or auto.")
    var permissionMode: PermissionMode = .auto

    @Option(help: ArgumentHelp("Accepted as the real CLI's flag (escalator passes its hooks this way); claude-sim runs no hooks, "
                               + "so a driver falls back to reading its screen.", valueName: "json-or-file"))
    var settings: String?

    @Option(help: "Glyph set: linux (● bullet) or macos (⏺ bullet).")
    var platform: Platform = .linux

    @Flag(help: "Show the folder-trust dialog at start.")
    var trust = false

    @Option(help: "Call a Bash tool every N questions (0: never); in manual mode it asks first.")
    var permissionEvery = 0

    @Option(help: "Answer N questions, then show the usage-limit row for every later one.")
    var limitAfter: Int?

    @Flag(help: "With --limit-after: open the 'Session limit reached' menu when the limit is hit.")
    var limitMenu = false

    @Option(help: ArgumentHelp("With --limit-after: the limit row's text (another CLI version's wording, or one without a zone).",
                               valueName: "text"))
    var limitText = Chrome.limitMessage

    @Flag(help: ArgumentHelp("Kept for old command lines: 2.1.332 always asks 'Switch model?' when the conversation has history.",
                             visibility: .hidden))
    var confirmSwitch = false

    @Option(help: "Show an API error instead of the answer to question N.")
    var apiErrorAt: Int?

    @Option(help: "Which API error (with --api-error-at): 401 (invalid key), 429 (rate limited) or 529 (overloaded).")
    var apiError: APIErrorKind = .unauthorized

    @Option(help: "With --api-error-at: show this many retry rows (attempt 1…N of 10) before the error.")
    var apiRetries = 0

    @Option(help: "How long each retry row stays, in milliseconds.")
    var retryMs = 1000

    @Option(help: "Answer N questions, then exit with status 3 when the next one arrives.")
    var crashAfter: Int?

    @Option(help: "How long each answer takes, in milliseconds.")
    var thinkMs = 1200

    @Option(help: "Show the spinner's clock and token count after this many milliseconds.")
    var timerAfterMs = 30_000

    @Option(help: "Use this spinner verb instead of a hashed one.")
    var spinnerVerb: String?

    @Option(help: "Answer with this markdown instead of a generated answer; repeat it for the 2nd, 3rd… question (the last repeats).")
    var reply: [String] = []

    @Option(help: "Append each prompt (base64 of its exact bytes) and decision as JSON lines to FILE.")
    var record: String?

    @Option(help: "The folder shown in the banner and the trust dialog.")
    var cwd: String?

    @Flag(help: "Draw with the fullscreen renderer on the alternate screen even when CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN is set.")
    var fullscreen = false

    @Flag(help: "Print the expected answer to QUESTION and exit.")
    var printAnswer = false

    @Flag(help: "With --print-answer: print the markdown source instead of the rendered text.")
    var markdown = false

    @Argument(help: "The question for --print-answer.")
    var question: String?

    func validate() throws {
        guard SimModel.named(model) != nil else {
            throw ValidationError("unknown model '\(model)'; use \(SimModel.aliases)")
        }
        if printAnswer && question == nil {
            throw ValidationError("--print-answer needs a QUESTION argument")
        }
    }

    /// Whether the environment asks for the classic renderer, as it does of the real CLI.
    static var classicRequested: Bool {
        let value = ProcessInfo.processInfo.environment["CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN"]?.lowercased()
        return value == "1" || value == "true"
    }

    func run() throws {
        if printAnswer, let question {
            if let first = reply.first {
                print(markdown ? first : Answers.plain(Answers.blocks(markdown: first)))
                return
            }
            let blocks = Answers.blocks(question: question, model: model)
            print(markdown ? Answers.markdown(blocks) : Answers.plain(blocks))
            return
        }
        var config = SimConfig()
        config.platform = platform
        config.model = model
        config.permissionMode = permissionMode
        config.trust = trust
        config.permissionEvery = permissionEvery
        config.limitAfter = limitAfter
        config.limitMenu = limitMenu
        config.limitText = limitText
        config.apiErrorAt = apiErrorAt
        config.apiError = apiError
        config.apiRetries = apiRetries
        config.retryMilliseconds = retryMs
        config.crashAfter = crashAfter
        config.thinkMilliseconds = thinkMs
        config.timerAfterMilliseconds = timerAfterMs
        config.spinnerVerb = spinnerVerb
        config.replies = reply
        config.cwd = cwd ?? FileManager.default.currentDirectoryPath
        config.classic = Self.classicRequested && !fullscreen
        let status = runLoop(config)
        if status != 0 { throw ExitCode(status) }
    }

    /// Reads keys, advances the state machine and repaints until the session ends.
    private func runLoop(_ config: SimConfig) -> Int32 {
        let terminal = Terminal(fullscreen: !config.classic)
        terminal.enter()
        var session = Session(config: config, recorder: Recorder(path: record))
        var reader = KeyReader()
        var size = terminal.size()
        var painted: [String] = []
        var classic = ClassicPainter()
        while true {
            let timeout: Int32 = reader.hasPendingEscape ? 30 : (session.isBusy ? 60 : 250)
            guard let bytes = terminal.read(timeout: timeout) else {
                terminal.leave()
                return 0
            }
            let events = bytes.isEmpty ? reader.flush() : reader.feed(bytes)
            // Time advances between keys too: with `--think-ms 0` a turn ends before the next key
            // in the same read is handled, so a quick Enter after it is not lost to a busy turn.
            for event in events {
                session.handle(event)
                session.tick()
            }
            session.tick()
            if let exit = session.exit {
                session.recorder.exit(status: exit.status, reason: exit.message ?? "user exit")
                terminal.leave(crashed: exit.message != nil)
                if let message = exit.message { FileHandle.standardError.write(Data((message + "\r\n").utf8)) }
                return exit.status
            }
            if windowChanged != 0 {
                windowChanged = 0
                size = terminal.size()
                painted = []
                if !config.classic { terminal.write("\u{1b}[2J") }
            }
            if config.classic {
                let output = classic.update(session, columns: size.columns, rows: size.rows)
                if !output.isEmpty { terminal.write(output) }
                continue
            }
            let frame = Screen(session: session, columns: size.columns, rows: size.rows).frame()
            if frame != painted {
                terminal.write(Screen.paint(frame))
                painted = frame
            }
        }
    }
}
