import Agents
import Foundation
import Testing
import TestSupport

/// A real tmux server on a private socket in a temporary directory, running one program in
/// a fixed-size pane. `stop()` ends exactly that server (`kill-server` on its socket).
final class SimPane: @unchecked Sendable {
    let tmux: String
    let directory: TemporaryDirectory
    let socket: String
    let serverPID: Int32
    /// Files outside `directory` to remove on `stop()` (for example a record file).
    var cleanup: [String] = []
    static let target = "sim"

    /// Nil (skip) when tmux is missing outside CI; in CI a missing tmux fails the test.
    static func start(_ command: [String], columns: Int = 100, rows: Int = 40) throws -> SimPane? {
        guard let tmux = RealPart.executable("tmux") else {
            if RealPart.isCI { throw RealPart.Missing(part: "tmux", fix: "apt-get install -y tmux") }
            return nil
        }
        return try SimPane(tmux: tmux, command: command, columns: columns, rows: rows)
    }

    private init(tmux: String, command: [String], columns: Int, rows: Int) throws {
        self.tmux = tmux
        directory = try TemporaryDirectory(prefix: "agents-tmux")
        socket = directory.file("sock")
        let started = try Self.spawn([tmux, "-S", socket, "-f", "/dev/null", "new-session", "-d", "-s", Self.target,
                                      "-x", "\(columns)", "-y", "\(rows)", "--"] + command
                                     + [";", "set-option", "-t", Self.target, "remain-on-exit", "on"], in: directory)
        guard started.status == 0 else {
            throw RealPart.Missing(part: "tmux session", fix: "tmux new-session failed: \(started.stderr)")
        }
        let pid = try Self.spawn([tmux, "-S", socket, "display-message", "-p", "#{pid}"], in: directory)
        serverPID = Int32(pid.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let result = try Self.spawn([tmux, "-S", socket] + arguments, in: directory)
        if result.status != 0 {
            Issue.record("tmux \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result.stdout
    }

    func type(_ text: String) throws { try run(["send-keys", "-t", Self.target, "-l", "--", text]) }

    func key(_ name: String) throws { try run(["send-keys", "-t", Self.target, name]) }

    /// A bracketed paste of `text` with its bytes unchanged (`-p` brackets, `-r` keeps LF).
    func paste(_ text: String) throws {
        let file = directory.file("paste-\(UUID().uuidString.prefix(6))")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        try run(["load-buffer", "-b", "escalator", file])
        try run(["paste-buffer", "-p", "-r", "-d", "-b", "escalator", "-t", Self.target])
    }

    func capture() throws -> String { try run(["capture-pane", "-p", "-t", Self.target]) }

    /// Performs a profile's input steps the way a driver would.
    func perform(_ steps: [InputStep]) async throws {
        for step in steps {
            switch step {
            case .type(let text): try type(text)
            case .paste(let text): try paste(text)
            case .key(let key): try self.key(key.tmuxName)
            case .pause(let duration), .untilShown(let duration): try await Task.sleep(for: duration)
            }
        }
    }

    /// Waits until parsing the pane gives a state that satisfies `condition`; returns it.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 20, profile: any AgentProfile = ClaudeCodeProfile(),
                 after submission: Submission? = nil,
                 _ condition: @escaping (ScreenState) -> Bool) async throws -> ScreenState {
        var last = ScreenState(kind: .unknown)
        var pane = ""
        do {
            try await waitUntil(what, timeout: timeout) {
                pane = try self.capture()
                last = profile.parse(pane, after: submission)
                return condition(last)
            }
        } catch {
            Issue.record("\(error); last state \(last); pane:\n\(pane)")
            throw error
        }
        return last
    }

    /// `(dead, status)` of the pane's program (`remain-on-exit` keeps the pane).
    func paneExit() throws -> (dead: Bool, status: Int32?) {
        let out = try run(["display-message", "-p", "-t", Self.target, "#{pane_dead} #{pane_dead_status}"])
        let parts = out.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        return (parts.first == "1", parts.count > 1 ? Int32(parts[1]) : nil)
    }

    /// Runs `argv` to completion with an empty signal mask and default signal actions.
    ///
    /// The test process blocks many signals (SIGCHLD, SIGHUP, SIGTERM among them) and a child
    /// started with `Process` inherits that mask; a tmux server started that way never reaps
    /// its panes and ignores `kill-server`. `posix_spawn` lets us reset the mask.
    static func spawn(_ argv: [String], in directory: TemporaryDirectory) throws -> SpawnResult {
        let outPath = directory.file("out-\(UUID().uuidString.prefix(8))")
        let errPath = directory.file("err-\(UUID().uuidString.prefix(8))")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, &cArgs, environ)
        guard rc == 0 else { throw RealPart.Missing(part: argv[0], fix: "posix_spawn failed: \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
        let exited = status & 0x7f == 0
        return SpawnResult(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), stdout: out, stderr: err)
    }

    func stop() {
        _ = try? Self.spawn([tmux, "-S", socket, "kill-server"], in: directory)
        for path in cleanup { try? FileManager.default.removeItem(atPath: path) }
        directory.remove()
    }
}

/// Exit status and output of a spawned command.
struct SpawnResult {
    var status: Int32
    var stdout: String
    var stderr: String
}
