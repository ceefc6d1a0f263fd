import Foundation

/// What the simulator was asked to imitate (from the command line and the environment).
struct SimConfig {
    var platform: Platform = .linux
    var model = "default"
    var permissionMode: PermissionMode = .auto
    var trust = false
    var permissionEvery = 0
    var limitAfter: Int?
    /// Open the `Session limit reached` menu when the limit is hit.
    var limitMenu = false
    /// The limit row's text.
    var limitText = Chrome.limitMessage
    var apiErrorAt: Int?
    var apiError: APIErrorKind = .unauthorized
    /// Retry rows shown before the API error (attempts 1…N of 10), each for `retryMilliseconds`.
    var apiRetries = 0
    var retryMilliseconds = 1000
    var crashAfter: Int?
    var thinkMilliseconds = 1200
    var timerAfterMilliseconds = 30_000
    var spinnerVerb: String?
    /// Markdown replies: the Nth question gets the Nth (the last one repeats); empty: generated answers.
    var replies: [String] = []
    var cwd = "~/project"
    /// The classic renderer (`CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN=1`): the transcript flows from
    /// the top with the input box right under it, instead of the box pinned to the bottom.
    var classic = false
}

/// How far a tool call got.
enum ToolState {
    case running, ran, denied
}

/// One logical transcript entry; rows are produced at draw time so a resize re-wraps them.
enum Entry {
    case banner(model: String)
    case echo(String)
    case assistant([AnswerBlock])
    /// A Bash tool call (`● Running echo sim-1` / `  Ran 1 shell command` / `  Did not run 1 call`).
    case tool(command: String, state: ToolState)
    /// Rows under the last entry (`  ⎿  Set model to …`, `  ⎿  Interrupted · …`).
    case result([String])
    case completion(String)
    /// An error in a bullet row (`● API Error: …`).
    case errorText(String)
}

/// A question being worked on.
struct Turn {
    var question: Int
    var text: String
    /// The composer's bytes as submitted (put back when the turn is interrupted before any output).
    var bytes: [UInt8]
    var wasLargePaste: Bool
    var started: ContinuousClock.Instant
    var verb: String
    var needsTool: Bool
    /// The transcript index of the turn's echo and, once it ran, of its tool call.
    var echoEntry: Int
    var toolEntry: Int?

    var command: String { "echo sim-\(question)" }
}

/// The simulator's state machine: modes, transcript, model, counters. It never executes
/// anything it receives; prompts are only recorded and answered from `Answers`.
struct Session {
    enum Mode {
        case trust(cursor: Int)
        case composer
        case busy(Turn)
        case permission(Turn, cursor: Int)
        case picker(cursor: Int)
        case limitMenu(Turn, cursor: Int)
        /// `Switch model?`; `command` is echoed once it is answered.
        case switchConfirm(SimModel, cursor: Int, command: String)
    }

    let config: SimConfig
    var recorder: Recorder
    var mode: Mode
    var transcript: [Entry] = []
    var model: SimModel
    var permissionMode: PermissionMode
    /// The composer's bytes, exactly as typed or pasted.
    var buffer: [UInt8] = []
    var bufferIsLargePaste = false
    var pasteCount = 0
    /// The input box's dim hint after an API error ("Resend your message to try again").
    var composerHint: String?
    var ctrlCPending = false
    var questions = 0
    var answered = 0
    var cost = 0.0
    /// Whether the conversation (since the last `/clear`) has an answer, so a model switch asks first.
    var hasHistory = false
    var apiMilliseconds = 0
    /// Bumped when the transcript is replaced (`/clear`), so the classic renderer redraws.
    var generation = 0
    let started = ContinuousClock.now
    /// Set when the program should end, with its exit status and an optional stderr message.
    var exit: (status: Int32, message: String?)?

    init(config: SimConfig, recorder: Recorder) {
        self.config = config
        self.recorder = recorder
        model = SimModel.named(config.model) ?? SimModel.all[0]
        permissionMode = config.permissionMode
        mode = config.trust ? .trust(cursor: 0) : .composer
        if !config.trust { transcript.append(.banner(model: model.displayName)) }
    }

