import Foundation
import Logging
import Synchronization

/// Counts the signals sent on one tmux `wait-for` channel (`tmux wait-for -S CHANNEL`, e.g. from
/// an agent's hook), so a waiter wakes on an event instead of polling.
///
/// One control-mode client that receives no pane output keeps a `wait-for CHANNEL` pending at
/// all times: tmux answers a control client's `wait-for` at once but stops that client's queue
/// until the channel is signalled, so the reply to the command queued after it marks the signal.
/// A signal sent while no wait is pending is remembered by tmux and ends the next wait at once.
public final class TmuxSignalWatcher: Sendable {
    /// The `wait-for` channel.
    public let channel: String
    private struct State {
        var count: UInt64 = 0
        var closed = false
        var failed = false
    }
    private let state = Mutex(State())
    private let client: TmuxControlClient
    private let loop = Mutex<Task<Void, Never>?>(nil)

    init(channel: String, client: TmuxControlClient, logger: Logger) {
        self.channel = channel
        self.client = client
        let lines = [["wait-for", channel], ["display-message", "-p", "signalled"]].compactMap(TmuxCommandLine.encode).joined()
        let line = Array(lines)
        let task = Task.detached { [self] in
            while !state.withLock({ $0.closed }) {
                do {
                    let reply = try await client.execute(line, timeout: .seconds(24 * 3600), replies: 2, patient: true)
                    guard reply.succeeded else { throw TmuxControlClient.Failure(sent: true, reason: reply.stderrText) }
                    state.withLock { $0.count &+= 1 }
                } catch {
                    let closed = state.withLock { state -> Bool in
                        if !state.closed { state.failed = true }
                        return state.closed
                    }
                    if !closed { logger.debug("signal watcher ended", metadata: ["channel": "\(channel)", "error": "\(error)"]) }
                    await client.shutDown()
                    return
                }
            }
        }
        loop.withLock { $0 = task }
    }

    /// Signals seen so far.
    public var count: UInt64 { state.withLock { $0.count } }

    /// False once the watcher's client has ended (waiters then rely on their own polling).
    public var isLive: Bool { state.withLock { !$0.failed && !$0.closed } && !client.isDead }

    /// Ends the watcher and its client.
    public func close() async {
        state.withLock { $0.closed = true }
        await client.shutDown()
        loop.withLock { $0?.cancel() }
    }
}

/// The signal watchers of one ``Tmux`` (and its copies), one per channel, started on first use.
final class TmuxSignalPool: Sendable {
    private let watchers = Mutex<[String: TmuxSignalWatcher]>([:])

    init() {}

    /// The live watcher of `channel`, or one made by `start` (nil when control mode is unavailable).
    func watcher(for channel: String, start: @Sendable () async -> TmuxSignalWatcher?) async -> TmuxSignalWatcher? {
        if let live = watchers.withLock({ $0[channel] }), live.isLive { return live }
        guard let started = await start() else { return nil }
        let (kept, extra) = watchers.withLock { all -> (TmuxSignalWatcher, TmuxSignalWatcher?) in
            if let other = all[channel], other.isLive { return (other, started) }
            all[channel] = started
            return (started, nil)
        }
        if let extra { await extra.close() }
        return kept
    }

    /// Ends the watchers whose channel starts with `prefix` (all with an empty prefix).
    func close(prefix: String = "") async {
        let ended = watchers.withLock { all -> [TmuxSignalWatcher] in
            let names = all.keys.filter { $0.hasPrefix(prefix) }
            return names.compactMap { all.removeValue(forKey: $0) }
        }
        for watcher in ended { await watcher.close() }
    }
}
