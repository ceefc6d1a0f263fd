import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Settings for a llama-server that escalator starts and reuses itself (the embedded default).
public struct ManagedServerConfiguration: Sendable {
    /// The `llama-server` executable.
    public var serverExecutable: String
    /// The GGUF model file.
    public var modelPath: String
    /// Where the state file, lock and server log live (under the XDG state directory).
    public var stateDirectory: String
    /// Total KV context; each slot gets `contextSize / parallelSlots`.
    public var contextSize: Int
    /// Parallel slots (`-np`), so several questions can be answered at once.
    public var parallelSlots: Int
    /// `--swa-full` keeps the prompt cache usable for sliding-window models (Gemma 2/3);
    /// nil decides from the model file's name.
    public var swaFull: Bool?
    /// Further arguments passed to llama-server as they are.
    public var extraArguments: [String]
    /// How long to wait for the model to load.
    public var startTimeout: Duration

    public init(serverExecutable: String, modelPath: String, stateDirectory: String, contextSize: Int = 8192,
                parallelSlots: Int = 4, swaFull: Bool? = nil, extraArguments: [String] = [],
                startTimeout: Duration = .seconds(120)) {
        self.serverExecutable = serverExecutable
        self.modelPath = modelPath
        self.stateDirectory = stateDirectory
        self.contextSize = contextSize
        self.parallelSlots = parallelSlots
        self.swaFull = swaFull
        self.extraArguments = extraArguments
        self.startTimeout = startTimeout
    }

    /// Whether `--swa-full` is passed: as configured, else for Gemma models.
    public var usesSWAFull: Bool {
        swaFull ?? (modelPath as NSString).lastPathComponent.lowercased().contains("gemma")
    }
}

/// What escalator remembers about a llama-server it started: written to the state file so
/// later calls reuse the server instead of starting another.
public struct ManagedServerState: Sendable, Codable, Equatable {
    public var pid: Int32
    public var port: Int
    public var modelPath: String
    public var logPath: String
    public var startedAt: Date
    public var arguments: [String]

    public var url: String { "http://127.0.0.1:\(port)" }
}

/// A failure starting, finding or stopping the managed llama-server.
public struct ManagedServerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var fix: String
    public var description: String { "\(message) — \(fix)" }
}

/// Starts llama-server on loopback at a free port when nothing answers at the configured URL,
/// records it in the state directory, and reuses it on later calls (`escalator local status|stop`).
public struct ManagedServer: Sendable {
    public let configuration: ManagedServerConfiguration
    private let logger: Logger

    public init(configuration: ManagedServerConfiguration, logger: Logger = Logger(label: "escalator.llama.managed")) {
        self.configuration = configuration
        self.logger = logger
    }

    var statePath: String { (configuration.stateDirectory as NSString).appendingPathComponent("llama-server.json") }
    var lockPath: String { (configuration.stateDirectory as NSString).appendingPathComponent("llama-server.lock") }
    var logPath: String { (configuration.stateDirectory as NSString).appendingPathComponent("llama-server.log") }

    /// The recorded server if its process is still alive and is a llama-server.
    public func current() -> ManagedServerState? {
        guard let data = FileManager.default.contents(atPath: statePath),
              let state = try? JSONDecoder().decode(ManagedServerState.self, from: data) else { return nil }
        return Self.isLlamaServer(pid: state.pid) ? state : nil
    }

    /// Returns a ready server: the recorded one if it answers, else a new one started now.
    /// A file lock keeps two escalator processes from starting two servers at once.
    public func ensureRunning() async throws -> ManagedServerState {
        try FileManager.default.createDirectory(atPath: configuration.stateDirectory, withIntermediateDirectories: true)
        let lock = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lock >= 0 else {
            throw ManagedServerError(message: "cannot open \(lockPath)", fix: "check the permissions of \(configuration.stateDirectory)")
        }
        defer { close(lock) }
        while flock(lock, LOCK_EX | LOCK_NB) != 0 {
            try await Task.sleep(for: .milliseconds(50))
        }
        defer { flock(lock, LOCK_UN) }

        if let state = current(), state.modelPath == configuration.modelPath {
            let client = LlamaServerClient(configuration: .init(baseURL: state.url, connectTimeoutMs: 500), logger: logger)
            do {
                try await client.waitUntilReady(timeout: configuration.startTimeout)
                logger.debug("reusing managed llama-server", metadata: ["pid": "\(state.pid)", "port": "\(state.port)"])
                return state
            } catch {
                logger.debug("recorded llama-server does not answer; starting a new one", metadata: ["error": "\(error)"])
                _ = try? stop()
            }
        } else if let state = current() {
            logger.debug("recorded llama-server serves another model; replacing it", metadata: ["pid": "\(state.pid)"])
            _ = try? stop()
        }
        return try await start()
    }