    var isBusy: Bool {
        switch mode {
        case .busy, .permission: true
        default: false
        }
    }

    /// The first transcript entry of the running turn (its echo), which may still change.
    var liveEntry: Int? {
        switch mode {
        case .busy(let turn), .permission(let turn, _): turn.echoEntry
        default: nil
        }
    }

    // MARK: Events

    mutating func handle(_ event: KeyEvent) {
        if case .ctrlC = event {} else { ctrlCPending = false }
        switch mode {
        case .trust(let cursor): handleTrust(event, cursor: cursor)
        case .picker(let cursor): handlePicker(event, cursor: cursor)
        case .permission(let turn, let cursor): handlePermission(event, turn: turn, cursor: cursor)
        case .limitMenu(let turn, let cursor): handleLimitMenu(event, turn: turn, cursor: cursor)
        case .switchConfirm(let target, let cursor, let command):
            handleSwitchConfirm(event, target: target, cursor: cursor, command: command)
        case .busy(let turn):
            switch event {
            case .escape, .ctrlC: interrupt(turn)
            default: editComposer(event, submit: false)
            }
        case .composer:
            editComposer(event, submit: true)
        }
    }

    /// Esc during a turn. Before any output the CLI takes the question back: its echo goes and
    /// the text returns to the input box. After output (a tool call, a retry row) the turn ends with
    /// `⎿  Interrupted · What should Claude do instead?`.
    mutating func interrupt(_ turn: Turn) {
        mode = .composer
        if turn.toolEntry != nil || retry(turn, now: .now) != nil {
            transcript.append(.result([Chrome.interrupted]))
            return
        }
        if turn.echoEntry < transcript.count { transcript.remove(at: turn.echoEntry) }
        if buffer.isEmpty {
            buffer = turn.bytes
            bufferIsLargePaste = turn.wasLargePaste
        }
    }

    private mutating func editComposer(_ event: KeyEvent, submit: Bool) {
        switch event {
        case .text(let bytes): buffer += bytes
        case .paste(let bytes):
            buffer += bytes
            let text = String(decoding: buffer, as: UTF8.self)
            if text.utf16.count > 800 || text.split(separator: "\n", omittingEmptySubsequences: false).count > 3
                || text.split(separator: "\r", omittingEmptySubsequences: false).count > 3 {
                if !bufferIsLargePaste { pasteCount += 1 }
                bufferIsLargePaste = true
            }
        case .backspace:
            if bufferIsLargePaste {
                buffer = []
            } else {
                // Remove one UTF-8 encoded character.
                while let last = buffer.popLast(), last & 0xC0 == 0x80 {}
            }
            if buffer.isEmpty { bufferIsLargePaste = false }
        case .ctrlU:
            // Delete from the cursor (the end) to the start of its line.
            if bufferIsLargePaste {
                buffer = []
            } else if let lineStart = buffer.lastIndex(where: { $0 == 0x0A || $0 == 0x0D }), lineStart < buffer.count - 1 {
                buffer.removeSubrange((lineStart + 1)...)
            } else {
                buffer = []
            }
            if buffer.isEmpty { bufferIsLargePaste = false }
        case .escape:
            buffer = []
            bufferIsLargePaste = false
        case .ctrlC:
            if !buffer.isEmpty {
                buffer = []
                bufferIsLargePaste = false
            } else if ctrlCPending {
                exit = (0, nil)
            } else {
                ctrlCPending = true
            }
        case .enter:
            // An empty or blank composer is not submitted and keeps its text (see `Recorder`).
            guard submit, !Self.isBlank(buffer) else { return }
            let bytes = buffer
            let large = bufferIsLargePaste
            buffer = []
            bufferIsLargePaste = false
            submitPrompt(bytes, large: large)
        case .tab, .up, .down, .left, .right: break
        }
    }

