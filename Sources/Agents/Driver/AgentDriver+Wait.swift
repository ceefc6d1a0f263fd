import Foundation
import Remote

/// What one look at the pane decided, for ``AgentDriver/waitFor(_:in:timeout:from:quiet:look:)``.
enum ScreenLook<Value> {
    /// The wait is over with this value.
    case done(Value)
    /// The wait is over with this value once the pane has stayed unchanged for `quiet` (a screen
    /// that changes within it is looked at again).
    case doneWhenStill(Value, quiet: Duration)
    /// Not yet: look again when the pane is written to, when `wake` says so (e.g. a hook's
    /// signal), or after `recheck` at the latest (for what time alone changes).
    case wait(recheck: Duration? = nil, wake: (@Sendable () -> Bool)? = nil)
}

extension AgentDriver {
    /// The driver's one wait on the screen. Looks at `start` (or a fresh capture), then at each
    /// new capture after the pane is written to, until `look` says done; no fixed sleeps: it
    /// sleeps on the session's tmux output (and the `wake` signal `look` names) with the deadline.
    /// A capture that fails mid-wait is retried while the session still exists (see `recover`).
    /// - Parameter what: What is awaited, as the timeout error names it ("end of turn").
    /// - Parameter quiet: How long the pane must have had no output before each capture
    ///   (`Tmux.outputQuiet`; zero when any frame may satisfy `look`).
    /// - Returns: The value `look` finished with.
    /// - Throws: `AgentError` with code `.timeout` naming `what`, the time waited and the last
    ///   state on screen when `timeout` passes first; whatever `look` throws.
    func waitFor<Value>(_ what: String, in pane: TmuxPane, timeout: Duration, from start: String? = nil,
                        quiet: Duration = Tmux.outputQuiet, look: (String) async throws -> ScreenLook<Value>) async throws -> Value {
        let (value, last) = try await wait(in: pane, timeout: timeout, from: start, quiet: quiet, look: look)
        if let value { return value }
        let state = profile.parse(last)
        logger.debug("wait ended at the deadline", metadata: [
            "session": "\(spec.name)", "awaited": "\(what)",
            "screen": "\(PaneText.lines(last).suffix(20).joined(separator: "\n"))"])
        throw AgentError(code: .timeout, message: "no \(what) within \(timeout); last state \(state.kind)"
                         + (state.detail.map { " (\($0))" } ?? ""), session: spec.name)
    }

    /// The loop of ``waitFor(_:in:timeout:from:quiet:look:)``: the value, or nil at the deadline, and the last capture.
    private func wait<Value>(in pane: TmuxPane, timeout: Duration, from start: String?, quiet: Duration,
                             look: (String) async throws -> ScreenLook<Value>) async throws -> (Value?, String) {
        let deadline = ContinuousClock.now + timeout
        var failures = 0
        var capture: String
        if let start { capture = start } else { capture = try await self.capture(pane, failures: &failures) }
        while true {
            var wait: Duration, wake: (@Sendable () -> Bool)?
            var settled: Value?
            switch try await look(capture) {
            case .done(let value):
                return (value, capture)
            case .doneWhenStill(let value, let quiet):
                settled = value
                wait = quiet
            case .wait(let recheck, let alarm):
                guard ContinuousClock.now < deadline else { return (nil, capture) }
                wait = min(deadline - .now, recheck ?? deadline - .now)
                wake = alarm
            }
            do {
                if let next = try await tmux.waitForChange(in: pane, since: capture, timeout: wait, wake: wake, quiet: quiet) {
                    capture = next
                    continue
                }
                if let settled { return (settled, capture) }
                // Woken (a hook's signal): the screen has not changed, so look again at once at the
                // same capture; what woke the wait is read by `look`.
                if let wake, wake() { continue }
            } catch {
                try await recover(from: error, failures: &failures)
            }
            capture = try await self.capture(pane, failures: &failures)
        }
    }

    /// ``waitFor(_:in:timeout:from:quiet:look:)``, or nil when `timeout` passes first (for the waits
    /// whose caller goes on either way).
    func waitIfAny<Value>(_ what: String, in pane: TmuxPane, timeout: Duration, from start: String? = nil,
                          quiet: Duration = Tmux.outputQuiet, look: (String) async throws -> ScreenLook<Value>) async throws -> Value? {
        let value = try await wait(in: pane, timeout: timeout, from: start, quiet: quiet, look: look).0
        if value == nil { logger.debug("no \(what) within \(timeout); going on", metadata: ["session": "\(spec.name)"]) }
        return value
    }

    /// The first capture that differs from `before` (nil when none comes within `timeout`).
    func waitForChange(_ what: String, in pane: TmuxPane, since before: String, timeout: Duration) async throws -> String? {
        try await waitIfAny(what, in: pane, timeout: timeout, from: before) { capture in
            capture != before ? .done(capture) : .wait()
        }
    }
}
