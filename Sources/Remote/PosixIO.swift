import Foundation

/// Small libc helpers shared by the local transport and the SSH socket code. Blocking; call on a
/// dispatch queue, never on the cooperative pool.
enum PosixIO {
    /// This machine's host name.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(cString: buffer)
    }

    /// False only when no process `pid` exists on this machine (a zombie still counts as existing).
    static func processExists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }

    /// The current errno as text.
    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Serialises pipe creation and spawning in this module, so a child spawned on another thread
    /// never inherits a pipe end before it is marked close-on-exec (glibc's `pipe2` is not imported).
    static let spawnLock = NSLock()

    /// Creates a pipe whose ends are close-on-exec. Call with ``spawnLock`` held.
    static func pipe() throws(RemoteError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        if Glibc.pipe(&fds) == 0 {
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        } else {
            let e = errno
            throw RemoteError(.spawnFailed, call: "pipe2", cCode: e, libraryMessage: errorText(e),
                              message: "could not create a pipe")
        }
        return (fds[0], fds[1])
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    /// Milliseconds until `deadline`, clamped to `[0, cap]`.
    static func millisecondsUntil(_ deadline: ContinuousClock.Instant, cap: Int32 = 100) -> Int32 {
        let remaining = deadline - .now
        if remaining <= .zero { return 0 }
        let ms = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
        return Int32(min(Int64(cap), max(1, ms)))
    }

    /// Reads what is available from a non-blocking fd: returns nil at EOF, [] when nothing is ready.
    static func readAvailable(_ fd: Int32, max: Int = 65536) throws(RemoteError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: max)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, max) }
            if n > 0 { return Array(buffer[0..<n]) }
            if n == 0 { return nil }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return [] }
            throw RemoteError(.ioFailed, call: "read", cCode: e, libraryMessage: errorText(e),
                              message: "reading from a command's output failed")
        }
    }

    /// Writes as much as possible to a non-blocking fd; returns the count written (0 when full).
    static func writeSome(_ fd: Int32, _ bytes: ArraySlice<UInt8>) throws(RemoteError) -> Int {
        while true {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n >= 0 { return n }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return 0 }
            throw RemoteError(.ioFailed, call: "write", cCode: e, libraryMessage: errorText(e),
                              message: "writing to a command's input failed (did it exit early?)")
        }
    }

    /// Decodes a `waitpid` status into (exit status, signal name).
    static func decodeWaitStatus(_ status: Int32) -> (Int32, String?) {
        let signal = status & 0x7f
        if signal == 0 { return ((status >> 8) & 0xff, nil) }
        return (0, SignalNames.name(signal))
    }

    /// Waits for `pid`, retrying on EINTR.
    static func waitFor(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }
}

/// Runs a blocking closure on `queue` and resumes the caller with its result.
func onQueue<T: Sendable>(_ queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        queue.async { continuation.resume(with: Result { try body() }) }
    }
}

/// A flag set from a cancellation handler and read by a blocking loop.
final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func cancel() { lock.lock(); value = true; lock.unlock() }
    var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
