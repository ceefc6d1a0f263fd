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

    /// glibc's `pipe2`, which Swift's Glibc module does not import (it sits behind `_GNU_SOURCE`),
    /// looked up once among the process's own symbols.
    private static let pipe2: @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32 = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "pipe2") else {
            fatalError("glibc has no pipe2 (it has had it since 2.9)")
        }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32).self)
    }()

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; nil before): the
    /// child closes every descriptor from the given one up, whoever opened it and when.
    static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32)? = {
        dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np").map {
            unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32).self)
        }
    }()

    /// Creates a pipe whose ends are close-on-exec from the start (`pipe2(O_CLOEXEC)`), so a
    /// child spawned at the same moment on another thread cannot inherit them: spawns need no
    /// lock between them.
    static func pipe() throws(RemoteError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        if pipe2(&fds, O_CLOEXEC) != 0 {
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

/// Runs blocking work (spawning a process, polling its pipes, `waitpid`) on a thread of its own,
/// bridged to the async caller with a continuation: it never occupies a thread of Swift's small
/// cooperative pool, and never waits for a free worker behind other long commands. Remote's
/// equivalent of Routing's `BlockingQueue` (Remote cannot import Routing).
func onOwnThread<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = name
        thread.start()
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