    /// Stops the recorded server (SIGTERM to exactly its pid, then SIGKILL after 10 s) and
    /// removes the state file. Returns what was stopped, or nil if nothing was running.
    @discardableResult
    public func stop() throws -> ManagedServerState? {
        defer { try? FileManager.default.removeItem(atPath: statePath) }
        guard let state = current() else { return nil }
        kill(state.pid, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while Self.isAlive(pid: state.pid) && Date() < deadline { usleep(20_000) }
        if Self.isAlive(pid: state.pid) {
            kill(state.pid, SIGKILL)
            let end = Date().addingTimeInterval(5)
            while Self.isAlive(pid: state.pid) && Date() < end { usleep(10_000) }
        }
        return state
    }

    private func start() async throws -> ManagedServerState {
        let config = configuration
        guard FileManager.default.isExecutableFile(atPath: config.serverExecutable) else {
            throw ManagedServerError(message: "llama-server not found at \(config.serverExecutable)",
                                     fix: "run `make setup`, or set [local] server to the llama-server binary, or [local] url to a running server")
        }
        guard FileManager.default.isReadableFile(atPath: config.modelPath) else {
            throw ManagedServerError(message: "model file not found: \(config.modelPath)",
                                     fix: "run `make setup` to fetch the small default model, or set [local] model to a GGUF file")
        }
        let port = try Self.freePort()
        var arguments = ["-m", config.modelPath, "--host", "127.0.0.1", "--port", String(port),
                         "-c", String(config.contextSize), "-np", String(config.parallelSlots), "--no-ui"]
        if config.usesSWAFull { arguments.append("--swa-full") }
        arguments += config.extraArguments
        let pid = try Self.spawnDetached(config.serverExecutable, arguments, logPath: logPath)
        let state = ManagedServerState(pid: pid, port: port, modelPath: config.modelPath, logPath: logPath,
                                       startedAt: Date(), arguments: arguments)
        logger.debug("started llama-server", metadata: ["pid": "\(pid)", "port": "\(port)"])

        let client = LlamaServerClient(configuration: .init(baseURL: state.url, connectTimeoutMs: 500), logger: logger)
        let begin = ContinuousClock.now
        while true {
            do {
                try await client.health()
                break
            } catch let error as LlamaError where error.code == .loading || error.code == .connectionRefused {
                if Self.hasExited(pid: pid) {
                    throw ManagedServerError(message: "llama-server exited while starting: \(Self.tail(of: logPath))",
                                             fix: "see \(logPath); run `escalator doctor`")
                }
                if ContinuousClock.now - begin > config.startTimeout {
                    kill(pid, SIGTERM)
                    throw ManagedServerError(message: "llama-server did not become ready within \(config.startTimeout)",
                                             fix: "see \(logPath); a large model may need a longer start timeout")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let data = try JSONEncoder().encode(state)
        try data.write(to: URL(fileURLWithPath: statePath), options: .atomic)
        return state
    }

    // MARK: Process helpers (the C calls this type makes)

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ManagedServerError(message: "socket() failed", fix: "check system limits") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, len) == 0 && getsockname(fd, sa, &len) == 0
            }
        }
        guard ok else { throw ManagedServerError(message: "could not find a free port on 127.0.0.1", fix: "check the loopback interface") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Starts `path` in its own session (so it outlives escalator), output appended to `logPath`.
    static func spawnDetached(_ path: String, _ arguments: [String], logPath: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The server outlives us: it must not keep any of our descriptors open (a parent that
        // waits for our pipes or sockets to close would otherwise wait for the server too).
        for fd in openDescriptors() where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Start with an empty signal mask and default handlers: whoever started escalator may
        // have blocked SIGTERM (Foundation's Process does), and the server must still stop on it.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // glibc's POSIX_SPAWN_SETSID (0x80) sits behind _GNU_SOURCE, which Swift does not see.
        let setsid: Int16 = 0x80
        posix_spawnattr_setflags(&attributes, setsid | Int16(POSIX_SPAWN_SETSIGMASK) | Int16(POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard rc == 0 else {
            throw ManagedServerError(message: "could not start \(path): \(String(cString: strerror(rc)))",
                                     fix: "check that the file is an executable llama-server")
        }
        return pid
    }

    /// This process's open file descriptors, from /proc/self/fd.
    static func openDescriptors() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.compactMap { Int32($0) }.filter { fcntl($0, F_GETFD) != -1 }
    }

    /// True while `pid` runs. A zombie (exited, not yet reaped by a parent that may never reap
    /// it, such as a container's init) counts as gone.
    static func isAlive(pid: Int32) -> Bool {
        if hasExited(pid: pid) || kill(pid, 0) != 0 { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// Reaps `pid` if it is our exited child; true when it is gone.
    static func hasExited(pid: Int32) -> Bool {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid { return true }
        if r == -1 && errno == ECHILD { return kill(pid, 0) != 0 }
        return false
    }

    static func isLlamaServer(pid: Int32) -> Bool {
        guard isAlive(pid: pid), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let first = data.split(separator: 0).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        return first.hasSuffix("llama-server") || first.contains("llama-server")
    }

    static func tail(of path: String, lines: Int = 5) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "(no log)" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(lines).joined(separator: " | ")
    }
}
