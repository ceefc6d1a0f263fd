import Foundation
import Logging
import Remote

/// Drives one terminal agent in one tmux session the way a person would: starts it if needed
/// (in the permission mode the policy needs), answers its start-up dialog, switches its model,
/// pastes a question as text, waits for the turn to end and reads the whole answer from the
/// pane's scrollback. Agent specifics come from an `AgentProfile`; the screen is read by the
/// profile's pure parser. A tmux lock per pane keeps two escalator processes from typing into
/// the same agent at once.
public struct AgentDriver: Sendable {
    public let tmux: Tmux
    public let profile: any AgentProfile
    public let spec: AgentSessionSpec
    public let policy: AgentPolicy
    /// Where model prices read from the agent's picker are kept (nil: prices are not read).
    public let priceBook: ModelPriceBook?
    let logger: Logger

    /// The tmux user option recording which model alias a session is on, so no switch is
    /// needed per question (shared by every escalator process using the session).
    static let modelOption = "@escalator-model"
    /// Scrollback kept per agent pane: enough for a 100 KB question's echo and its answer.
    static let historyLines = 200_000
    /// The tmux user option marking a session whose agent was started with escalator's hooks.
    static let hooksOption = "@escalator-hooks"

    /// Where this session's hooks report (see ``HookSpool``).
    public var hookSpool: HookSpool { HookSpool(session: spec.name, tmuxExecutable: tmux.executable) }

    /// How long an answer that looks finished on screen waits for the Stop hook that the turn's
    /// UserPromptSubmit hook promised, before the screen's reading is taken.
    static let hookGrace = Duration.milliseconds(1500)
    /// How long the question may sit in the input box after Enter before Enter is pressed once more.
    static let enterRetryAfter = Duration.milliseconds(400)

    public init(tmux: Tmux, profile: any AgentProfile, spec: AgentSessionSpec, policy: AgentPolicy,
                priceBook: ModelPriceBook? = nil, logger: Logger = Logger(label: "escalator.agent")) {
        self.tmux = tmux
        self.profile = profile
        self.spec = spec
        self.policy = policy
        self.priceBook = priceBook
        self.logger = logger
    }

    /// Asks `question` and returns the answer. If the agent exits during the turn, its session
    /// is restarted and the question asked once more in the new agent (the answer says so); a
    /// question is never typed twice into a live agent. A question that cannot be delivered as
    /// text is refused before anything is sent.
    public func ask(_ question: String) async throws -> AgentAnswer {
        do { try QuestionText.validate(question) } catch {
            throw AgentError(code: .undeliverable, message: error.description, session: spec.name)
        }
        let start = ContinuousClock.now
        do {
            return try await askOnce(question, start: start, retryReason: nil)
        } catch let error as AgentError where error.code == .crashed {
            logger.debug("agent exited during the turn; restarting the session and asking again", metadata: ["session": "\(spec.name)"])
            _ = try? await tmux.killSession(spec.name)
            return try await askOnce(question, start: start, retryReason: "the agent exited during the turn (\(error.message)); "
                                     + "restarted and asked again")
        }
    }

    /// The command line the agent is started with (the profile adds its permission-mode flag).
    public var launchCommand: [String] { profile.launchCommand(spec.command, permissionMode: policy.permissionMode) }

    /// The pane of the session, started if needed.
    public func prepare() async throws -> TmuxPane {
        if try await tmux.hasSession(spec.name) {
            return try await tmux.pane(inSession: spec.name)
        }
        var command = launchCommand
        let hookArguments = policy.hooks ? profile.hookArguments(hookSpool) : nil
        if let hookArguments { command += hookArguments }
        // A SessionStart left by an earlier session of this name must not vouch for this one.
        if hookArguments != nil { try? await tmux.setGlobalOption(hookSpool.optionName(.sessionStart), to: nil) }
        logger.debug("starting the agent", metadata: ["session": "\(spec.name)", "command": "\(launchCommand)",
                                                      "hooks": "\(hookArguments != nil)"])
        let pane = try await tmux.newSession(spec.name, command: command, width: spec.width, height: spec.height,
                                             workingDirectory: spec.workingDirectory,
                                             environment: profile.launchEnvironment.merging(spec.environment) { $1 },
                                             historyLimit: Self.historyLines)
        try? await tmux.setUserOption(Self.modelOption, to: "", of: pane)
        if hookArguments != nil { try? await tmux.setUserOption(Self.hooksOption, to: "1", of: pane) }
        return pane
    }

