import Foundation
import Synchronization

/// A file's bytes as read on the agent's host: the part from `offset` to the end at read time.
public struct HostFile: Sendable, Equatable {
    /// Where the bytes start in the file.
    public var offset: Int
    /// The file's size when it was read.
    public var size: Int
    public var bytes: [UInt8]

    public init(offset: Int, size: Int, bytes: [UInt8]) {
        self.offset = offset
        self.size = size
        self.bytes = bytes
    }
}

/// One long-lived `sh` on the agent's host that reads files on request, so reading the agent's
/// transcript after each turn costs one round trip on the open connection, not a new command
/// (over SSH every new command runs the remote user's shell start-up files: 180–250 ms with a
/// pyenv `.bashrc`, measured here).
///
/// Requests are serialised; each reply starts with a header line carrying the request's token
/// and the byte count that follows, so anything the shell's start-up files print is skipped and
/// a reply can never be taken for another's. A shell that fails or times out is closed and the
/// next request starts a new one.
public final class HostShell: Sendable {
    /// Why a file could not be read.
    public struct Failure: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { "reading a file on the agent's host: \(reason)" }
    }

    private let transport: any Transport
    private let turn = AsyncTurn()
    private let stream = Mutex<(any CommandStream)?>(nil)
    private let started = Atomic<Int>(0)

    public init(transport: any Transport) {
        self.transport = transport
    }

    /// How many shells were started (for tests and statistics).
    public var shellsStarted: Int { started.load(ordering: .relaxed) }

    /// Reads `path` from `offset` to its end, or its last `maxBytes` when that is less; nil when
    /// the file does not exist or cannot be read. A file shorter than `offset` is read whole.
    public func read(_ path: String, from offset: Int = 0, maxBytes: Int = 8 << 20,
                     timeout: Duration = .seconds(10)) async throws -> HostFile? {
        let deadline = ContinuousClock.now + timeout
        await turn.acquire()
        defer { turn.release() }
        let token = String(UInt64.random(in: 1...UInt64.max), radix: 36)
        let header = "@@escalator-file \(token) "
        let script = Self.script(path: path, offset: max(0, offset), maxBytes: max(1, maxBytes), token: token)
        let shell = try await liveShell()
        do {
            try await shell.write(Array(script.utf8))
            var buffer: [UInt8] = []
            var expected: (offset: Int, size: Int, count: Int)?
            var bodyStart = 0
            while true {
                if expected == nil, let (line, end) = Self.headerLine(in: buffer, prefix: header) {
                    let fields = line.split(separator: " ")
                    if fields.first == "missing" { return nil }
                    guard fields.count == 3, let o = Int(fields[0]), let s = Int(fields[1]), let n = Int(fields[2]) else {
                        throw Failure(reason: "unreadable reply header \"\(line)\"")
                    }
                    expected = (o, s, n)
                    bodyStart = end
                }
                if let expected, buffer.count - bodyStart >= expected.count {
                    let body = Array(buffer[bodyStart..<(bodyStart + expected.count)])
                    return HostFile(offset: expected.offset, size: expected.size, bytes: body)
                }
                guard ContinuousClock.now < deadline else { throw Failure(reason: "no whole reply within \(timeout)") }
                // Short reads with pauses, so a wait never holds an SSH connection's queue long.
                guard let bytes = try await shell.read(timeout: min(deadline - .now, .milliseconds(2))) else {
                    throw Failure(reason: "the host's shell ended")
                }
                if bytes.isEmpty { try await Task.sleep(for: .milliseconds(1)) } else { buffer += bytes }
            }
        } catch {
            await close()
            throw error
        }
    }

    /// What `script` (shell lines, run by the long-lived shell itself, so keep it to commands
    /// that end) prints on standard output, up to `maxBytes`. Its standard error is dropped.
    public func output(of script: String, maxBytes: Int = 1 << 20, timeout: Duration = .seconds(10)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        await turn.acquire()
        defer { turn.release() }
        let token = String(UInt64.random(in: 1...UInt64.max), radix: 36)
        let begin = Array("\n@@escalator-out \(token) begin\n".utf8), end = Array("\n@@escalator-out \(token) end\n".utf8)
        let framed = "printf '\\n@@escalator-out %s begin\\n' \(token); { \(script)\n} 2>/dev/null | head -c \(max(1, maxBytes)); "
            + "printf '\\n@@escalator-out %s end\\n' \(token)\n"
        let shell = try await liveShell()
        do {
            try await shell.write(Array(framed.utf8))
            var buffer: [UInt8] = []
            while true {
                if let b = Self.find(begin, in: buffer, from: 0), let e = Self.find(end, in: buffer, from: b + begin.count) {
                    return String(decoding: buffer[(b + begin.count)..<e], as: UTF8.self)
                }
                guard ContinuousClock.now < deadline else { throw Failure(reason: "no whole reply within \(timeout)") }
                guard let bytes = try await shell.read(timeout: min(deadline - .now, .milliseconds(2))) else {
                    throw Failure(reason: "the host's shell ended")
                }
                if bytes.isEmpty { try await Task.sleep(for: .milliseconds(1)) } else { buffer += bytes }
            }
        } catch {
            await close()
            throw error
        }
    }

    /// The first index of `needle` in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count - from >= needle.count else { return nil }
        var i = from
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// Starts the shell now if none runs, so the first read does not wait for it (over SSH its
    /// start runs the remote user's shell start-up files). Failures are left for the read.
    public func warm() async {
        await turn.acquire()
        defer { turn.release() }
        _ = try? await liveShell()
    }

    /// Ends the shell (the next request starts another).
    public func close() async {
        let old = stream.withLock { s -> (any CommandStream)? in defer { s = nil }; return s }
        if let old {
            try? await old.closeInput()
            await old.close()
        }
    }

    private func liveShell() async throws -> any CommandStream {
        if let live = stream.withLock({ $0 }) { return live }
        let shell = try await transport.start(["sh"])
        started.add(1, ordering: .relaxed)
        stream.withLock { $0 = shell }
        return shell
    }

    /// The shell lines for one request: a header `@@escalator-file TOKEN OFFSET SIZE COUNT`
    /// (or `TOKEN missing`), then exactly COUNT bytes of the file from OFFSET.
    static func script(path: String, offset: Int, maxBytes: Int, token: String) -> String {
        let quoted = ShellQuoting.quote(path)
        return "f=\(quoted); o=\(offset); if [ -f \"$f\" ] && [ -r \"$f\" ]; then "
            + "s=$(wc -c < \"$f\" | tr -d ' '); [ \"$s\" -ge \"$o\" ] || o=0; "
            + "[ $((s - o)) -le \(maxBytes) ] || o=$((s - \(maxBytes))); n=$((s - o)); "
            + "printf '\\n@@escalator-file %s %s %s %s\\n' \(token) \"$o\" \"$s\" \"$n\"; "
            + "tail -c +$((o + 1)) \"$f\" | head -c \"$n\"; "
            + "else printf '\\n@@escalator-file %s missing\\n' \(token); fi\n"
    }

    /// The rest of the header line that starts with `prefix` at a line start in `buffer`, and
    /// the index just after its line feed.
    static func headerLine(in buffer: [UInt8], prefix: String) -> (String, Int)? {
        let marker = Array(("\n" + prefix).utf8)
        guard buffer.count >= marker.count else { return nil }
        var i = 0
        while i + marker.count <= buffer.count {
            if buffer[i] == marker[0], Array(buffer[i..<(i + marker.count)]) == marker {
                let start = i + marker.count
                guard let lf = buffer[start...].firstIndex(of: 0x0A) else { return nil }
                return (String(decoding: buffer[start..<lf], as: UTF8.self), lf + 1)
            }
            i += 1
        }
        return nil
    }
}
