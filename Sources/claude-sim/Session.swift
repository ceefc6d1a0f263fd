import Foundation

/// What the simulator was asked to imitate (from the command line).
struct SimConfig {
    var look: Look = .v2_1
    var platform: Platform = .linux
    var model = "default"
    var trust = false
    var permissionEvery = 0
    var limitAfter: Int?
    var apiErrorAt: Int?
    var crashAfter: Int?
    var thinkMilliseconds = 1200
    var timerAfterMilliseconds = 30_000
    var spinnerVerb: String?
    var cwd = "~/project"
    /// Open the `Session limit reached` menu when the limit is hit.
    var limitMenu = false
    /// Ask `Switch model?` before a `/model <alias>` that changes the model after an answer (2.1.245).
    var confirmSwitch = false
}

/// One logical transcript entry; rows are produced at draw time so a resize re-wraps them.
enum Entry {
    case banner(model: String)
    case echo(String)
    case assistant([AnswerBlock])
    case tool(String)
    case result([String])
    case completion(String)
    case errorText(String)
}

/// A question being worked on.
struct Turn {
    var question: Int
    var text: String
    var started: ContinuousClock.Instant
    var verb: String
    var needsPermission: Bool
    var permissionAsked = false
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
        case switchConfirm(SimModel, cursor: Int)
    }

    let config: SimConfig
    var recorder: Recorder
    var mode: Mode
    var transcript: [Entry] = []
    var model: SimModel
    /// The composer's bytes, exactly as typed or pasted.
    var buffer: [UInt8] = []
    var bufferIsLargePaste = false
    var pasteCount = 0
    var ctrlCPending = false
    var questions = 0
    var answered = 0
    var cost = 0.0
    /// Whether an answer came since the last model switch (for `Switch model?`).
    var answeredSinceSwitch = false
    var apiMilliseconds = 0
    let started = ContinuousClock.now
    /// Set when the program should end, with its exit status and an optional stderr message.
    var exit: (status: Int32, message: String?)?

    static let gerunds = ["Cogitating", "Schlepping", "Herding", "Kneading", "Pondering", "Brewing",
                          "Noodling", "Percolating", "Simmering", "Wrangling"]
    static let pastVerbs = ["Worked", "Churned", "Baked", "Brewed", "Cogitated", "Sautéed"]

    init(config: SimConfig, recorder: Recorder) {
        self.config = config
        self.recorder = recorder
        model = SimModel.named(config.model) ?? SimModel.all[0]
        mode = config.trust ? .trust(cursor: 0) : .composer
        if !config.trust { transcript.append(.banner(model: model.displayName)) }
    }

    var isBusy: Bool {
        switch mode {
        case .busy, .permission: true
        default: false
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
        case .switchConfirm(let target, let cursor): handleSwitchConfirm(event, target: target, cursor: cursor)
        case .busy:
            switch event {
            case .escape, .ctrlC:
                transcript.append(.result(["Interrupted · What should Claude do instead?"]))
                mode = .composer
            default: editComposer(event, submit: false)
            }
        case .composer:
            editComposer(event, submit: true)
        }
    }

    private mutating func editComposer(_ event: KeyEvent, submit: Bool) {
        switch event {
        case .text(let bytes): buffer += bytes
        case .paste(let bytes):
            buffer += bytes
            let text = String(decoding: buffer, as: UTF8.self)
            if text.count > 800 || text.split(separator: "\n", omittingEmptySubsequences: false).count > 2
                || text.split(separator: "\r", omittingEmptySubsequences: false).count > 2 {
                if !bufferIsLargePaste { pasteCount += 1 }
                bufferIsLargePaste = true
            }
        case .backspace:
            // Remove one UTF-8 encoded character.
            while let last = buffer.popLast(), last & 0xC0 == 0x80 {}
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
            buffer = []
            bufferIsLargePaste = false
            submitPrompt(bytes)
        case .tab, .up, .down, .left, .right: break
        }
    }

    private mutating func submitPrompt(_ bytes: [UInt8]) {
        recorder.prompt(bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        transcript.append(.echo(text))
        if trimmed.hasPrefix("/") {
            slashCommand(trimmed)
            return
        }
        questions += 1
        if let crashAfter = config.crashAfter, questions > crashAfter {
            exit = (3, "claude-sim: simulated crash after \(crashAfter) question(s)")
            return
        }
        let verb = config.spinnerVerb ?? Self.gerunds[Int(fnv1a64(text) % UInt64(Self.gerunds.count))]
        let permission = config.permissionEvery > 0 && questions % config.permissionEvery == 0
        mode = .busy(Turn(question: questions, text: text, started: .now, verb: verb, needsPermission: permission))
    }

    // MARK: Slash commands

    private mutating func slashCommand(_ command: String) {
        let parts = command.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        switch parts[0] {
        case "/model":
            if parts.count == 1 {
                mode = .picker(cursor: SimModel.all.firstIndex(of: model) ?? 0)
            } else if ["current", "show", "get"].contains(parts[1]) {
                transcript.append(.result(["Current model: \(model.displayName)"]))
            } else if let chosen = SimModel.named(parts[1]) {
                if config.confirmSwitch && answeredSinceSwitch && chosen != model {
                    mode = .switchConfirm(chosen, cursor: 0)
                } else {
                    setModel(chosen, persist: true)
                }
            } else {
                transcript.append(.result(["Model '\(parts[1])' not found"]))
            }
        case "/clear":
            transcript = []
        case "/cost":
            let wall = Int((ContinuousClock.now - started).components.seconds)
            transcript.append(.result([
                "Total cost:            $" + String(format: "%.4f", cost),
                "Total duration (API):  " + Self.duration(apiMilliseconds / 1000),
                "Total duration (wall): " + Self.duration(wall),
                "Total code changes:    0 lines added, 0 lines removed",
            ]))
        case "/exit", "/quit":
            exit = (0, nil)
        default:
            transcript.append(.result(["Unknown slash command: \(parts[0].dropFirst())"]))
        }
    }

    mutating func setModel(_ chosen: SimModel, persist: Bool) {
        model = chosen
        answeredSinceSwitch = false
        let suffix = config.look == .v2_1_220 && persist ? " and saved as your default for new sessions" : ""
        transcript.append(.result(["Set model to \(chosen.setLabel)\(suffix)"]))
    }

    // MARK: Time

    /// Advances a busy turn: opens the permission prompt, or finishes with its outcome.
    mutating func tick(now: ContinuousClock.Instant = .now) {
        guard case .busy(var turn) = mode else { return }
        let elapsed = now - turn.started
        let think = Duration.milliseconds(config.thinkMilliseconds)
        if turn.needsPermission && !turn.permissionAsked && elapsed >= think / 2 {
            turn.permissionAsked = true
            transcript.append(.tool("Bash(echo sim-\(turn.question))"))
            mode = .permission(turn, cursor: 0)
            return
        }
        guard elapsed >= think else { return }
        finish(turn, elapsed: elapsed)
    }

    private mutating func finish(_ turn: Turn, elapsed: Duration) {
        mode = .composer
        apiMilliseconds += config.thinkMilliseconds
        let seconds = Int(elapsed.components.seconds)
        let completion = Self.pastVerbs[Int(fnv1a64(turn.verb) % UInt64(Self.pastVerbs.count))]
            + " for " + Self.duration(seconds)
        if let limitAfter = config.limitAfter, turn.question > limitAfter {
            if config.limitMenu {
                mode = .limitMenu(turn, cursor: 0)
            } else {
                showLimit()
            }
            return
        }
        if let errorAt = config.apiErrorAt, turn.question == errorAt {
            let message = config.look.apiErrorMessage(question: turn.question)
            transcript.append(config.look == .v2_1_220 ? .errorText(message) : .result([message]))
            return
        }
        let blocks = Answers.blocks(question: turn.text, model: model.alias)
        transcript.append(.assistant(blocks))
        transcript.append(.completion(completion))
        answered += 1
        answeredSinceSwitch = true
        cost += Double(Answers.plain(blocks).utf8.count) * 0.00003
    }

    mutating func showLimit() {
        transcript.append(.result([config.look.limitMessage, "/upgrade to increase your usage limit."]))
        transcript.append(.completion("Cogitated for 0s"))
    }

    // MARK: Helpers

    static func duration(_ seconds: Int) -> String {
        seconds >= 60 ? "\(seconds / 60)m \(seconds % 60)s" : "\(seconds)s"
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