    private mutating func submitPrompt(_ bytes: [UInt8], large: Bool) {
        recorder.prompt(bytes)
        composerHint = nil
        let text = String(decoding: bytes, as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("/") && !large {
            slashCommand(trimmed)
            return
        }
        transcript.append(.echo(text))
        questions += 1
        if let crashAfter = config.crashAfter, questions > crashAfter {
            exit = (3, "claude-sim: simulated crash after \(crashAfter) question(s)")
            return
        }
        let verb = config.spinnerVerb ?? Chrome.gerunds[Int(fnv1a64(text) % UInt64(Chrome.gerunds.count))]
        let tool = config.permissionEvery > 0 && questions % config.permissionEvery == 0
        mode = .busy(Turn(question: questions, text: text, bytes: bytes, wasLargePaste: large, started: .now, verb: verb,
                          needsTool: tool, echoEntry: transcript.count - 1))
    }

    // MARK: Slash commands

    /// The command's echo and result rows.
    mutating func commandResult(_ command: String, _ rows: [String]) {
        transcript.append(.echo(command))
        if !rows.isEmpty { transcript.append(.result(rows)) }
    }

    private mutating func slashCommand(_ command: String) {
        let parts = command.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        switch parts[0] {
        case "/model":
            // The echo of `/model` appears once the picker or the confirmation is answered.
            if parts.count == 1 {
                mode = .picker(cursor: SimModel.all.firstIndex(of: model) ?? 0)
            } else if ["current", "show", "get"].contains(parts[1]) {
                commandResult(command, ["Current model: \(model.displayName)"])
            } else if let chosen = SimModel.named(parts[1]) {
                choose(chosen, persist: true, command: command)
            } else {
                commandResult(command, ["Model '\(parts[1])' not found"])
            }
        case "/clear":
            transcript = [.banner(model: model.displayName), .echo(command)]
            hasHistory = false
            generation += 1
        case "/cost":
            let wall = Int((ContinuousClock.now - started).components.seconds)
            commandResult(command, [
                "Total cost:            $" + String(format: "%.4f", cost),
                "Total duration (API):  " + Self.duration(apiMilliseconds / 1000),
                "Total duration (wall): " + Self.duration(wall),
                "Total code changes:    0 lines added, 0 lines removed",
            ])
        case "/exit", "/quit":
            exit = (0, nil)
        default:
            commandResult(command, ["Unknown slash command: \(parts[0].dropFirst())"])
        }
    }

    /// Switches to `chosen` (asking first when the conversation has history and the model changes).
    mutating func choose(_ chosen: SimModel, persist: Bool, command: String) {
        if hasHistory && chosen.displayName != model.displayName {
            mode = .switchConfirm(chosen, cursor: 0, command: command)
            return
        }
        mode = .composer
        setModel(chosen, persist: persist, command: command)
    }

    mutating func setModel(_ chosen: SimModel, persist: Bool, command: String) {
        model = chosen
        commandResult(command, ["Set model to \(chosen.setLabel)" + (persist ? Chrome.savedSuffix : "")])
    }

    // MARK: Time

    /// Advances a busy turn: runs its tool call (asking first in manual mode), shows retry rows,
    /// or finishes with its outcome.
    mutating func tick(now: ContinuousClock.Instant = .now) {
        guard case .busy(var turn) = mode else { return }
        let elapsed = now - turn.started
        let think = Duration.milliseconds(config.thinkMilliseconds)
        if turn.needsTool && turn.toolEntry == nil && elapsed >= think / 2 {
            transcript.append(.tool(command: turn.command, state: .running))
            turn.toolEntry = transcript.count - 1
            mode = permissionMode == .manual ? .permission(turn, cursor: 0) : .busy(turn)
            return
        }
        guard elapsed >= think + retryDuration(turn) else { return }
        finish(turn, elapsed: elapsed)
    }

    /// How long the turn spends on retry rows after thinking.
    func retryDuration(_ turn: Turn) -> Duration {
        guard turn.question == config.apiErrorAt else { return .zero }
        return .milliseconds(config.retryMilliseconds) * config.apiRetries
    }

    /// The retry attempt a busy turn shows at `now` (1…), and the seconds left before the next.
    func retry(_ turn: Turn, now: ContinuousClock.Instant) -> (attempt: Int, seconds: Int)? {
        guard turn.question == config.apiErrorAt, config.apiRetries > 0 else { return nil }
        let since = now - turn.started - .milliseconds(config.thinkMilliseconds)
        guard since >= .zero else { return nil }
        let each = Duration.milliseconds(max(1, config.retryMilliseconds))
        let attempt = min(config.apiRetries, Int(since / each) + 1)
        let left = each * attempt - since
        return (attempt, max(1, Int((left / .milliseconds(1000)).rounded(.up))))
    }

    private mutating func finish(_ turn: Turn, elapsed: Duration) {
        mode = .composer
        apiMilliseconds += config.thinkMilliseconds
        if let limitAfter = config.limitAfter, turn.question > limitAfter {
            if config.limitMenu {
                mode = .limitMenu(turn, cursor: 0)
            } else {
                showLimit()
            }
            return
        }
        if let errorAt = config.apiErrorAt, turn.question == errorAt {
            let final = config.apiError.final
            if let bullet = final.bullet { transcript.append(.errorText(bullet)) }
            if let result = final.result { transcript.append(.result([result])) }
            composerHint = final.hint
            return
        }
        if let tool = turn.toolEntry { transcript[tool] = .tool(command: turn.command, state: .ran) }
        let blocks = answer(turn)
        transcript.append(.assistant(blocks))
        transcript.append(.completion(completion(turn, elapsed: elapsed)))
        answered += 1
        hasHistory = true
        cost += Double(Answers.plain(blocks).utf8.count) * 0.00003
    }

    /// The `--reply` for this question, or the generated answer.
    func answer(_ turn: Turn) -> [AnswerBlock] {
        guard let reply = config.replies.isEmpty ? nil : config.replies[min(turn.question, config.replies.count) - 1] else {
            return Answers.blocks(question: turn.text, model: model.alias)
        }
        return Answers.blocks(markdown: reply)
    }

    /// `Cooked for 1s · done 8:04 AM`.
    func completion(_ turn: Turn, elapsed: Duration) -> String {
        let verb = Chrome.pastVerbs[Int(fnv1a64(turn.verb) % UInt64(Chrome.pastVerbs.count))]
        return "\(verb) for \(Self.duration(Int(elapsed.components.seconds))) · done \(Self.clock())"
    }

    mutating func showLimit() {
        transcript.append(.result([config.limitText, Chrome.limitUpgrade]))
        transcript.append(.completion("Cogitated for 0s · done \(Self.clock())"))
    }

    // MARK: Helpers

    static func duration(_ seconds: Int) -> String {
        seconds >= 60 ? "\(seconds / 60)m \(seconds % 60)s" : "\(seconds)s"
    }

    /// The local time as the completion row shows it (`8:04 AM`).
    static func clock(_ date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "h:mm a"
        return formatter.string(from: date)
    }

    /// Whether `bytes` is empty or only whitespace, which Enter does not submit. Whitespace is
    /// what JavaScript's `String.prototype.trim` removes (Claude Code is a Node program): tab,
    /// VT, FF, space, NBSP, U+FEFF, every other space separator (Zs), LF, CR, U+2028 and
    /// U+2029. Invalid UTF-8 decodes to U+FFFD, so it is never blank.
    static func isBlank(_ bytes: [UInt8]) -> Bool {
        String(decoding: bytes, as: UTF8.self).unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x09...0x0D, 0x20, 0xA0, 0xFEFF, 0x2028, 0x2029: true
            default: scalar.properties.generalCategory == .spaceSeparator
            }
        }
    }

    static func digit(_ bytes: [UInt8]) -> Int? {
        guard bytes.count == 1, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[0]) else { return nil }
        return Int(bytes[0] - UInt8(ascii: "0"))
    }
}
