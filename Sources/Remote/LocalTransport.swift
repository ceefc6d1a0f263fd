import Foundation
import Logging

/// Runs commands on this machine by spawning them directly (`posix_spawnp`, no shell).
///
/// Each command is spawned, fed, drained and reaped on a thread of its own (``onOwnThread``), so
/// neither the spawn nor a long command blocks Swift's cooperative thread pool or other commands.
/// A stream's work, its spawn included, runs on the stream's own serial queue.
public struct LocalTransport: Transport {
    /// The environment for spawned commands; nil inherits this process's environment.
    public var environment: [String: String]?
    private let logger: Logger

    /// Creates a local transport.
    /// - Parameters:
    ///   - environment: The environment for spawned commands; nil inherits this process's.
    ///   - logger: Receives debug and trace messages.
    public init(environment: [String: String]? = nil, logger: Logger = Logger(label: "escalator.remote.local")) {
        self.environment = environment
        self.logger = logger
    }

    public var endpointDescription: String { "local" }

    /// This process's open file descriptors (from /proc/self/fd).
    static func openDescriptors() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.compactMap { Int32($0) }.filter { fcntl($0, F_GETFD) != -1 }
    }

    public func run(_ argv: [String], stdin: [UInt8]?, timeout: Duration) async throws -> CommandResult {
        logger.debug("local run", metadata: ["argv": "\(argv)"])
        let environment = environment
        let flag = CancelFlag()
        let deadline = ContinuousClock.now + timeout
        return try await withTaskCancellationHandler {
            try await onOwnThread(name: "escalator.remote.local.run") {
                try LocalProcess.spawn(argv, environment: environment)
                    .runToEnd(stdin: stdin ?? [], deadline: deadline, cancel: flag)
            }
        } onCancel: { flag.cancel() }
    }

    public func start(_ argv: [String]) async throws -> any CommandStream {
        logger.debug("local start", metadata: ["argv": "\(argv)"])
        let environment = environment
        let queue = DispatchQueue(label: "escalator.remote.local.stream")
        let process = try await onQueue(queue) { try LocalProcess.spawn(argv, environment: environment) }
        return LocalStream(process: process, queue: queue)
    }
}

/// A spawned child with its three pipe ends. Owned by one caller at a time.
final class LocalProcess: @unchecked Sendable {
    let pid: pid_t
    var stdinFD: Int32
    var stdoutFD: Int32
    var stderrFD: Int32
    var stdout: [UInt8] = []
    var stderr: [UInt8] = []
    var reaped: (Int32, String?)?

    private init(pid: pid_t, stdinFD: Int32, stdoutFD: Int32, stderrFD: Int32) {
        self.pid = pid
        self.stdinFD = stdinFD
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
    }