    // MARK: One attempt

    private func askOnce(_ question: String, start: ContinuousClock.Instant, retryReason: String?) async throws -> AgentAnswer {
        let pane: TmuxPane
        do { pane = try await prepare() } catch let error as RemoteError { throw await crashedOr(error) }
        return try await tmux.withPaneLock(pane, timeout: policy.answerTimeout) {
            do {
                var permissions: [String] = []
                let hooked = try await hooksActive(pane)
                // After a turn whose end the hooks reported, an idle screen is the end's last frame:
                // no settle needed to trust it.
                let ended = hooked ? try await lastTurnEnded() : false
                try await waitUntilReady(pane, permissions: &permissions, settle: !ended)
                try await emptyComposer(pane)
                logger.debug("input box ready", metadata: ["session": "\(spec.name)"])
                if let model = spec.model { try await ensureModel(model, pane: pane, permissions: &permissions) }
                if policy.clearBeforeQuestion { try await clear(pane, permissions: &permissions) }
                let costBefore = policy.readCost ? try await readCost(pane, permissions: &permissions) : nil
                let first = profile.submission(for: question)
                // The transcript is read through the host's shell after the turn: start it meanwhile.
                async let shellReady: Void = hooked ? tmux.hostShell.warm() : ()
                var accepted: HookEvent?
                var state = try await submitAndWait(first, pane: pane, hooked: hooked, accepted: &accepted, permissions: &permissions)
                await shellReady
                var prompts: [HookEvent] = []
                if hooked, let accepted { prompts.append(accepted) }
                if (state.answer ?? "").isEmpty && permissions.contains(where: { $0.hasPrefix("deny") }) {
                    // Denying a tool interrupts the turn; ask the agent to go on without it,
                    // as a person at the keyboard would.
                    try await emptyComposer(pane)
                    var again: HookEvent?
                    state = try await submitAndWait(profile.submission(for: profile.continueWithoutToolsPrompt), pane: pane,
                                                    hooked: hooked, accepted: &again, permissions: &permissions)
                    if hooked, let again { prompts.append(again) }
                }
                // The usage is read after the answer is returned (``measureUsage(_:)``), unless
                // the answer itself must come from the transcript: a Stop event without it (an
                // older CLI).
                var turns: [TranscriptTurn]?
                if state.source == .hook, (state.answer ?? "").isEmpty, !prompts.isEmpty {
                    let read = await transcriptTurns(of: prompts, pane: pane)
                    turns = read
                    if let text = read.last?.finalText, !text.isEmpty {
                        state.answer = text
                        state.source = .transcript
                    }
                }
                if (state.answer ?? "").isEmpty && !state.interrupted {
                    throw AgentError(code: .emptyAnswer, message: "the turn ended (\(state.detail ?? "idle")) with no answer text",
                                     session: spec.name)
                }
                var answer = AgentAnswer(text: state.answer ?? "", session: spec.name, model: spec.model, permissions: permissions,
                                         retried: retryReason != nil, elapsedMs: Self.ms(ContinuousClock.now - start))
                answer.retryReason = retryReason
                answer.delivery = first.form
                answer.permissionMode = policy.permissionMode
                answer.answerSource = state.source
                if let prompt = accepted?.prompt {
                    answer.acceptedPrompt = prompt
                    answer.deliveryVerified = Self.accepted(prompt, matches: first)
                    if answer.deliveryVerified == false {
                        logger.warning("the agent accepted a prompt that differs from the question sent",
                                       metadata: ["session": "\(spec.name)", "sent": "\(first.text.prefix(200))",
                                                  "accepted": "\(prompt.prefix(200))"])
                    }
                }
                if let costBefore, let costAfter = try await readCost(pane, permissions: &permissions) {
                    answer.costDeltaUsd = max(0, costAfter - costBefore)
                }
                if let turns {
                    answer.requests = turns.flatMap(\.requests)
                    answer.agentVersion = turns.compactMap(\.agentVersion).last
                    if let version = answer.agentVersion { await learnPrices(pane, version: version) }
                } else if !prompts.isEmpty {
                    answer.pendingUsage = PendingUsage(pane: pane, prompts: prompts)
                }
                try await restore(pane)
                return answer
            } catch let error as RemoteError {
                throw await crashedOr(error)
            }
        }
    }

