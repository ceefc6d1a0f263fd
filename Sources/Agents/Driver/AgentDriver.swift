import Foundation
import Logging
import Remote

/// Drives one terminal agent in one tmux session the way a person would: starts it if needed,
/// answers its start-up dialog, switches its model, types a question, waits for the turn to
/// end and reads the answer off the screen. Agent specifics come from an `AgentProfile`; the
/// screen is read by the profile's pure parser. A tmux lock per pane keeps two escalator
/// processes from typing into the same agent at once.
public struct AgentDriver: Sendable {
    public let tmux: Tmux
    public let profile: any AgentProfile
    public let spec: AgentSessionSpec
    public let policy: AgentPolicy
    private let logger: Logger

    /// The tmux user option recording which model alias a session is on, so no switch is
    /// needed per question (shared by every escalator process using the session).
    static let modelOption = "@escalator-model"

    public init(tmux: Tmux, profile: any AgentProfile, spec: AgentSessionSpec, policy: AgentPolicy,
                logger: Logger = Logger(label: "escalator.agent")) {
        self.tmux = tmux
        self.profile = profile
        self.spec = spec
        self.policy = policy
        self.logger = logger
    }

    /// Asks `question` and returns the answer. If the agent has crashed, its session is
    /// restarted and the question asked once more; a question is never typed twice into a
    /// live agent.
    public func ask(_ question: String) async throws -> AgentAnswer {
        let start = ContinuousClock.now
        do {
            return try await askOnce(question, start: start, retried: false)
        } catch let error as AgentError where error.code == .crashed {
            logger.debug("agent crashed; restarting the session and asking again", metadata: ["session": "\(spec.name)"])
            _ = try? await tmux.killSession(spec.name)
            return try await askOnce(question, start: start, retried: true)
        }
    }

    /// The pane of the session, started (agent running, dialogs answered, model set) if needed.
    public func prepare() async throws -> TmuxPane {
        let pane: TmuxPane
        if try await tmux.hasSession(spec.name) {
            pane = try await tmux.pane(inSession: spec.name)
        } else {
            logger.debug("starting the agent", metadata: ["session": "\(spec.name)", "command": "\(spec.command)"])
            pane = try await tmux.newSession(spec.name, command: spec.command, width: spec.width, height: spec.height,
                                             workingDirectory: spec.workingDirectory, environment: spec.environment)
            _ = try? await tmux.run(["set-option", "-t", pane.target, Self.modelOption, ""])
        }
        return pane
    }

    // MARK: One attempt

