import Foundation

/// A private tmux server for tests: its socket lives in a temp dir, it starts with `-f /dev/null`,
/// its server pid is recorded, and teardown kills only this socket's server (then that pid if needed).
public final class TmuxFixture: @unchecked Sendable {
    public let directory: TemporaryDirectory
    /// The socket path (`tmux -S`).
    public let socketPath: String
    /// The tmux binary.
    public let tmuxPath: String
    /// The server pid, once ``recordServerPID()`` has seen a running server.
    public private(set) var serverPID: Int32?

    /// The tmux binary, or nil when tmux is not installed.
    public static var tmuxExecutable: String? { RealPart.executable("tmux") }

    /// - Throws: ``RealPart/Missing`` when tmux is not installed.
    public init() throws {
        guard let tmux = Self.tmuxExecutable else {
            throw RealPart.Missing(part: "tmux", fix: "apt-get install -y tmux")
        }
        tmuxPath = tmux
        directory = try TemporaryDirectory(prefix: "escalator-tmux")
        socketPath = directory.file("tmux.sock")
    }

    /// Reads and records the server pid (`display -p '#{pid}'`); call after the server started.
    @discardableResult
    public func recordServerPID() throws -> Int32? {
        let result = try runBinary(tmuxPath, ["-S", socketPath, "display-message", "-p", "#{pid}"])
        if let pid = Int32(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) { serverPID = pid }
        return serverPID
    }

    /// Kills this socket's server only, then makes sure the recorded pid is gone, and removes the directory.
    public func stop() {
        if serverPID == nil { _ = try? recordServerPID() }
        _ = try? runBinary(tmuxPath, ["-S", socketPath, "kill-server"])
        if let pid = serverPID {
            // The server is not our child (tmux daemonizes), so poll for it with a deadline.
            let deadline = Date().addingTimeInterval(5)
            while kill(pid, 0) == 0 && Date() < deadline {
                kill(pid, SIGTERM)
                usleep(20_000)
            }
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
        directory.remove()
    }
}
