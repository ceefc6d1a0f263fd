import ArgumentParser
import Foundation

/// `claude-sim`: a stand-in for Claude Code's terminal UI, for tests that cannot reach the
/// real one. It draws the same screens, reads keys in raw mode, answers deterministically,
/// records every prompt byte for byte, and never executes anything it receives.
@main
struct ClaudeSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claude-sim",
        abstract: "Simulate Claude Code's terminal UI (deterministic answers, no network).",
        discussion: """
        Run it in a terminal (for example a tmux pane). Type a question and press Enter, or \
        paste it (bracketed paste is enabled). `/model`, `/model <alias>`, `/clear`, `/cost` \
        and `/exit` work like in Claude Code.

        `claude-sim --print-answer --model sonnet "question"` prints the answer the simulator \
        would give, as a reader extracts it (wraps undone, no code fences).
        """)

    @Option(help: "Starting model alias: default, opus, sonnet or haiku.")
    var model = "default"

    @Option(help: "Which Claude Code build to imitate: 2.0, 2.1 or 2.1.220.")
    var look: Look = .v2_1

    @Option(help: "Glyph set: linux (● bullet) or macos (⏺ bullet).")
    var platform: Platform = .linux

    @Flag(help: "Show the folder-trust dialog at start.")
    var trust = false

    @Option(help: "Ask for a Bash permission every N questions (0: never).")
    var permissionEvery = 0

    @Option(help: "Answer N questions, then show the usage-limit row for every later one.")
    var limitAfter: Int?

    @Flag(help: "With --limit-after: open the 'Session limit reached' menu when the limit is hit.")
    var limitMenu = false

    @Flag(help: "Ask 'Switch model?' before /model <alias> changes the model after an answer (2.1.245).")
    var confirmSwitch = false

    @Option(help: "Show an API error instead of the answer to question N.")
    var apiErrorAt: Int?

    @Option(help: "Answer N questions, then exit with status 3 when the next one arrives.")
    var crashAfter: Int?

    @Option(help: "How long each answer takes, in milliseconds.")
    var thinkMs = 1200

    @Option(help: "Show the spinner's clock and token count after this many milliseconds.")
    var timerAfterMs = 30_000

    @Option(help: "Use this spinner verb instead of a hashed one.")
    var spinnerVerb: String?

    @Option(help: "Append each prompt (base64 of its exact bytes) and decision as JSON lines to FILE.")
    var record: String?

    @Option(help: "The folder shown in the banner and the trust dialog.")
    var cwd: String?

    @Flag(help: "Draw on the alternate screen, like the `tui: fullscreen` setting.")
    var fullscreen = false

    @Flag(help: "Print the expected answer to QUESTION and exit.")
    var printAnswer = false

    @Flag(help: "With --print-answer: print the markdown source instead of the rendered text.")
    var markdown = false

    @Argument(help: "The question for --print-answer.")
    var question: String?

    func validate() throws {
        guard SimModel.named(model) != nil else {
            throw ValidationError("unknown model '\(model)'; use default, opus, sonnet or haiku")
        }
        if printAnswer && question == nil {
            throw ValidationError("--print-answer needs a QUESTION argument")
        }
    }

    func run() throws {
        if printAnswer, let question {
            let blocks = Answers.blocks(question: question, model: model)
            print(markdown ? Answers.markdown(blocks) : Answers.plain(blocks))
            return
        }
        var config = SimConfig()
        config.look = look
        config.platform = platform
        config.model = model
        config.trust = trust
        config.permissionEvery = permissionEvery
        config.limitAfter = limitAfter
        config.limitMenu = limitMenu
        config.confirmSwitch = confirmSwitch
        config.apiErrorAt = apiErrorAt
        config.crashAfter = crashAfter
        config.thinkMilliseconds = thinkMs
        config.timerAfterMilliseconds = timerAfterMs
        config.spinnerVerb = spinnerVerb
        config.cwd = cwd ?? FileManager.default.currentDirectoryPath
        let status = runLoop(config)
        if status != 0 { throw ExitCode(status) }
    }

    /// Reads keys, advances the state machine and repaints until the session ends.
    private func runLoop(_ config: SimConfig) -> Int32 {
        let terminal = Terminal(fullscreen: fullscreen)
        terminal.enter()
        var session = Session(config: config, recorder: Recorder(path: record))
        var reader = KeyReader()
        var size = terminal.size()
        var painted: [String] = []
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
                terminal.leave()
                if let message = exit.message { FileHandle.standardError.write(Data((message + "\n").utf8)) }
                return exit.status
            }
            if windowChanged != 0 {
                windowChanged = 0
                size = terminal.size()
                painted = []
                terminal.write("\u{1b}[2J")
            }
            let frame = Screen(session: session, columns: size.columns, rows: size.rows).frame()
            if frame != painted {
                terminal.write(Screen.paint(frame))
                painted = frame
            }
        }
    }
}