    /// Pastes `submission`, presses Enter, waits for the turn to end and reads the answer.
    /// Cancelling (Ctrl-C of escalator) interrupts the agent's turn as a person would.
    private func submitAndWait(_ submission: Submission, pane: TmuxPane, hooked: Bool, accepted: inout HookEvent?,
                               permissions: inout [String]) async throws -> ScreenState {
        var submission = submission
        submission.echoIndex = profile.parse(try await scrollback(pane)).echoCount
        var hooks: HookTurn?
        if hooked {
            try await HookTurn.clear(hookSpool, tmux: tmux)
            hooks = HookTurn(spool: hookSpool, watcher: await tmux.signalWatcher(channel: hookSpool.channel, session: spec.name),
                             submission: submission, sessionReports: try await HookTurn.sessionReports(hookSpool, tmux: tmux))
        }
        try await submit(submission, in: pane)
        let tmux = self.tmux
        let interrupt = profile.cancelSteps
        return try await withTaskCancellationHandler {
            defer { accepted = hooks?.accepted }
            return try await waitForTurnEnd(pane, submission: submission, hooks: &hooks, permissions: &permissions)
        } onCancel: {
            Task.detached {
                for case .key(let key) in interrupt { if let k = TmuxKey(name: key.tmuxName) { try? await tmux.press(k, in: pane) } }
            }
        }
    }

    /// After the answer: no dialog left open and an empty input box, so the next question
    /// starts from the state escalator expects.
    func restore(_ pane: TmuxPane) async throws {
        let capture = try await tmux.capture(pane)
        let state = profile.parse(capture)
        if state.isBlocking && state.kind != .permission {
            try await perform(profile.cancelSteps, in: pane)
            try await emptyComposer(pane)
        } else {
            try await emptyComposer(pane, showing: capture)
        }
    }

    /// A tmux failure means the agent exited only if its session is gone; otherwise (a dropped
    /// connection that has reconnected) the original error stands and nothing is retyped.
    private func crashedOr(_ error: RemoteError) async -> any Error {
        if (try? await tmux.hasSession(spec.name)) == false {
            return AgentError(code: .crashed, message: "\(error)", session: spec.name)
        }
        return error
    }

    /// Called when reading the screen failed mid-turn. If the session still exists (the transport
    /// reconnected), reading goes on: the question was already typed and is never typed again.
    /// If it is gone, the agent crashed. After three failures in one turn the error stands.
    func recover(from error: any Error, failures: inout Int) async throws {
        failures += 1
        logger.debug("reading the screen failed; checking the session", metadata: ["error": "\(error)", "failures": "\(failures)"])
        guard failures <= 3, error is RemoteError else { throw error }
        let exists: Bool
        do { exists = try await tmux.hasSession(spec.name) } catch { throw error }
        if !exists { throw AgentError(code: .crashed, message: "\(error)", session: spec.name) }
    }

    func capture(_ pane: TmuxPane, failures: inout Int) async throws -> String {
        while true {
            do { return try await tmux.capture(pane) } catch { try await recover(from: error, failures: &failures) }
        }
    }

    /// The pane's whole scrollback and screen (`capture-pane -S -N`).
    func scrollback(_ pane: TmuxPane) async throws -> String {
        try await tmux.capture(pane, fromLine: -Self.historyLines)
    }

    // MARK: Waiting on the screen

    /// Waits for the input box (idle), answering the trust dialog and permission prompts; with
    /// `settle`, an idle screen must stay still for the profile's settle time first.
    func waitUntilReady(_ pane: TmuxPane, permissions: inout [String], settle: Bool = true) async throws {
        // An agent whose last turn already settled shows its idle composer: no need to settle again.
        // An API error row left by the previous turn does not block the composer: the agent takes
        // the next prompt (that is how a retry after an error works).
        if profile.detectsReadiness, [.idle, .error].contains(profile.parse(try await tmux.capture(pane)).kind) { return }
        let readinessVisible = profile.detectsReadiness
        _ = try await waitForState("ready input box", in: pane, submission: nil, timeout: policy.startTimeout, settle: settle,
                                   permissions: &permissions) { state, _ in
            state.kind == .idle || state.kind == .error || (!readinessVisible && state.kind == .unknown)
        }
    }

