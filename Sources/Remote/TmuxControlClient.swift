import Foundation
import Logging
import Synchronization

/// Encodes an argument vector as one tmux command line (tmux's own command syntax).
///
/// Every argument outside a small safe set is single-quoted; a `'` inside is written as `'\''`
/// (close the quote, an escaped quote, reopen), which tmux's parser reads back as one `'`. Inside
/// single quotes tmux expands nothing (`$`, `~`, `#`, `;`, `{`, `\` are literal).
public enum TmuxCommandLine {
    /// The command line with its terminating line feed, or nil when the vector cannot be carried
    /// on one control-mode line (empty, or an argument holds a NUL byte). Such commands must take
    /// the exec path.
    public static func encode(_ arguments: [String]) -> [UInt8]? {
        guard !arguments.isEmpty else { return nil }
        var line: [UInt8] = []
        for (index, argument) in arguments.enumerated() {
            if argument.utf8.contains(0x00) { return nil }
            if index > 0 { line.append(0x20) }
            line += quote(argument).utf8
        }
        line.append(0x0A)
        return line
    }

    /// One argument in tmux syntax (no NUL bytes; see ``encode(_:)``): bare when it is plainly
    /// safe, else single-quoted (no expansion of `$`, `~`, `#{}` or escapes inside), with each line
    /// feed written as a double-quoted `"\n"` between the quoted pieces (tmux joins adjacent
    /// quoted pieces into one argument, and the line itself stays one line).
    public static func quote(_ argument: String) -> String {
        if !argument.isEmpty, argument.utf8.allSatisfy(isSafe), argument.utf8.first != UInt8(ascii: "%") {
            return argument
        }
        // Split on the line-feed scalar, not on Characters: "\r\n" is one Character.
        let lines = argument.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.enumerated().map { index, scalars -> String in
            let piece = String(String.UnicodeScalarView(scalars))
            let quoted = piece.isEmpty && lines.count > 1 ? "" : "'" + piece.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
            return index == 0 ? quoted : #""\n""# + quoted
        }.joined()
    }

    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ","),
             UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "@"), UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }
}

/// Parses tmux control-mode output (`tmux -C`) into replies and notifications. Pure; unit-testable.
///
/// A reply is the lines between `%begin TIME NUMBER FLAGS` and the `%end`/`%error` line carrying
/// the same TIME NUMBER FLAGS (so a body line that merely looks like `%end` does not end it).
/// Bytes are kept exactly (lines split on LF only).
public struct TmuxControlParser: Sendable {
    public enum Event: Sendable, Equatable {
        /// A command's reply: `ok` is false for `%error`; `flags` is 1 for commands this client sent.
        case reply(ok: Bool, flags: Int, body: [UInt8])
        /// `%output %PANE …`: the pane was written to.
        case output(pane: String)
        /// `%exit`: the client is about to end.
        case exit
    }

    private var pending: [UInt8] = []
    private var header: [UInt8]?
    private var flags = 0
    private var body: [UInt8] = []
    private var lines = 0

    public init() {}

    private static let begin = Array("%begin ".utf8), end = Array("%end ".utf8), error = Array("%error ".utf8)
    private static let output = Array("%output %".utf8), exitLine = Array("%exit".utf8)

    /// Appends bytes and returns the events completed by them.
    public mutating func feed(_ bytes: [UInt8]) -> [Event] {
        pending += bytes
        var events: [Event] = []
        var start = 0
        var index = pending.firstIndex(of: 0x0A)
        while let newline = index {
            if let event = line(pending[start..<newline]) { events.append(event) }
            start = newline + 1
            index = pending[start...].firstIndex(of: 0x0A)
        }
        if start > 0 { pending.removeFirst(start) }
        return events
    }

    private mutating func line(_ line: ArraySlice<UInt8>) -> Event? {
        if let header {
            for (prefix, ok) in [(Self.end, true), (Self.error, false)]
            where line.count == prefix.count + header.count && line.starts(with: prefix) && line.dropFirst(prefix.count).elementsEqual(header) {
                let event = Event.reply(ok: ok, flags: flags, body: body)
                self.header = nil
                body = []
                lines = 0
                return event
            }
            body += line
            body.append(0x0A)
            lines += 1
            return nil
        }
        if line.starts(with: Self.begin) {
            let rest = Array(line.dropFirst(Self.begin.count))
            header = rest
            flags = Int(String(decoding: rest.split(separator: 0x20).last ?? [], as: UTF8.self)) ?? 0
            body = []
            return nil
        }
        if line.starts(with: Self.output) {
            let rest = line.dropFirst(Self.output.count - 1)
            return .output(pane: String(decoding: rest.prefix { $0 != 0x20 }, as: UTF8.self))
        }
        if line.elementsEqual(Self.exitLine) || line.starts(with: Self.exitLine + [0x20]) { return .exit }
        return nil
    }
}

