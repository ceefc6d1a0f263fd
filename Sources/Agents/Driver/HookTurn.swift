import Foundation
import Remote

/// One turn's hook events as the driver follows them: the agent's UserPromptSubmit showing the
/// text sent (the prompt it accepted, and the prompt id), then the Stop or StopFailure of that
/// same prompt id. A UserPromptSubmit of other text is kept aside (a late event of the previous
/// turn, or the CLI's own rewriting of the text: reported as an unverified delivery). Events
/// are read from the tmux options the hooks fill (see ``HookSpool``) whenever the session's
/// signal watcher counts a new signal, or once a second when no watcher runs.
struct HookTurn: Sendable {
    enum Outcome: Sendable {
        case stopped(HookEvent)
        case failed(HookEvent)
    }

    let spool: HookSpool
    let watcher: TmuxSignalWatcher?
    /// The watcher's count when the events were last read.
    private(set) var readAt: UInt64
    private var lastRead = ContinuousClock.now
    /// Our prompt's UserPromptSubmit, once seen.
    private(set) var submitted: HookEvent?
    /// The last UserPromptSubmit whose text is not what was sent.
    private(set) var foreign: HookEvent?
    /// The submission whose events are followed.
    let submission: Submission
    /// True when the session's hooks are known to run (its SessionStart was seen), so every
    /// turn will end with a Stop or StopFailure event.
    let sessionReports: Bool

    init(spool: HookSpool, watcher: TmuxSignalWatcher?, submission: Submission, sessionReports: Bool) {
        self.spool = spool
        self.watcher = watcher
        self.readAt = watcher?.count ?? 0
        self.submission = submission
        self.sessionReports = sessionReports
    }

    /// Whether the session's SessionStart event is on record (its hooks run).
    static func sessionReports(_ spool: HookSpool, tmux: Tmux) async throws -> Bool {
        try await tmux.globalOption(spool.optionName(.sessionStart)) != nil
    }

    /// The accepted prompt to report: ours, else the other text the agent accepted.
    var accepted: HookEvent? { submitted ?? foreign }

    /// Forgets the previous turn's events (a killed escalator's too), so only this turn's can match.
    static func clear(_ spool: HookSpool, tmux: Tmux) async throws {
        for kind in [HookEvent.Kind.userPromptSubmit, .stop, .stopFailure] {
            try await tmux.setGlobalOption(spool.optionName(kind), to: nil)
        }
    }

    /// True when a Stop event is due for this turn (so the screen alone should not end it yet).
    var expectsStop: Bool { submitted != nil || sessionReports }

    /// Wakes a screen wait when the watcher counts a signal not yet read.
    var wake: (@Sendable () -> Bool)? {
        guard let watcher, watcher.isLive else { return nil }
        let seen = readAt
        return { watcher.count > seen }
    }

    /// Reads the events if a signal arrived since the last read (or a second passed without a
    /// live watcher); returns the turn's end when its Stop or StopFailure is there.
    mutating func poll(_ tmux: Tmux) async throws -> Outcome? {
        if let watcher, watcher.isLive {
            guard watcher.count != readAt else { return nil }
            readAt = watcher.count
        } else {
            guard ContinuousClock.now - lastRead >= .seconds(1) else { return nil }
        }
        lastRead = ContinuousClock.now
        if submitted == nil, let event = try await read(.userPromptSubmit, tmux) {
            if AgentDriver.accepted(event.prompt ?? "", matches: submission) { submitted = event } else { foreign = event }
        }
        guard let promptID = submitted?.promptID else { return nil }
        if let stop = try await read(.stop, tmux), stop.promptID == promptID { return .stopped(stop) }
        if let failure = try await read(.stopFailure, tmux), failure.promptID == promptID { return .failed(failure) }
        return nil
    }

    /// The last `kind` event, from its option (or the spool file it names when the JSON was too
    /// long for one argument).
    private func read(_ kind: HookEvent.Kind, _ tmux: Tmux) async throws -> HookEvent? {
        guard var json = try await tmux.globalOption(spool.optionName(kind)) else { return nil }
        if json.hasPrefix("file:") {
            let result = try await tmux.transport.run(["cat", String(json.dropFirst(5))], stdin: nil, timeout: tmux.commandTimeout)
            guard result.succeeded else { return nil }
            json = result.stdoutText
        }
        return HookEvent(json: json)
    }
}