    /// Waits until the turn for `submission` ends: read on the whole scrollback, our echo has
    /// its answer (or the interruption notice) after it and the screen stays still for the
    /// profile's settle time.
    func waitForTurnEnd(_ pane: TmuxPane, submission: Submission, hooks: inout HookTurn?,
                        permissions: inout [String]) async throws -> ScreenState {
        do {
            return try await waitForState("end of turn", in: pane, submission: submission, timeout: policy.answerTimeout,
                                          hooks: &hooks, permissions: &permissions) { _, anchored in
                guard let anchored, anchored.promptEchoed != false else { return false }
                // A completion row after our echo ends the turn even with no answer text (a model
                // can stop at once): waiting on would only run into the answer timeout.
                return anchored.kind == .idle && (anchored.answer != nil || anchored.interrupted
                                                  || anchored.turnCompleted)
            }
        } catch let error as AgentError where [.timeout, .rateLimited, .apiUnavailable].contains(error.code) {
            // Giving up on a turn stops it, so the agent does not go on working (and spending).
            try? await interruptTurn(pane)
            throw error
        }
    }

    /// Interrupts the running turn (Escape) and empties the input box the agent puts the
    /// question back into.
    func interruptTurn(_ pane: TmuxPane) async throws {
        logger.debug("interrupting the agent's turn", metadata: ["session": "\(spec.name)"])
        try await perform(profile.cancelSteps, in: pane)
        _ = try await waitIfAny("end of the interrupted turn", in: pane, timeout: .seconds(5)) { capture in
            profile.parse(capture).kind != .busy ? .done(capture) : .wait()
        }
        try await emptyComposer(pane)
    }

    /// Waits on the screen (through ``waitFor(_:in:timeout:from:quiet:look:)``): answers blocking prompts
    /// by policy, stops watching API retries once the pattern is clear, presses Enter once more if
    /// it did not take, and returns once `done` holds (given the visible state, and — with a
    /// submission, when the visible screen looks finished — the state read from the whole
    /// scrollback anchored on our echo) and the screen has been still for the settle time. With
    /// hooks, the turn's Stop event ends the wait at once (the exact answer).
    private func waitForState(_ what: String, in pane: TmuxPane, submission: Submission?, timeout: Duration, settle: Bool = true,
                              permissions: inout [String], done: (ScreenState, ScreenState?) -> Bool) async throws -> ScreenState {
        var hooks: HookTurn?
        return try await waitForState(what, in: pane, submission: submission, timeout: timeout, settle: settle, hooks: &hooks,
                                      permissions: &permissions, done: done)
    }