/// A first-in first-out lock for async code: one holder at a time, waiters resumed in order.
final class AsyncTurn: Sendable {
    private struct State {
        var busy = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if !state.busy { state.busy = true; return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty { state.busy = false; return nil }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}

/// One long-lived `tmux -C attach-session -t =SESSION` client: commands are written to it as
/// lines and answered in order by `%begin … %end` blocks; `%output` lines count pane writes.
///
/// Reading happens only on demand, by whoever holds the turn (a command reading its reply, or
/// a waiter reading in short slices), so an idle client costs nothing and never delays other
/// commands on the same SSH connection.
final class TmuxControlClient: Sendable {
    /// Why the client could not serve a command. `sent` says whether the command may have run.
    struct Failure: Error, CustomStringConvertible {
        var sent: Bool
        var reason: String
        var description: String { reason }
    }

    let session: String
    private let stream: any CommandStream
    private let turn = AsyncTurn()
    private struct State {
        var parser = TmuxControlParser()
        var outputs: [String: UInt64] = [:]
        var lastOutput: [String: ContinuousClock.Instant] = [:]
        var dead = false
        var commands = 0
    }
    private let state = Mutex(State())

    private init(session: String, stream: any CommandStream) {
        self.session = session
        self.stream = stream
    }

    /// Writing to a client that just died must fail with EPIPE, not kill the process (as libssh2's
    /// initialisation also arranges).
    private static let ignoreBrokenPipe: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Starts the client with `argv` and waits for tmux's reply to the attach itself.
    static func attach(session: String, transport: any Transport, argv: [String], timeout: Duration) async throws -> TmuxControlClient {
        _ = Self.ignoreBrokenPipe
        let stream = try await transport.start(argv)
        let client = TmuxControlClient(session: session, stream: stream)
        let deadline = ContinuousClock.now + timeout
        do {
            while true {
                guard ContinuousClock.now < deadline else { throw Failure(sent: false, reason: "no reply to attach-session") }
                guard let bytes = try await stream.read(timeout: deadline - .now) else {
                    throw Failure(sent: false, reason: "the control client ended at once (no such session?)")
                }
                if let reply = client.absorb(bytes).first {
                    guard case .reply(true, _, _) = reply else {
                        throw Failure(sent: false, reason: "attach-session failed: \(reply)")
                    }
                    return client
                }
                if client.isDead { throw Failure(sent: false, reason: "the control client exited") }
            }
        } catch {
            await client.shutDown()
            throw error
        }
    }

    var isDead: Bool { state.withLock { $0.dead } }

    /// How many commands this client has answered (for tests and statistics).
    var commandCount: Int { state.withLock { $0.commands } }

    /// How many `%output` notifications for `pane` have been read so far.
    func outputCount(_ pane: String) -> UInt64 { state.withLock { $0.outputs[pane] ?? 0 } }

    /// Feeds bytes to the parser, counts output, and returns the replies (flags 1 or the attach reply).
    private func absorb(_ bytes: [UInt8]) -> [TmuxControlParser.Event] {
        state.withLock { state in
            var replies: [TmuxControlParser.Event] = []
            for event in state.parser.feed(bytes) {
                switch event {
                case .output(let pane):
                    state.outputs[pane, default: 0] &+= 1
                    state.lastOutput[pane] = ContinuousClock.now
                case .exit: state.dead = true
                case .reply: replies.append(event)
                }
            }
            return replies
        }
    }

