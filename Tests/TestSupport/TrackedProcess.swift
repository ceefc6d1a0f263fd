import Foundation

/// A child process started by a test fixture. Its pid is recorded at launch and `stop()`
/// signals exactly that pid (never by name), then waits for it to exit.
public final class TrackedProcess: @unchecked Sendable {
    public let process: Process
    public let pid: Int32
    public let logPath: String?

    /// Starts `executable` with `arguments`; stdout and stderr go to `logPath` (or are discarded).
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                logPath: String? = nil, currentDirectory: String? = nil) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let environment { p.environment = environment }
        if let currentDirectory { p.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        if let logPath {
            FileManager.default.createFile(atPath: logPath, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            p.standardOutput = handle
            p.standardError = handle
        } else {
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
        }
        p.standardInput = FileHandle.nullDevice
        try p.run()
        process = p
        pid = p.processIdentifier
        self.logPath = logPath
    }

    public var isRunning: Bool { process.isRunning }

    /// The log written so far (empty when none).
    public func log() -> String {
        guard let logPath, let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Sends SIGTERM to this pid, then SIGKILL if it has not exited within `grace` seconds.
    public func stop(grace: Double = 5) {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop(grace: 1) }
}
