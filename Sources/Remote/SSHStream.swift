import CLibSSH2
import Foundation

/// A ``CommandStream`` over one SSH exec channel of an ``SSHConnection``.
///
/// Every operation runs as short steps (at most ~50 ms each) on the connection's queue, so other
/// commands on the same connection interleave with a stream that is waiting for output.
final class SSHStream: CommandStream, @unchecked Sendable {
    private let connection: SSHConnection
    private let io: SSHChannelIO
    private let generation: Int
    // Confined to the connection's queue.
    private var stdout: [UInt8] = []
    private var stderr: [UInt8] = []
    private var inputClosed = false
    private var finished = false

    init(connection: SSHConnection, io: SSHChannelIO, generation: Int) {
        self.connection = connection
        self.io = io
        self.generation = generation
    }

    private func step<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await onQueue(connection.queue) {
            guard !self.finished else {
                throw RemoteError(.ioFailed, call: "exec", message: "the stream was already closed")
            }
            guard self.connection.isCurrent(self.generation) != nil else {
                self.finished = true
                throw RemoteError(.connectionLost, call: "exec", message: "the SSH connection of this stream was lost")
            }
            return try body()
        }
    }

    /// Reads both streams without waiting; on nothing new and no EOF waits up to `deadline` (≤ 50 ms).
    private func pump(deadline: ContinuousClock.Instant) throws(RemoteError) -> Bool {
        var progressed = try io.readAvailable(stream: 0, into: &stdout)
        if try io.readAvailable(stream: SSH_EXTENDED_DATA_STDERR, into: &stderr, limit: 1 << 20) { progressed = true }
        if !progressed && !io.isEOF && !io.hasBufferedData { io.wait(deadline, cap: 50) }
        return progressed
    }

    func write(_ bytes: [UInt8]) async throws {
        var pending = bytes[...]
        let deadline = ContinuousClock.now + .seconds(30)
        while !pending.isEmpty {
            let chunk = pending
            let written: Int = try await step {
                guard !self.inputClosed else { throw RemoteError(.ioFailed, call: "write", message: "the command's input is closed") }
                let n = try self.io.writeSome(chunk)
                if n == 0 { _ = try self.pump(deadline: min(deadline, ContinuousClock.now + .milliseconds(50))) }
                return n
            }
            pending = pending.dropFirst(written)
            if ContinuousClock.now >= deadline {
                throw RemoteError(.timedOut, call: "libssh2_channel_write_ex", message: "the remote command did not read its input")
            }
        }
    }

    func closeInput() async throws {
        try await step {
            guard !self.inputClosed else { return }
            self.inputClosed = true
            try self.io.sendEOF(deadline: ContinuousClock.now + .seconds(10))
        }
    }

    func read(timeout: Duration) async throws -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let result: [UInt8]?? = try await step {
                if self.stdout.isEmpty {
                    _ = try self.pump(deadline: deadline)
                }
                if !self.stdout.isEmpty {
                    defer { self.stdout = [] }
                    return .some(self.stdout)
                }
                return self.io.isEOF ? .some(nil) : .none
            }
            if let result { return result }
            if ContinuousClock.now >= deadline || Task.isCancelled { return [] }
        }
    }

    func finish(timeout: Duration) async throws -> CommandResult {
        let deadline = ContinuousClock.now + timeout
        while true {
            let done: Bool = try await step {
                let progressed = try self.pump(deadline: deadline)
                return !progressed && self.io.isEOF
            }
            if done { break }
            if ContinuousClock.now >= deadline {
                throw RemoteError(.timedOut, call: "poll", message: "the remote command did not end in time")
            }
        }
        return try await step {
            let (status, signal) = try self.io.closeAndCollect(deadline: deadline)
            self.io.free(deadline: deadline)
            self.finished = true
            defer { self.stdout = [] }
            return CommandResult(stdout: self.stdout, stderr: self.stderr, exitStatus: status, exitSignal: signal)
        }
    }

    func close() async {
        _ = try? await onQueue(connection.queue) {
            guard !self.finished else { return }
            self.finished = true
            guard self.connection.isCurrent(self.generation) != nil else { return }
            // Closing the channel makes sshd hang up the command (SIGHUP via the closed pipes).
            let deadline = ContinuousClock.now + .seconds(2)
            while libssh2_channel_close(self.io.channel) == LIBSSH2_ERROR_EAGAIN {
                if !self.io.wait(deadline) { break }
            }
            self.io.free(deadline: deadline)
        }
    }
}