    private func askOnce(_ question: String, start: ContinuousClock.Instant, retried: Bool) async throws -> AgentAnswer {
        let pane: TmuxPane
        do { pane = try await prepare() } catch let error as RemoteError { throw await crashedOr(error) }
        return try await tmux.withPaneLock(pane, timeout: policy.answerTimeout) {
            do {
                var permissions: [String] = []
                try await waitUntilReady(pane, permissions: &permissions)
                if let model = spec.model { try await ensureModel(model, pane: pane, permissions: &permissions) }
                if policy.clearBeforeQuestion { try await clear(pane, permissions: &permissions) }
                let costBefore = policy.readCost ? try await readCost(pane, permissions: &permissions) : nil
                var submission = profile.submission(for: question)
                try await perform(submission.steps, in: pane)
                // Cancelling (Ctrl-C of escalator) interrupts the agent's turn with Escape, as a person would.
                let tmux = self.tmux
                var state = try await withTaskCancellationHandler {
                    try await waitForTurnEnd(pane, submission: submission, permissions: &permissions)
                } onCancel: {
                    Task.detached { try? await tmux.press(.escape, in: pane) }
                }
                if (state.answer ?? "").isEmpty && permissions.contains(where: { $0.hasPrefix("deny") }) {
                    // Denying a tool interrupts the turn; ask the agent to go on without it,
                    // as a person at the keyboard would.
                    submission = profile.submission(for: Self.continueWithoutTools)
                    try await perform(submission.steps, in: pane)
                    state = try await waitForTurnEnd(pane, submission: submission, permissions: &permissions)
                }
                var answer = AgentAnswer(text: state.answer ?? "", session: spec.name, model: spec.model, permissions: permissions,
                                         retried: retried, elapsedMs: Self.ms(ContinuousClock.now - start))
                if let costBefore, let costAfter = try await readCost(pane, permissions: &permissions) {
                    answer.costDeltaUsd = max(0, costAfter - costBefore)
                }
                return answer
            } catch let error as RemoteError {
                throw await crashedOr(error)
            }
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
    private func recover(from error: any Error, failures: inout Int) async throws {
        failures += 1
        logger.debug("reading the screen failed; checking the session", metadata: ["error": "\(error)", "failures": "\(failures)"])
        guard failures <= 3, error is RemoteError else { throw error }
        let exists: Bool
        do { exists = try await tmux.hasSession(spec.name) } catch { throw error }
        if !exists { throw AgentError(code: .crashed, message: "\(error)", session: spec.name) }
    }

    private func capture(_ pane: TmuxPane, failures: inout Int) async throws -> String {
        while true {
            do { return try await tmux.capture(pane) } catch { try await recover(from: error, failures: &failures) }
        }
    }

    // MARK: Waiting on the screen

    /// Waits for the composer (idle), answering the trust dialog and permission prompts.
    func waitUntilReady(_ pane: TmuxPane, permissions: inout [String]) async throws {
        // An agent whose last turn already settled shows its idle composer: no need to settle again.
        // An API error row left by the previous turn does not block the composer: the agent takes
        // the next prompt (that is how a retry after an error works).
        if profile.detectsReadiness, [.idle, .error].contains(profile.parse(try await tmux.capture(pane)).kind) { return }
        let readinessVisible = profile.detectsReadiness
        _ = try await waitFor(pane, submission: nil, timeout: policy.startTimeout, permissions: &permissions) { state in
            state.kind == .idle || state.kind == .error || (!readinessVisible && state.kind == .unknown)
        }
    }

    /// Waits until the turn for `submission` ends: the answer is on screen, the screen is idle,
    /// and it stays unchanged for the profile's settle time.
    func waitForTurnEnd(_ pane: TmuxPane, submission: Submission, permissions: inout [String]) async throws -> ScreenState {
        // An unsubmitted prompt (Enter not taken) is handled by `waitFor`, which presses Enter again once.
        try await waitFor(pane, submission: submission, timeout: policy.answerTimeout, permissions: &permissions) { state in
            if state.kind == .idle && state.promptEchoed != false && Self.isInterruption(state) { return true }
            return state.kind == .idle && state.answer != nil && state.promptEchoed != false
        }
    }

    /// What the driver types after denying a tool: the turn was interrupted, the question stands.
    static let continueWithoutTools = "Please answer the question above directly, without using that tool."

    /// True when the turn ended because a tool call was refused (Claude Code prints
    /// "Interrupted · What should Claude do instead?").
    static func isInterruption(_ state: ScreenState) -> Bool {
        (state.detail ?? "").lowercased().contains("interrupted")
    }

    /// The core loop: capture, parse, answer blocking prompts by policy, and return the state
    /// once `done` holds and the screen has been still for the settle time.
    private func waitFor(_ pane: TmuxPane, submission: Submission?, timeout: Duration, permissions: inout [String],
                         done: (ScreenState) -> Bool) async throws -> ScreenState {
        let deadline = ContinuousClock.now + timeout
        var failures = 0
        var capture = try await self.capture(pane, failures: &failures)
        var resubmitted = false
        while true {
            let state = profile.parse(capture, after: submission)
            switch state.kind {
            case .limit:
                throw AgentError(code: .usageLimit, message: state.detail ?? "usage limit reached", session: spec.name)
            case .error where submission != nil:
                throw AgentError(code: .apiError, message: state.detail ?? "the agent reported an error", session: spec.name)
            case .permission:
                try await answerPermission(state, pane: pane, permissions: &permissions)
                capture = try await untilClosed(.permission, pane: pane, submission: submission, since: capture)
                continue
            case .dialog:
                try await answerDialog(state, pane: pane)
                capture = try await untilClosed(.dialog, pane: pane, submission: submission, since: capture)
                continue
            case .idle where submission != nil && state.promptEchoed == false && !resubmitted:
                // The text is in the composer but Enter did not take: press it once more.
                resubmitted = true
                logger.debug("prompt not submitted yet; pressing Enter again", metadata: ["session": "\(spec.name)"])
                try await perform([.key(.enter)], in: pane)
            default:
                if done(state) {
                    // Settle: the screen must stay unchanged before the answer is trusted.
                    let changed: String?
                    do { changed = try await tmux.waitForChange(in: pane, since: capture, timeout: profile.settleTime) } catch {
                        try await recover(from: error, failures: &failures)
                        capture = try await self.capture(pane, failures: &failures)
                        continue
                    }
                    guard let changed else { return state }
                    capture = changed
                    continue
                }
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                throw AgentError(code: .timeout, message: "no end of turn within \(timeout); last state \(state.kind)"
                                 + (state.detail.map { " (\($0))" } ?? ""), session: spec.name)
            }
            // A spinner redraws often; cap each wait so blocked-but-static screens are re-read.
            do {
                if let next = try await tmux.waitForChange(in: pane, since: capture, timeout: min(remaining, .seconds(2))) {
                    capture = next
                    continue
                }
            } catch {
                try await recover(from: error, failures: &failures)
            }
            capture = try await self.capture(pane, failures: &failures)
        }
    }

    /// After answering a menu, waits until the screen no longer shows it, so the same menu is
    /// never answered twice from a capture taken before the keys took effect.
    private func untilClosed(_ kind: ScreenState.Kind, pane: TmuxPane, submission: Submission?, since before: String) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(5)
        var capture = before
        while ContinuousClock.now < deadline {
            guard let next = try await tmux.waitForChange(in: pane, since: capture, timeout: deadline - .now) else { break }
            capture = next
            if profile.parse(capture, after: submission).kind != kind { return capture }
        }
        return try await tmux.capture(pane)
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
            let index = menu.options.firstIndex { $0.label.lowercased().hasPrefix(wanted) }
            logger.info("permission prompt answered", metadata: ["policy": "\(policy.permission)", "prompt": "\(what)"])
            permissions.append("\(policy.permission.rawValue): \(what)")
            if let index {
                try await perform(profile.select(index, in: menu), in: pane)
            } else {
                try await perform(profile.cancelSteps, in: pane)
            }
        }
    }

