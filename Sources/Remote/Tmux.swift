import Foundation
import Logging

/// tmux on top of any ``Transport``: sessions, byte-exact paste, named keys, screen capture,
/// change notification and a cross-process lock per pane.
///
/// Every tmux invocation is an argument vector. Text reaches a pane only through a tmux buffer
/// (`set-buffer` with the text as one quoted argument, or `load-buffer -` fed from standard
/// input) and `paste-buffer -p` (bracketed paste), never through a shell string or as key names;
/// keys are sent by name with `send-keys`.
///
/// Short commands (`capture-pane`, `send-keys`, `display-message -p`, `show-options`,
/// `set-option`, `has-session`, `set-buffer`, `paste-buffer`, `wait-for -U`) go through one
/// long-lived control-mode client per session (`tmux -C attach-session`, see `TmuxControlClient`);
/// its `%output` notifications also drive ``waitForScreen(in:timeout:joinWrappedLines:until:)``.
/// A second control client per session, which receives no pane output, waits for pane locks
/// (`wait-for -L`, which blocks its client until granted). Over SSH this keeps a question to the
/// one connection's open channels: starting a command costs a new channel and the remote
/// user's shell start-up (hundreds of milliseconds with a heavy `~/.bashrc`).
/// When control mode fails the command runs as its own process (the exec path), and a new
/// client is started on a later use. Texts that are not valid UTF-8 or longer than
/// ``controlPasteLimit`` are pasted by exec (`load-buffer -`).
public struct Tmux: Sendable {
    /// Where tmux runs.
    public let transport: any Transport
    /// Which tmux server.
    public let socket: TmuxSocket
    /// The tmux executable on the target machine.
    public let executable: String
    /// The config file used when this starts the server (`-f`); nil uses tmux's default.
    public let configFile: String?
    /// The timeout for each short tmux command.
    public var commandTimeout: Duration
    private let logger: Logger
    /// The control clients shared by this value and its copies; nil when control mode is off.
    private let control: TmuxControlPool?
    /// The lock-waiting control clients (one per session, no pane output), kept apart from
    /// `control` so a command is never queued behind a lock wait.
    private let lockControl: TmuxControlPool?
    /// The `wait-for` signal watchers (see ``signalWatcher(channel:session:)``).
    private let signals: TmuxSignalPool?
    /// Reads files on the tmux host over one long-lived shell (the agent's transcript).
    public let hostShell: HostShell

    /// Creates a tmux driver.
    /// - Parameters:
    ///   - transport: Runs the tmux commands (local or SSH).
    ///   - socket: The tmux server; a private named socket keeps escalator's sessions apart.
    ///   - executable: The tmux binary; defaults to `tmux` on PATH.
    ///   - configFile: Passed as `-f` (only matters when the server starts); nil uses the default.
    ///   - commandTimeout: Limit for each tmux command; defaults to 15 s.
    ///   - logger: Receives debug and trace messages.
    ///   - controlMode: Use persistent control-mode clients for short commands and waits (default);
    ///     false runs every command as its own process.
    public init(transport: any Transport, socket: TmuxSocket = .named("escalator"), executable: String = "tmux",
                configFile: String? = nil, commandTimeout: Duration = .seconds(15),
                logger: Logger = Logger(label: "escalator.remote.tmux"), controlMode: Bool = true) {
        self.transport = transport
        self.socket = socket
        self.executable = executable
        self.configFile = configFile
        self.commandTimeout = commandTimeout
        self.logger = logger
        self.control = controlMode ? TmuxControlPool() : nil
        self.lockControl = controlMode ? TmuxControlPool() : nil
        self.signals = controlMode ? TmuxSignalPool() : nil
        self.hostShell = HostShell(transport: transport)
    }

    /// The full argument vector for a tmux command.
    public func command(_ arguments: [String]) -> [String] {
        [executable] + socket.arguments + (configFile.map { ["-f", $0] } ?? []) + arguments
    }

    /// Runs a tmux command and returns its result whatever the exit status.
    public func run(_ arguments: [String], stdin: [UInt8]? = nil) async throws -> CommandResult {
        try await run(arguments, stdin: stdin, session: nil)
    }

    /// Runs a tmux command and throws ``RemoteError`` (code `tmuxFailed`) unless it succeeds.
    @discardableResult
    public func checked(_ arguments: [String], stdin: [UInt8]? = nil) async throws -> CommandResult {
        try await checked(arguments, stdin: stdin, session: nil)
    }