    private func waitForState(_ what: String, in pane: TmuxPane, submission: Submission?, timeout: Duration, settle: Bool = true,
                              hooks: inout HookTurn?, permissions: inout [String],
                              done: (ScreenState, ScreenState?) -> Bool) async throws -> ScreenState {
        var resubmitted = false
        let submittedAt = ContinuousClock.now
        var dismissed = 0
        var screenDoneAt: ContinuousClock.Instant?
        // Without a settle (the hooks reported the turn's end), any frame may show the idle box:
        // captured without waiting for the pane's output to pause.
        return try await waitFor(what, in: pane, timeout: timeout, quiet: settle ? Tmux.outputQuiet : .zero) {
            capture -> ScreenLook<ScreenState> in
            if var turn = hooks {
                let outcome = try await turn.poll(tmux)
                hooks = turn
                switch outcome {
                case .stopped(let event)?:
                    logger.debug("turn ended (Stop hook)", metadata: ["session": "\(spec.name)", "prompt_id": "\(event.promptID ?? "")"])
                    var state = ScreenState(kind: .idle, answer: event.lastAssistantMessage ?? "", detail: "Stop hook", promptEchoed: true)
                    state.turnCompleted = true
                    state.source = .hook
                    return .done(state)
                case .failed(let event)?:
                    throw Self.hookFailure(event, session: spec.name)
                case nil:
                    break
                }
            }
            let state = profile.parse(capture)
            var anchored: ScreenState?
            // A spinner redraws often; a blocked-but-static screen is still re-read each second.
            var recheck = Duration.seconds(1)
            switch state.kind {
            case .limit:
                throw await usageLimitError(state)
            case .permission:
                try await answerPermission(state, pane: pane, permissions: &permissions)
                try await untilClosed(.permission, pane: pane, since: capture)
                return .wait(recheck: .zero)
            case .dialog:
                try await answerDialog(state, pane: pane, dismissed: &dismissed)
                try await untilClosed(.dialog, pane: pane, since: capture)
                return .wait(recheck: .zero)
            case .busy:
                // Claude Code 2.1.332 shows a bare "API error" on its first two retry rows and the
                // status (429, 529, …) from the third: wait for a row that names the cause, but
                // give up two attempts later if none does.
                if submission != nil, let retry = profile.retryStatus(capture),
                   (retry.attempt ?? 0) >= policy.apiRetriesToWatch + (retry.cause == .other ? 2 : 0) {
                    throw AgentError(code: retry.cause == .rateLimited ? .rateLimited : .apiUnavailable,
                                     message: "\(retry.text) (stopped waiting after attempt \(retry.attempt ?? 0)"
                                        + (retry.maxAttempts.map { " of \($0)" } ?? "") + ")", session: spec.name)
                }
            case .idle, .error:
                if let submission {
                    let composer = profile.composerText(capture) ?? ""
                    let pending = Self.holds(composer, submission)
                    let sinceSubmit = ContinuousClock.now - submittedAt
                    if pending && !resubmitted && sinceSubmit > Self.enterRetryAfter {
                        // The text is in the input box but Enter did not take: press it once more
                        // (the question itself is never typed again).
                        resubmitted = true
                        logger.debug("prompt not submitted yet; pressing Enter again", metadata: ["session": "\(spec.name)"])
                        try await perform([.key(.enter)], in: pane)
                    } else if pending && !resubmitted {
                        recheck = Self.enterRetryAfter - sinceSubmit
                    } else if !pending {
                        let whole = try await scrollback(pane)
                        var read = profile.parse(whole, after: submission)
                        if read.promptEchoed == false {
                            // The echo count moved (the CLI redrew its transcript, e.g. after /clear
                            // or /model): find our echo by its text instead of its position.
                            var byText = submission
                            byText.echoIndex = nil
                            read = profile.parse(whole, after: byText)
                        }
                        if read.promptEchoed != false && read.kind == .error {
                            // With the hooks on, the StopFailure event names the error as the CLI
                            // classified it: wait the grace for it before taking the screen's row.
                            guard hooks?.expectsStop == true,
                                  ContinuousClock.now - (screenDoneAt ?? ContinuousClock.now) < Self.hookGrace else {
                                throw Self.apiError(read, session: spec.name)
                            }
                            if screenDoneAt == nil { screenDoneAt = ContinuousClock.now }
                        } else {
                            anchored = read
                        }
                    }
                }
            case .unknown where submission != nil && !profile.detectsReadiness:
                // An agent whose only signal is the marker it was asked for: read on the whole
                // scrollback with the submission (the visible screen alone says nothing).
                anchored = profile.parse(try await scrollback(pane), after: submission)
            default:
                break
            }
            if done(state, anchored), let turn = hooks, turn.expectsStop, !(anchored ?? state).interrupted {
                // The hooks run for this turn: their Stop event (the exact answer) is due; the
                // screen's reading is taken only if it does not come within the grace.
                let since = screenDoneAt ?? ContinuousClock.now
                screenDoneAt = since
                let left = Self.hookGrace - (ContinuousClock.now - since)
                if left > .zero { return .wait(recheck: left, wake: turn.wake) }
                logger.debug("no Stop hook event; the answer is read from the screen", metadata: ["session": "\(spec.name)"])
            }
            if done(state, anchored) {
                // Settle: the screen must stay unchanged before the answer is trusted.
                return settle ? .doneWhenStill(anchored ?? state, quiet: profile.settleTime) : .done(anchored ?? state)
            }
            return .wait(recheck: recheck, wake: hooks?.wake)
        }
    }

    /// The typed error for an `● API Error: …` row that ended our turn.
    static func apiError(_ state: ScreenState, session: String) -> AgentError {
        let message = state.detail ?? "the agent reported an API error"
        let lower = message.lowercased()
        if lower.contains("429") || lower.contains("rate limit") {
            return AgentError(code: .rateLimited, message: message, session: session)
        }
        if lower.contains("529") || lower.contains("overloaded") || lower.contains("connection") || lower.contains("econnrefused") {
            return AgentError(code: .apiUnavailable, message: message, session: session)
        }
        return AgentError(code: .apiError, message: message, session: session)
    }