    /// Runs one command line (from ``TmuxCommandLine/encode(_:)``) and returns its reply as a
    /// `CommandResult` (`%error` gives exit status 1 with the message on standard error).
    /// - Parameter replies: How many replies the line gives (one per command it holds, each line
    ///   ending in a line feed); the first failed reply, else the last, is returned.
    /// - Throws: ``Failure`` when the client is gone or did not answer in time (it is then shut down).
    /// - Parameter patient: For a reply that may take long (a lock or signal wait): read in 1 ms
    ///   slices with 5 ms pauses in between, so a long wait never holds the SSH connection's
    ///   queue (every channel's reads and writes go through it; a plain read would hold it in
    ///   50 ms waits and delay every other command by as much).
    func execute(_ line: [UInt8], timeout: Duration, replies: Int = 1, patient: Bool = false) async throws -> CommandResult {
        let deadline = ContinuousClock.now + timeout
        await turn.acquire()
        defer { turn.release() }
        try Task.checkCancellation()   // never send a command for a caller that has gone
        guard !isDead else { throw Failure(sent: false, reason: "the control client has ended") }
        do {
            try await stream.write(line)
        } catch {
            await shutDown()
            throw Failure(sent: false, reason: "writing to the control client failed: \(error)")
        }
        var answered = 0
        var failed: CommandResult?
        while true {
            if Task.isCancelled {
                await shutDown()
                throw CancellationError()
            }
            guard ContinuousClock.now < deadline else {
                await shutDown()
                throw Failure(sent: true, reason: "the control client did not answer in \(timeout)")
            }
            let bytes: [UInt8]?
            do { bytes = try await stream.read(timeout: patient ? min(deadline - .now, .milliseconds(1)) : deadline - .now) } catch {
                await shutDown()
                throw Failure(sent: true, reason: "reading from the control client failed: \(error)")
            }
            guard let bytes else {
                await shutDown()
                throw Failure(sent: true, reason: "the control client ended before answering")
            }
            if patient && bytes.isEmpty {
                try? await Task.sleep(for: .milliseconds(5))
                continue
            }
            for case .reply(let ok, let flags, let body) in absorb(bytes) where flags & 1 == 1 {
                state.withLock { $0.commands += 1 }
                answered += 1
                if !ok { failed = failed ?? CommandResult(stdout: [], stderr: body, exitStatus: 1, exitSignal: nil) }
                if answered >= replies {
                    return failed ?? CommandResult(stdout: body, stderr: [], exitStatus: 0, exitSignal: nil)
                }
            }
        }
    }

    /// Waits until `%output` for `pane` has been seen more than `count` times in all, reading in
    /// short slices so commands from other tasks get their turn in between.
    /// - Parameter wake: Checked between slices (then 3 ms long, so a signal is seen within a few
    ///   milliseconds); true ends the wait early.
    /// - Returns: True on output, false when `deadline` passes first or `wake` says so.
    /// - Throws: ``Failure`` when the client ended.
    func waitForOutput(_ pane: String, after count: UInt64, deadline: ContinuousClock.Instant,
                       wake: (@Sendable () -> Bool)? = nil) async throws -> Bool {
        let slice = wake == nil ? Duration.milliseconds(50) : .milliseconds(3)
        while true {
            if outputCount(pane) > count { return true }
            if let wake, wake() { return false }
            if isDead { throw Failure(sent: false, reason: "the control client has ended") }
            if ContinuousClock.now >= deadline { return false }
            try Task.checkCancellation()
            await turn.acquire()
            if outputCount(pane) > count { turn.release(); return true }
            let bytes: [UInt8]?
            do {
                bytes = try await stream.read(timeout: min(deadline - .now, slice))
            } catch {
                await shutDown()
                turn.release()
                throw Failure(sent: false, reason: "reading from the control client failed: \(error)")
            }
            guard let bytes else {
                await shutDown()
                turn.release()
                throw Failure(sent: false, reason: "the control client ended")
            }
            _ = absorb(bytes)
            turn.release()
        }
    }

    /// Reads what has already arrived; then, while `pane` was written to less than `quiet` ago,
    /// waits for the writes to pause (until `limit` at most).
    /// - Returns: True when `wake` ended the wait first (the caller then looks at what woke it).
    @discardableResult
    func quiesce(_ pane: String, quiet: Duration, limit: ContinuousClock.Instant,
                 wake: (@Sendable () -> Bool)? = nil) async throws -> Bool {
        _ = try await waitForOutput(pane, after: outputCount(pane), deadline: min(limit, ContinuousClock.now + .milliseconds(2)))
        while true {
            if let wake, wake() { return true }
            guard let last = state.withLock({ $0.lastOutput[pane] }), ContinuousClock.now - last < quiet,
                  ContinuousClock.now < limit else { return false }
            _ = try await waitForOutput(pane, after: outputCount(pane), deadline: min(limit, last + quiet), wake: wake)
        }
    }