    private func answerDialog(_ state: ScreenState, pane: TmuxPane) async throws {
        let text = ([state.detail, state.menu?.title, state.menu?.question].compactMap { $0 } + (state.menu?.text ?? [])).joined(separator: " ")
        guard let menu = state.menu else {
            throw AgentError(code: .dialogStopped, message: text, session: spec.name)
        }
        let isTrust = text.lowercased().contains("trust") || menu.options.contains { $0.label.lowercased().contains("trust") }
        guard isTrust, policy.trust == .accept,
              let index = menu.options.firstIndex(where: { $0.label.lowercased().hasPrefix("yes") }) else {
            throw AgentError(code: .dialogStopped, message: text.isEmpty ? "a dialog needs an answer" : text, session: spec.name)
        }
        logger.info("trust dialog accepted by policy", metadata: ["option": "\(menu.options[index].label)"])
        try await perform(profile.select(index, in: menu), in: pane)
    }

    // MARK: Model and conversation

    /// Puts the session on `alias`: `/model alias`, verified from the screen; if the agent
    /// rejects the direct form, the picker is opened and navigated from its parsed cursor to
    /// the option whose label starts with the alias. Remembered in a tmux option.
    func ensureModel(_ alias: String, pane: TmuxPane, permissions: inout [String]) async throws {
        let current = try? await tmux.run(["show-options", "-v", "-t", pane.target, Self.modelOption]).stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if current == alias { return }
        guard let command = profile.modelCommand(alias) else { return }
        let before = try await tmux.capture(pane)
        try await perform(profile.submission(for: command).steps, in: pane)
        var result = try await waitForModelResult(pane, since: before)
        if case .rejected = result ?? .rejected(message: "no answer") {
            result = try await switchWithPicker(alias, pane: pane)
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
        _ = try await tmux.checked(["set-option", "-t", pane.target, Self.modelOption, alias])
    }

    /// Opens the picker and moves from its parsed cursor to the option for `alias`.
    func switchUsingPicker(_ alias: String, pane: TmuxPane) async throws -> ModelSwitchResult? {
        try await switchWithPicker(alias, pane: pane)
    }

    private func switchWithPicker(_ alias: String, pane: TmuxPane) async throws -> ModelSwitchResult? {
        guard let open = profile.modelCommand(nil) else { return nil }
        let before = try await tmux.capture(pane)
        try await perform(profile.submission(for: open).steps, in: pane)
        let deadline = ContinuousClock.now + .seconds(15)
        var capture = before
        while ContinuousClock.now < deadline {
            capture = try await tmux.waitForChange(in: pane, since: capture, timeout: .seconds(2)) ?? capture
            let state = profile.parse(capture)
            guard let picker = state.picker else { continue }
            guard let index = picker.index(ofLabel: alias) ?? picker.options.firstIndex(where: { $0.label.lowercased().contains(alias.lowercased()) }) else {
                try await perform(profile.cancelSteps, in: pane)
                return .rejected(message: "the model picker has no option for \(alias): \(picker.options.map(\.label).joined(separator: ", "))")
            }
            let picked = try await tmux.capture(pane)
            try await perform(profile.select(index, in: picker), in: pane)
            return try await waitForModelResult(pane, since: picked)
        }
        return nil
    }

    private func waitForModelResult(_ pane: TmuxPane, since before: String) async throws -> ModelSwitchResult? {
        let deadline = ContinuousClock.now + .seconds(15)
        var capture = before
        while ContinuousClock.now < deadline {
            guard let next = try await tmux.waitForChange(in: pane, since: capture, timeout: deadline - .now) else { break }
            capture = next
            if let result = profile.modelSwitchResult(newPart(of: capture, since: before)) { return result }
        }
        return profile.modelSwitchResult(newPart(of: capture, since: before))
    }

    /// The lines of `capture` below what `before` already showed (so an old confirmation line
    /// is not mistaken for the new one).
    private func newPart(of capture: String, since before: String) -> String {
        let old = before.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let lines = capture.split(separator: "\n", omittingEmptySubsequences: false)
        // Keep from the first line that was not on the old screen.
        guard let first = lines.firstIndex(where: { !old.contains($0.trimmingCharacters(in: .whitespaces)) }) else { return "" }
        return lines[first...].joined(separator: "\n")
    }

    /// Runs the profile's cost command and reads the total it prints (nil if the agent has none).
    func readCost(_ pane: TmuxPane, permissions: inout [String]) async throws -> Double? {
        guard let command = profile.costCommand else { return nil }
        let before = try await tmux.capture(pane)
        try await perform(profile.submission(for: command).steps, in: pane)
        let deadline = ContinuousClock.now + .seconds(15)
        var capture = before
        while ContinuousClock.now < deadline {
            guard let next = try await tmux.waitForChange(in: pane, since: capture, timeout: deadline - .now) else { break }
            capture = next
            if let total = profile.totalCost(newPart(of: capture, since: before)) {
                try await waitUntilReady(pane, permissions: &permissions)
                return total
            }
        }
        logger.debug("no cost report on screen", metadata: ["session": "\(spec.name)"])
        return nil
    }

    /// `/clear`, then wait until the composer is back.
    func clear(_ pane: TmuxPane, permissions: inout [String]) async throws {
        let before = try await tmux.capture(pane)
        try await perform(profile.submission(for: "/clear").steps, in: pane)
        _ = try await tmux.waitForChange(in: pane, since: before, timeout: .seconds(5))
        try await waitUntilReady(pane, permissions: &permissions)
    }

    // MARK: Input

    func perform(_ steps: [InputStep], in pane: TmuxPane) async throws {
        for step in steps {
            switch step {
            case .type(let text):
                _ = try await tmux.checked(["send-keys", "-t", pane.target, "-l", "--", text])
            case .paste(let text):
                try await tmux.paste(text, into: pane)
            case .key(let key):
                guard let tmuxKey = TmuxKey(name: key.tmuxName) else { continue }
                try await tmux.press(tmuxKey, in: pane)
            case .pause(let duration):
                try await Task.sleep(for: duration)
            }
        }
    }

    static func ms(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) * 1000 + Double(atto) / 1e15
    }
}