    /// Whether the input box still holds `submission` (Enter did not take): its placeholder
    /// (`[Pasted text #1 +3 lines]`) or the start of its text.
    static func holds(_ composer: String, _ submission: Submission) -> Bool {
        guard !composer.isEmpty else { return false }
        if submission.form != .plain { return composer.contains("[Pasted text") }
        let shown = composer.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let sent = submission.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return !shown.isEmpty && (sent.hasPrefix(String(shown.prefix(24))) || shown.hasPrefix(String(sent.prefix(24))))
    }

    /// Empties the agent's input box (after Ctrl-C or an interrupted turn the agent may have put
    /// the last question back into it), so nothing is ever appended to old text. Text that the
    /// delete keys do not change is the box's own dim hint ("Resend your message to try again"),
    /// not input.
    /// - Parameter showing: The pane's capture when the caller has just taken one.
    func emptyComposer(_ pane: TmuxPane, showing current: String? = nil) async throws {
        var capture: String
        if let current { capture = current } else { capture = try await tmux.capture(pane) }
        for _ in 0..<12 {
            guard let text = profile.composerText(capture), !text.isEmpty else { return }
            logger.debug("emptying the input box", metadata: ["session": "\(spec.name)", "chars": "\(text.count)"])
            try await perform(profile.clearComposerSteps, in: pane)
            if let changed = try await waitForChange("the input box to change", in: pane, since: capture, timeout: .milliseconds(300)) {
                capture = changed
            } else {
                capture = try await tmux.capture(pane)
            }
            if profile.composerText(capture) == text { return }
        }
        throw AgentError(code: .unknownScreen, message: "the agent's input box could not be emptied", session: spec.name)
    }

    /// After answering a menu, waits until the screen no longer shows it, so the same menu is
    /// never answered twice from a capture taken before the keys took effect.
    private func untilClosed(_ kind: ScreenState.Kind, pane: TmuxPane, since before: String) async throws {
        _ = try await waitIfAny("the \(kind) to close", in: pane, timeout: .seconds(5), from: before) { capture in
            capture != before && profile.parse(capture).kind != kind ? .done(()) : .wait()
        }
    }

    private func answerPermission(_ state: ScreenState, pane: TmuxPane, permissions: inout [String]) async throws {
        let what = state.detail ?? state.menu?.question ?? "a tool"
        guard let menu = state.menu else { return }
        switch policy.permission {
        case .stop:
            permissions.append("stopped: \(what)")
            logger.info("permission prompt left for a person (policy stop)", metadata: ["prompt": "\(what)"])
            throw AgentError(code: .permissionStopped, message: what, session: spec.name)
        case .approve, .deny:
            let wanted = policy.permission == .approve ? "yes" : "no"
            // "Yes" is the one-call approval, never "Yes, and don't ask again" or "switch to auto mode".
            let index = menu.options.firstIndex { $0.label.lowercased() == wanted || $0.label.lowercased() == wanted + "," }
                ?? menu.options.firstIndex { $0.label.lowercased().hasPrefix(wanted) }
            logger.info("permission prompt answered", metadata: ["policy": "\(policy.permission)", "prompt": "\(what)"])
            permissions.append("\(policy.permission.rawValue): \(what)")
            if let index {
                try await perform(profile.select(index, in: menu), in: pane)
            } else {
                try await perform(profile.cancelSteps, in: pane)
            }
        }
    }