    /// Ends the client process (closing its input makes tmux detach it) and releases the stream.
    func shutDown() async {
        state.withLock { $0.dead = true }
        try? await stream.closeInput()
        await stream.close()
    }
}

/// The control clients of one ``Tmux`` (and its copies): at most one per session, started on
/// first use, replaced lazily after one ends; a failed start is not retried for two seconds.
final class TmuxControlPool: Sendable {
    private struct State {
        var clients: [String: TmuxControlClient] = [:]
        var starting: [String: Task<TmuxControlClient?, Never>] = [:]
        var failedAt: [String: ContinuousClock.Instant] = [:]
        var started = 0
        var controlCommands = 0
        var execCommands = 0
    }
    private let state = Mutex(State())
    static let retryAfter = Duration.seconds(2)

    init() {}

    deinit {
        let clients = state.withLock { Array($0.clients.values) }
        if !clients.isEmpty {
            Task.detached { for client in clients { await client.shutDown() } }
        }
    }

    /// The live client for `session`, starting one with `start` if needed; nil when control mode
    /// is unavailable for it (the caller uses the exec path).
    func client(for session: String, start: @escaping @Sendable () async -> TmuxControlClient?) async -> TmuxControlClient? {
        enum Next { case ready(TmuxControlClient), wait(Task<TmuxControlClient?, Never>), none }
        let next = state.withLock { state -> Next in
            if let client = state.clients[session] {
                if !client.isDead { return .ready(client) }
                state.clients[session] = nil
            }
            if let task = state.starting[session] { return .wait(task) }
            if let failed = state.failedAt[session], ContinuousClock.now - failed < Self.retryAfter { return .none }
            let task = Task<TmuxControlClient?, Never> { [weak self] in
                let client = await start()
                self?.finishStart(session, client)
                return client
            }
            state.starting[session] = task
            return .wait(task)
        }
        switch next {
        case .ready(let client): return client
        case .none: return nil
        case .wait(let task):
            guard let client = await task.value, !client.isDead else { return nil }
            return client
        }
    }

    private func finishStart(_ session: String, _ client: TmuxControlClient?) {
        state.withLock { state in
            state.starting[session] = nil
            if let client {
                state.clients[session] = client
                state.failedAt[session] = nil
                state.started += 1
            } else {
                state.failedAt[session] = ContinuousClock.now
            }
        }
    }

    /// The live client of `session`, without starting one.
    func existing(_ session: String) -> TmuxControlClient? {
        state.withLock { state in state.clients[session].flatMap { $0.isDead ? nil : $0 } }
    }

    /// Any live client (tmux commands are server-wide; only `%output` needs the session's own).
    func anyClient() -> TmuxControlClient? {
        state.withLock { state in state.clients.values.first { !$0.isDead } }
    }

    /// Forgets a failed start of `session` so the next use tries at once (after creating it).
    func forgetFailure(_ session: String) {
        _ = state.withLock { $0.failedAt.removeValue(forKey: session) }
    }

    /// Drops `client` if it is still the one cached for its session, and shuts it down.
    func discard(_ client: TmuxControlClient) async {
        state.withLock { state in
            if state.clients[client.session] === client { state.clients[client.session] = nil }
        }
        await client.shutDown()
    }

    /// Shuts down the client of `session`, if any.
    func close(session: String) async {
        let client = state.withLock { $0.clients.removeValue(forKey: session) }
        await client?.shutDown()
    }

    /// Shuts down every client.
    func closeAll() async {
        let clients = state.withLock { state -> [TmuxControlClient] in
            defer { state.clients = [:]; state.failedAt = [:] }
            return Array(state.clients.values)
        }
        for client in clients { await client.shutDown() }
    }

    /// Counts a command answered by a control client (`true`) or run by exec (`false`).
    func note(control: Bool) {
        state.withLock { state in if control { state.controlCommands += 1 } else { state.execCommands += 1 } }
    }

    var statistics: TmuxControlStatistics {
        state.withLock { state in
            TmuxControlStatistics(clientsStarted: state.started, liveClients: state.clients.values.filter { !$0.isDead }.count,
                                  controlCommands: state.controlCommands, execCommands: state.execCommands)
        }
    }
}

/// Counters of a ``Tmux`` value's control-mode use (for tests and diagnostics).
public struct TmuxControlStatistics: Sendable, Equatable {
    /// Control clients started so far.
    public var clientsStarted: Int
    /// Control clients alive now.
    public var liveClients: Int
    /// tmux commands answered through a control client.
    public var controlCommands: Int
    /// tmux commands run as their own process (exec path), including fallbacks.
    public var execCommands: Int
}
