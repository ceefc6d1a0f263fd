import Foundation

/// What a finished command produced. A non-zero exit status or a signal exit is data, not an error.
public struct CommandResult: Sendable, Equatable {
    /// Everything the command wrote to standard output.
    public var stdout: [UInt8]
    /// Everything the command wrote to standard error.
    public var stderr: [UInt8]
    /// The exit status (0 when the command was killed by a signal; check ``exitSignal``).
    public var exitStatus: Int32
    /// The name of the signal that killed the command, without `SIG` (`"TERM"`), or nil.
    public var exitSignal: String?

    public init(stdout: [UInt8], stderr: [UInt8], exitStatus: Int32, exitSignal: String?) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
    }

    /// True when the command exited with status 0 and no signal.
    public var succeeded: Bool { exitStatus == 0 && exitSignal == nil }
    /// Standard output decoded as UTF-8 (invalid bytes replaced).
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// Standard error decoded as UTF-8 (invalid bytes replaced).
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs commands somewhere: on this machine (``LocalTransport``) or over SSH (``SSHConnection``).
///
/// Commands are argument vectors, never shell strings. Over SSH the vector is joined with POSIX
/// single-quote escaping (``ShellQuoting``) because the remote side always runs a shell; locally it
/// is spawned directly.
public protocol Transport: Sendable {
    /// A short human-readable name of where commands run (`"local"`, `"user@host:22"`).
    var endpointDescription: String { get }

    /// Runs `argv` to completion.
    /// - Parameters:
    ///   - argv: The program and its arguments; must not be empty or contain NUL bytes.
    ///   - stdin: Bytes fed to the command's standard input, which is then closed. Nil sends nothing.
    ///   - timeout: How long the whole command may take; on expiry it is abandoned and an error thrown.
    /// - Returns: Output, exit status and exit signal. A non-zero exit is returned, not thrown.
    /// - Throws: ``RemoteError`` when the command could not be started or the transport failed.
    func run(_ argv: [String], stdin: [UInt8]?, timeout: Duration) async throws -> CommandResult

    /// Starts `argv` and returns a handle to talk to it while it runs (for `tmux -C`).
    /// - Throws: ``RemoteError`` when the command could not be started.
    func start(_ argv: [String]) async throws -> any CommandStream
}

extension Transport {
    /// Runs `argv` with no input and a 30 s timeout.
    public func run(_ argv: [String]) async throws -> CommandResult {
        try await run(argv, stdin: nil, timeout: .seconds(30))
    }
}

/// A running command: write to its standard input, read its standard output, wait for it or close it.
///
/// Standard error is drained as part of every read and kept (up to 1 MiB) for ``finish(timeout:)``.
public protocol CommandStream: AnyObject, Sendable {
    /// Writes all of `bytes` to the command's standard input.
    func write(_ bytes: [UInt8]) async throws
    /// Closes the command's standard input (sends EOF).
    func closeInput() async throws
    /// Waits up to `timeout` for standard output.
    /// - Returns: The bytes available (possibly empty when the timeout passed with nothing new),
    ///   or nil once standard output has ended.
    func read(timeout: Duration) async throws -> [UInt8]?
    /// Waits for the command to end, draining its output, and returns its exit status.
    /// Output already returned by ``read(timeout:)`` is not repeated.
    func finish(timeout: Duration) async throws -> CommandResult
    /// Ends the command if still running and releases its resources. Safe to call more than once.
    func close() async
}

/// Splits a byte stream into lines (separated by LF; a trailing CR is removed).
public struct LineSplitter: Sendable {
    private var pending: [UInt8] = []
    public init() {}

    /// Appends `bytes` and returns the complete lines now available.
    public mutating func append(_ bytes: [UInt8]) -> [String] {
        pending.append(contentsOf: bytes)
        var lines: [String] = []
        var start = 0
        for index in pending.indices where pending[index] == 0x0A {
            var end = index
            if end > start && pending[end - 1] == 0x0D { end -= 1 }
            lines.append(String(decoding: pending[start..<end], as: UTF8.self))
            start = index + 1
        }
        if start > 0 { pending.removeFirst(start) }
        return lines
    }
}

/// POSIX shell quoting for the command line sent over SSH.
public enum ShellQuoting {
    /// Quotes one argument so a POSIX shell reads it back byte for byte.
    public static func quote(_ argument: String) -> String {
        if !argument.isEmpty && argument.utf8.allSatisfy(isSafe) { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// Joins an argument vector into one shell command line.
    /// - Throws: ``RemoteError`` with code `invalidArgument` for an empty vector or a NUL byte.
    public static func join(_ argv: [String]) throws(RemoteError) -> String {
        guard !argv.isEmpty else {
            throw RemoteError(.invalidArgument, call: "ShellQuoting.join", message: "empty command")
        }
        if argv.contains(where: { $0.utf8.contains(0) }) {
            throw RemoteError(.invalidArgument, call: "ShellQuoting.join",
                              message: "an argument contains a NUL byte, which no command line can carry")
        }
        return argv.map(quote).joined(separator: " ")
    }

    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "="),
             UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

/// Signal numbers to the names SSH uses (`TERM`, `KILL`), for local exit statuses.
enum SignalNames {
    static func name(_ number: Int32) -> String {
        let names: [Int32: String] = [1: "HUP", 2: "INT", 3: "QUIT", 4: "ILL", 5: "TRAP", 6: "ABRT", 7: "BUS",
                                      8: "FPE", 9: "KILL", 10: "USR1", 11: "SEGV", 12: "USR2", 13: "PIPE",
                                      14: "ALRM", 15: "TERM", 17: "CHLD", 18: "CONT", 19: "STOP", 20: "TSTP"]
        return names[number] ?? "SIG\(number)"
    }
}