    /// The trust dialog by `policy.trust`; the model-switch confirmation is accepted (the driver
    /// asked for the switch); any other dialog (help, effort) is closed once with Escape.
    private func answerDialog(_ state: ScreenState, pane: TmuxPane, dismissed: inout Int) async throws {
        let text = ([state.detail, state.menu?.title, state.menu?.question].compactMap { $0 } + (state.menu?.text ?? [])).joined(separator: " ")
        switch state.dialogKind {
        case .trust:
            guard let menu = state.menu else { break }
            switch policy.trust {
            case .accept:
                guard let index = menu.options.firstIndex(where: { $0.label.lowercased().hasPrefix("yes") }) else { break }
                logger.info("folder-trust dialog accepted by policy", metadata: ["option": "\(menu.options[index].label)"])
                try await perform(profile.select(index, in: menu), in: pane)
                return
            case .decline:
                if let index = menu.options.firstIndex(where: { $0.label.lowercased().hasPrefix("no") }) {
                    logger.info("folder-trust dialog declined by policy", metadata: ["option": "\(menu.options[index].label)"])
                    try await perform(profile.select(index, in: menu), in: pane)
                }
                throw AgentError(code: .untrusted, message: "Claude Code didn't start because this folder isn't trusted "
                                 + "(remote.trust = \"decline\"; set it to \"accept\", or trust the folder by hand)", session: spec.name)
            case .stop:
                throw AgentError(code: .dialogStopped, message: "Claude Code is waiting for a person to trust this folder "
                                 + "(remote.trust = \"stop\"): answer it in `escalator attach`, or set remote.trust = \"accept\"",
                                 session: spec.name)
            }
        case .switchModel:
            if let menu = state.menu, let index = menu.options.firstIndex(where: { $0.label.lowercased().hasPrefix("yes") }) {
                try await perform(profile.select(index, in: menu), in: pane)
                return
            }
        case .help, .effort, .other, nil:
            if dismissed < 2 {
                dismissed += 1
                logger.info("closing a dialog the driver did not open", metadata: ["dialog": "\(text.prefix(80))"])
                try await perform(profile.cancelSteps, in: pane)
                return
            }
        }
        throw AgentError(code: .dialogStopped, message: text.isEmpty ? "a dialog needs an answer" : text, session: spec.name)
    }

    // MARK: Model and conversation

    /// Puts the session on `alias`: `/model alias`, verified from the screen; if the agent
    /// rejects the direct form, the picker is opened and navigated from its parsed cursor to
    /// the option whose label starts with the alias. Remembered in a tmux option.
    func ensureModel(_ alias: String, pane: TmuxPane, permissions: inout [String]) async throws {
        if (try? await tmux.userOption(Self.modelOption, of: pane)) == alias { return }
        guard let command = profile.modelCommand(alias) else { return }
        let before = try await tmux.capture(pane)
        try await submit(profile.command(command), in: pane)
        var result = try await waitForModelResult(pane, since: before, permissions: &permissions)
        if case .rejected = result ?? .rejected(message: "no answer") {
            result = try await switchWithPicker(alias, pane: pane, permissions: &permissions)
        }
        switch result {
        case .switched(let label) where label.lowercased().contains(alias.lowercased()) || alias == "default":
            logger.debug("model switched", metadata: ["session": "\(spec.name)", "label": "\(label)"])
        case .switched(let label), .kept(let label):
            throw AgentError(code: .modelSwitchFailed, message: "asked for \(alias), the agent is on \(label)", session: spec.name)
        case .rejected(let message):
            throw AgentError(code: .modelSwitchFailed, message: message, session: spec.name)
        case nil:
            throw AgentError(code: .modelSwitchFailed, message: "no confirmation of the switch to \(alias) on screen", session: spec.name)
        }
        try await waitUntilReady(pane, permissions: &permissions)
        try await tmux.setUserOption(Self.modelOption, to: alias, of: pane)
    }

    /// Opens the picker and moves from its parsed cursor to the option for `alias`.
    func switchUsingPicker(_ alias: String, pane: TmuxPane) async throws -> ModelSwitchResult? {
        var permissions: [String] = []
        return try await switchWithPicker(alias, pane: pane, permissions: &permissions)
    }

    private func switchWithPicker(_ alias: String, pane: TmuxPane, permissions: inout [String]) async throws -> ModelSwitchResult? {
        guard let open = profile.modelCommand(nil) else { return nil }
        let before = try await tmux.capture(pane)
        try await submit(profile.command(open), in: pane)
        let opened = try await waitIfAny("the model picker", in: pane, timeout: .seconds(15)) { capture in
            profile.parse(capture).picker != nil ? .done(capture) : .wait()
        }
        guard let opened, let picker = profile.parse(opened).picker else { return nil }
        try? recordPrices(of: picker, version: await knownVersion(pane))
        guard let index = picker.index(ofLabel: alias)
                ?? picker.options.firstIndex(where: { $0.label.lowercased().contains(alias.lowercased()) }) else {
            try await perform(profile.cancelSteps, in: pane)
            return .rejected(message: "the model picker has no option for \(alias): \(picker.options.map(\.label).joined(separator: ", "))")
        }
        try await perform(profile.select(index, in: picker), in: pane)
        _ = before
        return try await waitForModelResult(pane, since: opened, permissions: &permissions)
    }