    /// Counters of this value's control-mode use (shared with its copies).
    public var controlStatistics: TmuxControlStatistics {
        let zero = TmuxControlStatistics(clientsStarted: 0, liveClients: 0, controlCommands: 0, execCommands: 0)
        let main = control?.statistics ?? zero, locks = lockControl?.statistics ?? zero
        return TmuxControlStatistics(clientsStarted: main.clientsStarted + locks.clientsStarted,
                                     liveClients: main.liveClients + locks.liveClients,
                                     controlCommands: main.controlCommands + locks.controlCommands,
                                     execCommands: main.execCommands + locks.execCommands)
    }

    /// Ends this value's control-mode clients (later commands start new ones as needed).
    public func closeControlClients() async {
        await control?.closeAll()
        await lockControl?.closeAll()
        await signals?.close()
        await hostShell.close()
    }

    /// The argument vector of the control-mode client for `session`: UTF-8 (`-u`), never starting
    /// a server (`-N`), ignoring its size so the agent's window keeps its fixed size.
    func controlCommand(session: String) -> [String] {
        [executable] + socket.arguments + ["-u", "-N", "-C", "attach-session", "-f", "ignore-size", "-t", "=\(session)"]
    }

    /// The argument vector of the lock-waiting control client for `session`: as
    /// ``controlCommand(session:)`` but sent no pane output (`no-output`), as it reads only when
    /// it waits for a lock.
    func lockControlCommand(session: String) -> [String] {
        [executable] + socket.arguments + ["-u", "-N", "-C", "attach-session", "-f", "ignore-size,no-output", "-t", "=\(session)"]
    }

    /// Whether `arguments` may go through a control client, and whether re-running it by exec
    /// after the client died mid-command is harmless. Nil: exec path only.
    static func controlKind(_ arguments: [String]) -> Bool? {
        guard let name = arguments.first else { return nil }
        let targeted = arguments.contains("-t")
        switch name {
        case "capture-pane": return targeted ? true : nil
        case "show-options", "set-option":
            // Targeted, or a global option (-g…): either way independent of the client's session.
            let global = arguments.dropFirst().contains { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("g") }
            return targeted || global ? true : nil
        case "has-session": return true
        case "display-message": return targeted && arguments.contains("-p") ? true : nil
        case "send-keys": return targeted ? false : nil
        case "wait-for": return arguments.count == 3 && arguments[1] == "-U" ? false : nil
        case "set-buffer", "delete-buffer": return arguments.contains("-b") ? true : nil
        case "paste-buffer": return targeted && arguments.contains("-b") ? false : nil
        default: return nil
        }
    }

    /// The client to use: `session`'s own if live, else any live one, else a new one for `session`.
    private func controlClient(preferring session: String?) async -> TmuxControlClient? {
        guard let control else { return nil }
        if let session {
            if let client = control.existing(session) { return client }
        }
        if let any = control.anyClient() { return any }
        guard let session else { return nil }
        return await startedClient(session)
    }

    /// `session`'s own client, started if needed (needed for its `%output`).
    private func startedClient(_ session: String) async -> TmuxControlClient? {
        guard let control else { return nil }
        let transport = self.transport, argv = controlCommand(session: session), timeout = commandTimeout, logger = self.logger
        return await control.client(for: session) {
            do {
                return try await TmuxControlClient.attach(session: session, transport: transport, argv: argv, timeout: timeout)
            } catch {
                logger.debug("control mode unavailable", metadata: ["session": "\(session)", "error": "\(error)"])
                return nil
            }
        }
    }

    private func run(_ arguments: [String], stdin: [UInt8]?, session: String?) async throws -> CommandResult {
        logger.trace("tmux", metadata: ["args": "\(arguments)"])
        if stdin == nil, let control, let idempotent = Self.controlKind(arguments), let line = TmuxCommandLine.encode(arguments),
           let client = await controlClient(preferring: session) {
            do {
                let result = try await client.execute(line, timeout: commandTimeout)
                control.note(control: true)
                return result
            } catch let failure as TmuxControlClient.Failure {
                logger.debug("control client failed; using exec", metadata: ["error": "\(failure)", "session": "\(client.session)"])
                await control.discard(client)
                if failure.sent && !idempotent {
                    throw RemoteError(.connectionLost, call: "tmux \(arguments[0])",
                                      message: "the tmux control client on \(transport.endpointDescription) ended after "
                                        + "`\(arguments[0])` was sent (\(failure)); it may have run")
                }
            }
        }
        control?.note(control: false)
        return try await transport.run(command(arguments), stdin: stdin, timeout: commandTimeout)
    }

