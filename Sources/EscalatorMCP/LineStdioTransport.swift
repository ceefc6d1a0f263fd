import Foundation
import Logging
import MCP
import Routing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// MCP's stdio transport (one JSON-RPC message per line) with blocking I/O kept off the
/// cooperative pool: a dedicated thread blocks in `read(2)` on the input and writes go through a
/// serial queue, one whole message at a time. The SDK's `StdioTransport` instead makes both
/// descriptors non-blocking and polls every 10 ms, about 2% of a core for an idle server that
/// lives as long as the agent's session.
public actor LineStdioTransport: Transport {
    public nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let writes = BlockingQueue(label: "escalator.mcp.stdout")
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var reading = false

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, logger: Logger) {
        self.input = input
        self.output = output
        self.logger = logger
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    public func connect() async throws {
        guard !reading else { return }
        reading = true
        let (fd, continuation, logger) = (input, continuation, logger)
        let thread = Thread {
            Self.readLines(fd, logger: logger) { continuation.yield($0) }
            continuation.finish()
        }
        thread.name = "escalator.mcp.stdin"
        thread.start()
    }

    public func disconnect() async {
        continuation.finish()
    }

    public func send(_ data: Data) async throws {
        var line = data
        line.append(UInt8(ascii: "\n"))
        let (fd, message) = (output, line)
        try await writes.run { try Self.writeAll(fd, message) }
    }

    public nonisolated func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    // MARK: Blocking I/O (on the reader thread and the write queue)

    /// Reads `fd` until end of file, handing each non-empty line (without its `\n` or `\r\n`) to `deliver`.
    static func readLines(_ fd: Int32, logger: Logger, deliver: (Data) -> Void) {
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    // Someone made the descriptor non-blocking: wait until it is readable.
                    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    _ = poll(&p, 1, -1)
                    continue
                }
                logger.warning("reading MCP messages from stdin failed: \(String(cString: strerror(errno)))")
                break
            }
            pending.append(contentsOf: buffer[0..<n])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = pending[pending.startIndex..<newline]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                pending = Data(pending[pending.index(after: newline)...])
                if !line.isEmpty { deliver(Data(line)) }
            }
        }
        if !pending.isEmpty { deliver(pending) }
    }

    static func writeAll(_ fd: Int32, _ data: Data) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN || errno == EWOULDBLOCK {
                        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&p, 1, -1)
                        continue
                    }
                    throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
                }
                offset += n
            }
        }
    }
}