    private func waitForModelResult(_ pane: TmuxPane, since before: String, permissions: inout [String]) async throws -> ModelSwitchResult? {
        var dismissed = 0
        let result = try await waitIfAny("the model switch's result", in: pane, timeout: .seconds(15), from: before) {
            capture -> ScreenLook<ModelSwitchResult> in
            guard capture != before else { return .wait() }
            let state = profile.parse(capture)
            if state.kind == .dialog, state.dialogKind == .switchModel {
                try await answerDialog(state, pane: pane, dismissed: &dismissed)
                return .wait()
            }
            return profile.modelSwitchResult(newPart(of: capture, since: before)).map { .done($0) } ?? .wait()
        }
        if let result { return result }
        return profile.modelSwitchResult(newPart(of: try await tmux.capture(pane), since: before))
    }

    /// The lines of `capture` below what `before` already showed (so an old confirmation line
    /// is not mistaken for the new one).
    private func newPart(of capture: String, since before: String) -> String {
        let old = Set(before.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty })
        let lines = capture.split(separator: "\n", omittingEmptySubsequences: false)
        // Keep from the first line with text that was not on the old screen (blank lines say nothing:
        // taken as new, they would bring back an old report below them).
        guard let first = lines.firstIndex(where: {
            let text = $0.trimmingCharacters(in: .whitespaces)
            return !text.isEmpty && !old.contains(text)
        }) else { return "" }
        return lines[first...].joined(separator: "\n")
    }

    /// Runs the profile's cost command and reads the total it prints (nil if the agent has none).
    func readCost(_ pane: TmuxPane, permissions: inout [String]) async throws -> Double? {
        guard let command = profile.costCommand else { return nil }
        let before = try await tmux.capture(pane)
        try await submit(profile.command(command), in: pane)
        let total = try await waitIfAny("the cost report", in: pane, timeout: .seconds(15), from: before) {
            capture -> ScreenLook<Double> in
            guard capture != before else { return .wait() }
            return profile.totalCost(newPart(of: capture, since: before)).map { .done($0) } ?? .wait()
        }
        guard let total else {
            logger.debug("no cost report on screen", metadata: ["session": "\(spec.name)"])
            return nil
        }
        try await waitUntilReady(pane, permissions: &permissions)
        return total
    }

    /// The profile's clear command (`/clear`), then wait until the composer is back; nothing for
    /// an agent without one.
    func clear(_ pane: TmuxPane, permissions: inout [String]) async throws {
        guard let command = profile.clearCommand else { return }
        let before = try await tmux.capture(pane)
        try await submit(profile.command(command), in: pane)
        _ = try await waitForChange("the screen to change after \(command)", in: pane, since: before, timeout: .seconds(5))
        try await waitUntilReady(pane, permissions: &permissions)
    }

    // MARK: Input

    /// Performs input steps through the `Tmux` API: pastes are byte-exact bracketed pastes,
    /// keys are named keys, never text.
    func perform(_ steps: [InputStep], in pane: TmuxPane) async throws {
        try await perform(steps, in: pane, showing: nil)
    }

    /// Performs `submission`'s steps; its `untilShown` step waits until the input box holds it.
    func submit(_ submission: Submission, in pane: TmuxPane) async throws {
        try await perform(submission.steps, in: pane, showing: submission)
    }

    private func perform(_ steps: [InputStep], in pane: TmuxPane, showing submission: Submission?) async throws {
        for step in steps {
            switch step {
            case .type(let text):
                try await tmux.type(text, into: pane)
            case .paste(let text):
                try await tmux.paste(text, into: pane)
            case .key(let key):
                guard let tmuxKey = TmuxKey(name: key.tmuxName) else { continue }
                try await tmux.press(tmuxKey, in: pane)
            case .pause(let duration):
                try await Task.sleep(for: duration)
            case .untilShown(let limit):
                // At the limit the next step goes ahead anyway, as after a pause of that length.
                _ = try await waitIfAny("the input box to show the text", in: pane, timeout: limit, quiet: .zero) { capture in
                    let composer = profile.composerText(capture) ?? ""
                    let shown = submission.map { Self.holds(composer, $0) } ?? !composer.isEmpty
                    return shown ? .done(()) : .wait()
                }
            }
        }
    }

    static func ms(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) * 1000 + Double(atto) / 1e15
    }
}