    @discardableResult
    private func checked(_ arguments: [String], stdin: [UInt8]? = nil, session: String?) async throws -> CommandResult {
        let result = try await run(arguments, stdin: stdin, session: session)
        guard result.succeeded else {
            let reason = result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw RemoteError(.tmuxFailed, call: "tmux \(arguments.first ?? "")", cCode: result.exitStatus,
                              libraryMessage: reason.isEmpty ? result.exitSignal.map { "signal \($0)" } : reason,
                              message: "tmux \(arguments.joined(separator: " ")) failed on \(transport.endpointDescription) (socket \(socket))")
        }
        return result
    }

    // MARK: Sessions

    /// Creates a detached session of a fixed size running `command` and returns its first pane.
    /// - Parameters:
    ///   - name: Letters, digits, `-` and `_` only.
    ///   - command: The program and arguments. With two or more elements tmux executes them directly;
    ///     a single element is run by tmux through `sh -c`. Nil runs the default shell.
    ///   - width: Columns (fixed so the app does not repaint on resizes).
    ///   - height: Rows.
    ///   - workingDirectory: The start directory, or nil.
    ///   - environment: Variables set in the session (`-e NAME=value`).
    ///   - historyLimit: Lines of scrollback the pane keeps (the server's `history-limit`, set
    ///     before the pane exists), so a long answer can be read whole; nil keeps tmux's.
    public func newSession(_ name: String, command: [String]? = nil, width: Int = 120, height: Int = 40,
                           workingDirectory: String? = nil, environment: [String: String] = [:],
                           historyLimit: Int? = nil) async throws -> TmuxPane {
        try Self.validate(sessionName: name)
        var arguments = ["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), "-P", "-F", "#{pane_id}"]
        if let historyLimit {
            // `start-server` first: set-option -g needs a running server; ";" separates tmux commands.
            arguments = ["start-server", ";", "set-option", "-g", "history-limit", String(historyLimit), ";"] + arguments
        }
        if let workingDirectory { arguments += ["-c", workingDirectory] }
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        if let command { arguments += ["--"] + command }
        let result = try await checked(arguments)
        control?.forgetFailure(name)
        let id = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        logger.debug("tmux session created", metadata: ["session": "\(name)", "pane": "\(id)"])
        return TmuxPane(session: name, id: id)
    }

    /// A user option (`@name`) of `pane`'s session, or nil when it is not set.
    public func userOption(_ name: String, of pane: TmuxPane) async throws -> String? {
        let result = try await run(["show-options", "-v", "-t", pane.target, name])
        guard result.succeeded else { return nil }
        let value = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }

    /// Sets a user option (`@name`) of `pane`'s session, where every escalator process sees it.
    public func setUserOption(_ name: String, to value: String, of pane: TmuxPane) async throws {
        _ = try await checked(["set-option", "-t", pane.target, name, value])
    }

    /// The first pane of an existing session.
    public func pane(inSession name: String) async throws -> TmuxPane {
        try Self.validate(sessionName: name)
        let result = try await checked(["display-message", "-p", "-t", "=\(name):", "#{pane_id}"], session: name)
        return TmuxPane(session: name, id: result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Whether a session of exactly this name exists.
    public func hasSession(_ name: String) async throws -> Bool {
        try Self.validate(sessionName: name)
        return try await run(["has-session", "-t", "=\(name)"], stdin: nil, session: name).succeeded
    }

    /// Kills a session (no error if it is already gone).
    public func killSession(_ name: String) async throws {
        try Self.validate(sessionName: name)
        await control?.close(session: name)
        await lockControl?.close(session: name)
        await signals?.close(prefix: name + "\u{1}")
        _ = try await run(["kill-session", "-t", "=\(name)"])
    }

    /// The names of all sessions on this server (empty when no server runs).
    public func listSessions() async throws -> [String] {
        let result = try await run(["list-sessions", "-F", "#{session_name}"])
        guard result.succeeded else { return [] }
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    /// The tmux server's process id.
    public func serverPID() async throws -> Int32 {
        let result = try await checked(["display-message", "-p", "#{pid}"])
        guard let pid = Int32(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw RemoteError(.tmuxFailed, call: "tmux display-message", message: "tmux printed no server pid")
        }
        return pid
    }

    /// Kills this socket's tmux server (only this socket's).
    public func killServer() async throws {
        await control?.closeAll()
        await lockControl?.closeAll()
        await signals?.close()
        _ = try await run(["kill-server"])
    }

    // MARK: Input

    /// The longest text (bytes) pasted through the control client; longer texts are loaded by
    /// exec (`load-buffer -`), so one control line never grows without bound.
    public static let controlPasteLimit = 512 * 1024

    /// Pastes `text` into `pane` byte for byte with bracketed paste (the text into a fresh tmux
    /// buffer, then `paste-buffer -p -r -d`). Embedded bracketed-paste markers are removed first so
    /// the text can never end the paste early; line feeds are kept as line feeds.
    public func paste(_ text: String, into pane: TmuxPane) async throws {
        try await paste(bytes: Array(text.utf8), into: pane)
    }

    /// Pastes raw bytes; see ``paste(_:into:)``.
    public func paste(bytes: [UInt8], into pane: TmuxPane) async throws {
        let data = TmuxText.removingPasteMarkers(bytes)
        guard !data.isEmpty else { return }
        let buffer = "escalator-" + UUID().uuidString.prefix(13).lowercased()
        if let text = String(validating: data, as: UTF8.self), data.count <= Self.controlPasteLimit,
           try await pasteThroughControl(text, buffer: buffer, into: pane) {
            logger.debug("pasted", metadata: ["pane": "\(pane)", "bytes": "\(data.count)", "via": "control"])
            return
        }
        // One tmux invocation: load the buffer from stdin, then paste and delete it (";" is tmux's
        // command separator, passed as its own argument).
        do {
            try await checked(["load-buffer", "-b", buffer, "-", ";",
                               "paste-buffer", "-p", "-r", "-d", "-b", buffer, "-t", pane.target], stdin: data)
        } catch {
            _ = try? await run(["delete-buffer", "-b", buffer])
            throw error
        }
        logger.debug("pasted", metadata: ["pane": "\(pane)", "bytes": "\(data.count)"])
    }

    /// Pastes `text` with two control-client commands (`set-buffer`, then `paste-buffer`) on
    /// `pane`'s session client. Returns false, having pasted nothing, when control mode is not
    /// available (the caller then loads the buffer by exec).
    private func pasteThroughControl(_ text: String, buffer: String, into pane: TmuxPane) async throws -> Bool {
        guard control != nil, let client = await controlClient(preferring: pane.session) else { return false }
        let load = ["set-buffer", "-b", buffer, "--", text]
        guard let line = TmuxCommandLine.encode(load) else { return false }
        let loaded: CommandResult
        do {
            loaded = try await client.execute(line, timeout: commandTimeout)
        } catch let failure as TmuxControlClient.Failure {
            // set-buffer is harmless to repeat, and nothing was pasted: let the exec path do it.
            logger.debug("control client failed; pasting by exec", metadata: ["error": "\(failure)"])
            await control?.discard(client)
            _ = try? await run(["delete-buffer", "-b", buffer])
            return false
        }
        guard loaded.succeeded else {
            throw RemoteError(.tmuxFailed, call: "tmux set-buffer", cCode: loaded.exitStatus, libraryMessage: loaded.stderrText,
                              message: "tmux could not load the text to paste into \(pane) on \(transport.endpointDescription)")
        }
        control?.note(control: true)
        do {
            try await checked(["paste-buffer", "-p", "-r", "-d", "-b", buffer, "-t", pane.target], session: pane.session)
        } catch {
            _ = try? await run(["delete-buffer", "-b", buffer])
            throw error
        }
        return true
    }

    /// Types `text` as literal keys (`send-keys -l -- TEXT`): never interpreted as key names.
    public func type(_ text: String, into pane: TmuxPane) async throws {
        try await checked(["send-keys", "-t", pane.target, "-l", "--", text], session: pane.session)
    }

    /// Presses a named key `count` times (`send-keys -N count -t pane KEY`).
    public func press(_ key: TmuxKey, in pane: TmuxPane, count: Int = 1) async throws {
        try await checked(["send-keys", "-N", String(max(1, count)), "-t", pane.target, key.name], session: pane.session)
        logger.debug("pressed", metadata: ["pane": "\(pane)", "key": "\(key)"])
    }

    // MARK: Output

    /// The visible screen of `pane` as text (`capture-pane -p`).
    /// - Parameters:
    ///   - joinWrappedLines: Adds `-J` (wrapped lines joined, trailing spaces kept).
    ///   - escapes: Adds `-e` (colour and attribute escape sequences kept).
    ///   - fromLine: First line (`-S`), negative for scrollback; nil for the top of the screen.
    public func capture(_ pane: TmuxPane, joinWrappedLines: Bool = false, escapes: Bool = false,
                        fromLine: Int? = nil) async throws -> String {
        var arguments = ["capture-pane", "-p", "-t", pane.target]
        if joinWrappedLines { arguments.append("-J") }
        if escapes { arguments.append("-e") }
        if let fromLine { arguments += ["-S", String(fromLine)] }
        return try await checked(arguments, session: pane.session).stdoutText
    }

    /// Waits until the captured screen differs from `previous`, returning the new capture, or nil
    /// when `timeout` passes first.
    ///
    /// Uses a read-only control-mode client (`tmux -C attach -r`) whose `%output` notifications
    /// say when the pane was written to; if control mode cannot start, polls `capture-pane` with
    /// backoff (20 ms up to 250 ms).
    /// - Parameter wake: Checked every few milliseconds while waiting; true ends the wait (nil
    ///   returned) so the caller can look at whatever woke it (e.g. a ``TmuxSignalWatcher``).
    /// - Parameter quiet: See ``waitForScreen(in:timeout:joinWrappedLines:wake:quiet:until:)``.
    public func waitForChange(in pane: TmuxPane, since previous: String, timeout: Duration,
                              joinWrappedLines: Bool = false, wake: (@Sendable () -> Bool)? = nil,
                              quiet: Duration = Tmux.outputQuiet) async throws -> String? {
        try await waitForScreen(in: pane, timeout: timeout, joinWrappedLines: joinWrappedLines, wake: wake, quiet: quiet) { $0 != previous }
    }

    /// How long a pane must go without output before a wait captures it (a repaint in pieces, or
    /// keys sent back to back being applied one by one, is let finish first), 200 ms at most.
    public static let outputQuiet = Duration.milliseconds(25)

    /// Waits until a capture of `pane` satisfies `condition`, returning that capture, or nil when
    /// `timeout` passes first. The screen is captured at once, then again each time the pane is
    /// written to (one control-mode client for the whole wait; polling if control mode fails).
    ///
    /// Use this to wait for a prompt or a finished answer without re-attaching on every spinner frame.
    /// - Parameter quiet: How long the pane must have had no output before each capture (with the
    ///   control client): ``outputQuiet`` by default; zero for a condition that any frame may
    ///   satisfy (e.g. "the pasted text is shown"), so it is seen at its first frame.
    public func waitForScreen(in pane: TmuxPane, timeout: Duration, joinWrappedLines: Bool = false,
                              wake: (@Sendable () -> Bool)? = nil, quiet: Duration = Tmux.outputQuiet,
                              until condition: @Sendable (String) -> Bool) async throws -> String? {
        let deadline = ContinuousClock.now + timeout
        if let client = await startedClient(pane.session) {
            do {
                return try await waitWithControlClient(client, pane: pane, deadline: deadline, joinWrappedLines: joinWrappedLines,
                                                       wake: wake, quiet: quiet, condition: condition)
            } catch let failure as TmuxControlClient.Failure {
                logger.debug("control client ended during a wait; falling back", metadata: ["error": "\(failure)"])
                await control?.discard(client)
            }
        }
        let first = try await capture(pane, joinWrappedLines: joinWrappedLines)
        if condition(first) { return first }
        if let outcome = try await waitWithControlMode(pane, deadline: deadline, joinWrappedLines: joinWrappedLines, condition: condition) {
            return outcome.capture
        }
        return try await waitByPolling(pane, deadline: deadline, joinWrappedLines: joinWrappedLines, condition: condition)
    }

    /// The wait on the session's persistent control client: capture, then capture again after
    /// each `%output` for the pane (counted from before the capture, so no write is missed).
    private func waitWithControlClient(_ client: TmuxControlClient, pane: TmuxPane, deadline: ContinuousClock.Instant,
                                       joinWrappedLines: Bool, wake: (@Sendable () -> Bool)?, quiet: Duration,
                                       condition: @Sendable (String) -> Bool) async throws -> String? {
        while true {
            // If the pane is being written to right now (a repaint in pieces, or keys sent back to
            // back being applied one by one), let the burst end first so a half-applied input is
            // not read as a state: `quiet` without output (25 ms by default), at most 200 ms.
            // A `wake` during the pause ends the wait at once (the caller looks at what woke it).
            if try await client.quiesce(pane.id, quiet: quiet, limit: min(deadline, ContinuousClock.now + .milliseconds(200)),
                                        wake: wake) { return nil }
            let seen = client.outputCount(pane.id)
            let current = try await capture(pane, joinWrappedLines: joinWrappedLines)
            if condition(current) { return current }
            guard try await client.waitForOutput(pane.id, after: seen, deadline: deadline, wake: wake) else { return nil }
        }
    }

    private struct ControlOutcome { var capture: String? }

    /// Returns nil when control mode is unavailable (so the caller polls), else the outcome.
    private func waitWithControlMode(_ pane: TmuxPane, deadline: ContinuousClock.Instant, joinWrappedLines: Bool,
                                     condition: @Sendable (String) -> Bool) async throws -> ControlOutcome? {
        let stream: any CommandStream
        do {
            // -N: never start a server just for this client.
            stream = try await transport.start([executable] + socket.arguments + ["-N", "-C", "attach-session", "-r", "-t", "=\(pane.session)"])
        } catch {
            logger.debug("control mode unavailable", metadata: ["error": "\(error)"])
            return nil
        }
        var splitter = LineSplitter()
        var attached = false
        do {
            // Any change between the first capture and the attach is caught by capturing again.
            let now = try await capture(pane, joinWrappedLines: joinWrappedLines)
            if condition(now) { await stream.close(); return ControlOutcome(capture: now) }
            while ContinuousClock.now < deadline {
                guard let bytes = try await stream.read(timeout: deadline - .now) else {
                    // The control client ended (no such session, or tmux refused control mode).
                    await stream.close()
                    if !attached { return nil }
                    let last = try await capture(pane, joinWrappedLines: joinWrappedLines)
                    return ControlOutcome(capture: condition(last) ? last : nil)
                }
                var sawOutput = false
                for line in splitter.append(bytes) {
                    if line.hasPrefix("%begin") || line.hasPrefix("%session-changed") { attached = true }
                    if TmuxText.outputPane(ofControlLine: line) == pane.id { sawOutput = true }
                }
                if sawOutput {
                    let current = try await capture(pane, joinWrappedLines: joinWrappedLines)
                    if condition(current) { await stream.close(); return ControlOutcome(capture: current) }
                }
            }
            await stream.close()
            return ControlOutcome(capture: nil)
        } catch {
            await stream.close()
            throw error
        }
    }

    private func waitByPolling(_ pane: TmuxPane, deadline: ContinuousClock.Instant, joinWrappedLines: Bool,
                               condition: @Sendable (String) -> Bool) async throws -> String? {
        var pause = Duration.milliseconds(20)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: min(pause, max(.milliseconds(1), deadline - .now)))
            let current = try await capture(pane, joinWrappedLines: joinWrappedLines)
            if condition(current) { return current }
            pause = min(pause * 2, .milliseconds(250))
        }
        return nil
    }

    // MARK: Signals

    /// The watcher of `wait-for` channel `channel` (signalled with `tmux wait-for -S CHANNEL`),
    /// kept for later calls and attached to `session` (ended with it). Nil when control mode is
    /// off or unavailable: the caller then polls for whatever the signal announces.
    public func signalWatcher(channel: String, session: String) async -> TmuxSignalWatcher? {
        guard let signals else { return nil }
        let transport = self.transport, argv = lockControlCommand(session: session), timeout = commandTimeout, logger = self.logger
        return await signals.watcher(for: session + "\u{1}" + channel) {
            do {
                let client = try await TmuxControlClient.attach(session: session, transport: transport, argv: argv, timeout: timeout)
                return TmuxSignalWatcher(channel: channel, client: client, logger: logger)
            } catch {
                logger.debug("signal watcher unavailable", metadata: ["channel": "\(channel)", "error": "\(error)"])
                return nil
            }
        }
    }

    /// A global user option's value (`show-options -gqv NAME`), or nil when it is not set.
    /// Byte for byte, through the control client when one is live.
    public func globalOption(_ name: String) async throws -> String? {
        let result = try await checked(["show-options", "-gqv", name])
        guard !result.stdout.isEmpty else { return nil }
        var bytes = result.stdout
        if bytes.last == 0x0A { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Sets (or, with nil, unsets) a global user option.
    public func setGlobalOption(_ name: String, to value: String?) async throws {
        if let value {
            try await checked(["set-option", "-g", name, value])
        } else {
            try await checked(["set-option", "-gu", name])
        }
    }

    // MARK: Lock

    /// The tmux `wait-for` channel name that locks `pane`.
    public func lockName(for pane: TmuxPane) -> String {
        "escalator-lock-" + TmuxText.safeName(pane.session) + "-" + TmuxText.safeName(pane.id)
    }

    /// Runs `body` while holding the cross-process lock of `pane` (`tmux wait-for -L`), releasing it
    /// (`wait-for -U`) on every path: return, throw and cancellation.
    /// - Parameter timeout: How long to wait for the lock before throwing `timedOut`.
    public func withPaneLock<T: Sendable>(_ pane: TmuxPane, timeout: Duration = .seconds(60),
                                          _ body: () async throws -> T) async throws -> T {
        let lock = try await acquireLock(pane, timeout: timeout)
        do {
            let value = try await body()
            try await lock.release()
            return value
        } catch {
            try? await lock.release()
            throw error
        }
    }

    /// Acquires the lock of `pane`; release it with ``TmuxPaneLock/release()``. Prefer ``withPaneLock(_:timeout:_:)``.
    ///
    /// If the wait times out or is cancelled, the pending `wait-for -L` is left to finish in the
    /// background and the lock is released as soon as it is granted, so an abandoned wait never
    /// leaves the pane locked.
    public func acquireLock(_ pane: TmuxPane, timeout: Duration = .seconds(60)) async throws -> TmuxPaneLock {
        let name = lockName(for: pane)
        let lock = TmuxPaneLock(tmux: self, name: name)
        let waiter = try await lockWaiter(name, session: pane.session)
        // A holder killed without releasing (SIGKILL) would keep the pane locked for good: while
        // waiting, break a lock whose owner is gone (see breakStaleLock).
        let breaker = Task.detached { [self] in await breakStaleLock(pane, name: name) }
        defer { breaker.cancel() }
        let outcome: CommandResult
        do {
            let race = OnceResume<CommandResult?>()
            let timer = Task.detached {
                try? await Task.sleep(for: timeout)
                race.resume(.success(nil))
            }
            defer { timer.cancel() }
            let result = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<CommandResult?, any Error>) in
                    race.set(continuation)
                    Task.detached {
                        do { race.resume(.success(try await waiter.value)) } catch { race.resume(.failure(error)) }
                    }
                }
            } onCancel: {
                race.resume(.failure(CancellationError()))
            }
            guard let result else {
                throw RemoteError(.timedOut, call: "tmux wait-for -L", message: "pane \(pane) stayed locked by another escalator for \(timeout)")
            }
            outcome = result
        } catch {
            // Abandoned: release the lock when (if) the pending wait is granted.
            Task.detached {
                if let result = try? await waiter.value, result.succeeded { try? await lock.release() }
            }
            throw error
        }
        guard outcome.succeeded else {
            throw RemoteError(.tmuxFailed, call: "tmux wait-for -L", cCode: outcome.exitStatus,
                              libraryMessage: outcome.stderrText, message: "could not lock pane \(pane)")
        }
        try? await setGlobalOption(Self.ownerOption(name), to: Self.ownerTag)
        logger.debug("pane locked", metadata: ["lock": "\(name)"])
        return lock
    }

    /// A task that waits until tmux grants the lock `name` (`wait-for -L`): on the session's
    /// lock-waiting control client when control mode works, else as its own process.
    private func lockWaiter(_ name: String, session: String) async throws -> Task<CommandResult, any Error> {
        // A control client gets `wait-for -L`'s %end at once, but its queue stops there until the
        // lock is granted: the reply to the command after it marks the grant.
        let lines = [["wait-for", "-L", name], ["display-message", "-p", "granted"]].compactMap(TmuxCommandLine.encode)
        if let lockControl, lines.count == 2 {
            let transport = self.transport, argv = lockControlCommand(session: session), timeout = commandTimeout, logger = self.logger
            let client = await lockControl.client(for: session) {
                do {
                    return try await TmuxControlClient.attach(session: session, transport: transport, argv: argv, timeout: timeout)
                } catch {
                    logger.debug("lock control client unavailable", metadata: ["session": "\(session)", "error": "\(error)"])
                    return nil
                }
            }
            if let client {
                return Task.detached { [logger] () throws -> CommandResult in
                    do {
                        let result = try await client.execute(lines.joined().map { $0 }, timeout: .seconds(24 * 3600), replies: 2, patient: true)
                        lockControl.note(control: true)
                        return result
                    } catch let failure as TmuxControlClient.Failure {
                        await lockControl.discard(client)
                        // Not sent: wait by exec instead. Sent: the wait may be queued at tmux for
                        // a client that is gone; a grant to it is broken as an ownerless lock.
                        guard !failure.sent else { throw RemoteError(.connectionLost, call: "tmux wait-for -L", message: "\(failure)") }
                        logger.debug("lock control client failed before sending; waiting by exec", metadata: ["error": "\(failure)"])
                        return try await self.execLockWait(name)
                    }
                }
            }
        }
        return Task.detached { try await self.execLockWait(name) }
    }

    /// `wait-for -L name` as its own process, until granted.
    private func execLockWait(_ name: String) async throws -> CommandResult {
        lockControl?.note(control: false)
        let stream = try await transport.start(command(["wait-for", "-L", name]))
        do {
            let result = try await stream.finish(timeout: .seconds(24 * 3600))
            await stream.close()
            return result
        } catch {
            await stream.close()
            throw error
        }
    }

    /// The global user option naming a lock's holder (`host:pid`).
    static func ownerOption(_ lockName: String) -> String { "@" + lockName }

    /// This process as a lock owner: `host:pid`.
    static var ownerTag: String { "\(PosixIO.hostName()):\(getpid())" }

    /// True when `tag` names a process of this machine that no longer exists.
    static func isDeadLocalOwner(_ tag: String) -> Bool {
        guard let colon = tag.lastIndex(of: ":"), let pid = Int32(tag[tag.index(after: colon)...]), pid > 0,
              String(tag[..<colon]) == PosixIO.hostName() else { return false }
        return !PosixIO.processExists(pid)
    }

    /// Polls the lock's owner until cancelled (first after 3 s, so short waits cost nothing, then
    /// every second); when the same stale owner is seen twice in a row, releases the lock for the
    /// waiters. Stale: a process of this machine that no longer exists, or no owner at all while
    /// the lock is held (a holder records itself within milliseconds of acquiring, so a second
    /// ownerless sighting a second later means it was killed in between, or a killed escalator's
    /// queued `wait-for -L` was granted after it died).
    private func breakStaleLock(_ pane: TmuxPane, name: String) async {
        var suspect: String?
        try? await Task.sleep(for: .seconds(2))
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            guard !Task.isCancelled else { continue }
            let shown: String?
            do { shown = try await globalOption(Self.ownerOption(name)) } catch { continue }   // unset: nil, "no owner"
            let tag = (shown ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard tag.isEmpty || Self.isDeadLocalOwner(tag) else { suspect = nil; continue }
            if suspect == tag {
                logger.debug("breaking a stale pane lock", metadata: ["lock": "\(name)", "owner": "\(tag)"])
                try? await setGlobalOption(Self.ownerOption(name), to: nil)
                _ = try? await forceUnlock(pane)
                suspect = nil
            } else {
                suspect = tag
            }
        }
    }

    /// Releases `pane`'s lock whoever holds it (`wait-for -U`), for recovery from a holder that died
    /// (a crashed escalator, or a connection lost while its `wait-for -L` was queued).
    /// - Returns: False when the lock was not held.
    @discardableResult
    public func forceUnlock(_ pane: TmuxPane) async throws -> Bool {
        try await run(["wait-for", "-U", lockName(for: pane)]).succeeded
    }

    static func validate(sessionName: String) throws(RemoteError) {
        guard !sessionName.isEmpty, TmuxText.safeName(sessionName) == sessionName else {
            throw RemoteError(.invalidArgument, call: "tmux", message: "session name \"\(sessionName)\" must be letters, digits, - and _ only")
        }
    }
}

/// A held pane lock. Release it exactly once.
public struct TmuxPaneLock: Sendable {
    let tmux: Tmux
    /// The `wait-for` channel name.
    public let name: String

    /// Releases the lock (`tmux wait-for -U`), even when the calling task is cancelled.
    public func release() async throws {
        let tmux = self.tmux, name = self.name
        _ = try await Task.detached {
            try? await tmux.setGlobalOption(Tmux.ownerOption(name), to: nil)
            try await tmux.checked(["wait-for", "-U", name])
        }.value
    }
}

/// Resumes a continuation at most once, whichever of several racers comes first. A result that
/// arrives before the continuation is set is kept and delivered when it is set.
final class OnceResume<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var early: Result<T, any Error>?
    private var done = false

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        lock.lock()
        if let early, !done {
            done = true
            lock.unlock()
            continuation.resume(with: early)
            return
        }
        self.continuation = continuation
        lock.unlock()
    }

    func resume(_ result: Result<T, any Error>) {
        lock.lock()
        guard !done else { lock.unlock(); return }
        guard let continuation else {
            if early == nil { early = result }
            lock.unlock()
            return
        }
        done = true
        self.continuation = nil
        lock.unlock()
        continuation.resume(with: result)
    }
}