    static func spawn(_ argv: [String], environment: [String: String]?) throws(RemoteError) -> LocalProcess {
        guard !argv.isEmpty, !argv.contains(where: { $0.utf8.contains(0) }) else {
            throw RemoteError(.invalidArgument, call: "posix_spawnp", message: "empty command or NUL byte in \(argv)")
        }
        let input = try PosixIO.pipe(), output = try PosixIO.pipe(), errors = try PosixIO.pipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        // Nothing else of ours may leak into the child: a tmux server outlives us, and any
        // descriptor it kept (a parent's pipe, Foundation's exit-watch socket) would make
        // whoever waits on those think we are still running. closefrom(3) in the child also
        // covers descriptors another thread opens while we spawn; without it (glibc < 2.34),
        // those open now are closed.
        if let closeFrom = PosixIO.addCloseFrom {
            _ = closeFrom(&actions, 3)
        } else {
            for fd in LocalTransport.openDescriptors() where fd > 2 {
                posix_spawn_file_actions_addclose(&actions, fd)
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let envStrings = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = envStrings.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        close(input.read); close(output.write); close(errors.write)
        guard rc == 0 else {
            close(input.write); close(output.read); close(errors.read)
            throw RemoteError(.spawnFailed, call: "posix_spawnp", cCode: rc, libraryMessage: PosixIO.errorText(rc),
                              message: "could not start \(argv[0]); is it installed and on PATH?")
        }
        for fd in [input.write, output.read, errors.read] { PosixIO.setNonBlocking(fd) }
        return LocalProcess(pid: pid, stdinFD: input.write, stdoutFD: output.read, stderrFD: errors.read)
    }

    /// Polls the open fds once for up to `milliseconds`; reads both outputs and writes pending input.
    /// Returns stdout bytes read in this step.
    func step(pendingInput: inout ArraySlice<UInt8>, closeInputWhenDone: Bool,
              milliseconds: Int32) throws(RemoteError) -> [UInt8] {
        if pendingInput.isEmpty && closeInputWhenDone && stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
        var fds: [pollfd] = []
        if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
        if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
        if stdinFD >= 0 && !pendingInput.isEmpty { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
        if fds.isEmpty { return [] }
        _ = poll(&fds, nfds_t(fds.count), milliseconds)
        var out: [UInt8] = []
        for entry in fds where entry.revents != 0 {
            if entry.fd == stdoutFD {
                switch try PosixIO.readAvailable(stdoutFD) {
                case nil: close(stdoutFD); stdoutFD = -1
                case let bytes?: out += bytes
                }
            } else if entry.fd == stderrFD {
                switch try PosixIO.readAvailable(stderrFD) {
                case nil: close(stderrFD); stderrFD = -1
                case let bytes?: if stderr.count < 64 << 20 { stderr += bytes }
                }
            } else if entry.fd == stdinFD {
                do {
                    let n = try PosixIO.writeSome(stdinFD, pendingInput)
                    pendingInput = pendingInput.dropFirst(n)
                } catch {
                    // The command stopped reading (EPIPE): drop the rest of the input.
                    pendingInput = []
                    close(stdinFD); stdinFD = -1
                }
            }
        }
        return out
    }

    /// Feeds `stdin`, drains both outputs until they end, and reaps the child.
    func runToEnd(stdin: [UInt8], deadline: ContinuousClock.Instant, cancel: CancelFlag) throws -> CommandResult {
        var pending = stdin[...]
        defer { closeAll() }
        while stdoutFD >= 0 || stderrFD >= 0 {
            if cancel.isCancelled || ContinuousClock.now >= deadline {
                terminate()
                throw RemoteError(cancel.isCancelled ? .cancelled : .timedOut, call: "poll",
                                  message: cancel.isCancelled ? "command cancelled" : "local command did not finish in time")
            }
            stdout += try step(pendingInput: &pending, closeInputWhenDone: true,
                               milliseconds: PosixIO.millisecondsUntil(deadline))
        }
        let (status, signal) = reap()
        return CommandResult(stdout: stdout, stderr: stderr, exitStatus: status, exitSignal: signal)
    }

    func reap() -> (Int32, String?) {
        if let reaped { return reaped }
        let decoded = PosixIO.decodeWaitStatus(PosixIO.waitFor(pid))
        reaped = decoded
        return decoded
    }

    /// Kills the child (SIGKILL) and reaps it.
    func terminate() {
        if reaped == nil {
            kill(pid, SIGKILL)
            _ = reap()
        }
    }

    func closeAll() {
        for fd in [stdinFD, stdoutFD, stderrFD] where fd >= 0 { close(fd) }
        stdinFD = -1; stdoutFD = -1; stderrFD = -1
    }

    deinit {
        closeAll()
        if reaped == nil { kill(pid, SIGKILL); _ = PosixIO.waitFor(pid) }
    }
}

/// A ``CommandStream`` over a local child process; all work happens on a private serial queue.
final class LocalStream: CommandStream, @unchecked Sendable {
    private let process: LocalProcess
    private let queue: DispatchQueue

    /// A stream over `process`, whose every use runs on `queue` (serial).
    init(process: LocalProcess, queue: DispatchQueue) {
        self.process = process
        self.queue = queue
    }

    func write(_ bytes: [UInt8]) async throws {
        let process = self.process
        try await onQueue(queue) {
            var pending = bytes[...]
            let deadline = ContinuousClock.now + .seconds(30)
            while !pending.isEmpty {
                guard process.stdinFD >= 0 else {
                    throw RemoteError(.ioFailed, call: "write", message: "the command's input is closed")
                }
                guard ContinuousClock.now < deadline else {
                    throw RemoteError(.timedOut, call: "write", message: "the command did not read its input")
                }
                // Output is buffered while we wait so the child cannot block on a full pipe.
                process.stdout += try process.step(pendingInput: &pending, closeInputWhenDone: false, milliseconds: 100)
            }
        }
    }

    func closeInput() async throws {
        let process = self.process
        try await onQueue(queue) {
            if process.stdinFD >= 0 { Glibc.close(process.stdinFD); process.stdinFD = -1 }
        }
    }

    func read(timeout: Duration) async throws -> [UInt8]? {
        let process = self.process
        let deadline = ContinuousClock.now + timeout
        while true {
            let chunk: [UInt8]?? = try await onQueue(queue) {
                if !process.stdout.isEmpty {
                    defer { process.stdout = [] }
                    return .some(process.stdout)
                }
                if process.stdoutFD < 0 { return .some(nil) }
                var none: ArraySlice<UInt8> = []
                let bytes = try process.step(pendingInput: &none, closeInputWhenDone: false,
                                             milliseconds: PosixIO.millisecondsUntil(deadline, cap: 50))
                if bytes.isEmpty && process.stdoutFD >= 0 { return .none }
                return .some(bytes.isEmpty ? nil : bytes)
            }
            if let chunk { return chunk }
            if ContinuousClock.now >= deadline || Task.isCancelled { return [] }
        }
    }

    func finish(timeout: Duration) async throws -> CommandResult {
        let process = self.process
        let deadline = ContinuousClock.now + timeout
        return try await onQueue(queue) {
            var none: ArraySlice<UInt8> = []
            while process.stdoutFD >= 0 || process.stderrFD >= 0 {
                guard ContinuousClock.now < deadline else {
                    throw RemoteError(.timedOut, call: "poll", message: "the command did not end in time")
                }
                process.stdout += try process.step(pendingInput: &none, closeInputWhenDone: false,
                                                   milliseconds: PosixIO.millisecondsUntil(deadline))
            }
            let (status, signal) = process.reap()
            defer { process.stdout = [] }
            return CommandResult(stdout: process.stdout, stderr: process.stderr, exitStatus: status, exitSignal: signal)
        }
    }

    func close() async {
        let process = self.process
        _ = try? await onQueue(queue) {
            if process.reaped == nil {
                kill(process.pid, SIGTERM)
                let deadline = ContinuousClock.now + .seconds(2)
                var none: ArraySlice<UInt8> = []
                while (process.stdoutFD >= 0 || process.stderrFD >= 0) && ContinuousClock.now < deadline {
                    _ = try? process.step(pendingInput: &none, closeInputWhenDone: false, milliseconds: 50)
                }
                process.terminate()
            }
            process.closeAll()
        }
    }
}
