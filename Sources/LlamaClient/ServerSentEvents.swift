/// One server-sent event: its `data` lines joined with newlines, and its `event` name if any.
public struct ServerSentEvent: Sendable, Equatable {
    public var event: String?
    public var data: String

    public init(event: String? = nil, data: String) {
        self.event = event
        self.data = data
    }
}

/// An incremental parser for `text/event-stream` bodies (the SSE format llama-server streams):
/// feed it bytes as they arrive in any chunking, and it returns the events completed so far.
/// Comment lines (`:` keep-alives) are skipped; CRLF, CR and LF line ends are all accepted.
public struct ServerSentEventParser: Sendable {
    private var buffer: [UInt8] = []
    private var dataLines: [String] = []
    private var eventName: String?
    private var pendingCR = false

    public init() {}

    /// Adds `bytes` and returns every event whose terminating blank line has arrived.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if pendingCR {
                pendingCR = false
                if byte == 0x0A { continue }  // the LF of a CRLF
            }
            if byte == 0x0A || byte == 0x0D {
                pendingCR = byte == 0x0D
                if let event = endLine() { events.append(event) }
            } else {
                buffer.append(byte)
            }
        }
        return events
    }

    /// Flushes an event left without a trailing blank line when the stream ends.
    public mutating func finish() -> ServerSentEvent? {
        if !buffer.isEmpty { _ = endLine() }
        return dispatch()
    }

    private mutating func endLine() -> ServerSentEvent? {
        let line = String(decoding: buffer, as: UTF8.self)
        buffer.removeAll(keepingCapacity: true)
        if line.isEmpty { return dispatch() }
        if line.hasPrefix(":") { return nil }
        let field: Substring, value: Substring
        if let colon = line.firstIndex(of: ":") {
            field = line[..<colon]
            var rest = line[line.index(after: colon)...]
            if rest.first == " " { rest = rest.dropFirst() }
            value = rest
        } else {
            field = Substring(line)
            value = ""
        }
        switch field {
        case "data": dataLines.append(String(value))
        case "event": eventName = String(value)
        default: break  // id, retry: not used by llama-server
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer { dataLines.removeAll(); eventName = nil }
        guard !dataLines.isEmpty else { return nil }
        return ServerSentEvent(event: eventName, data: dataLines.joined(separator: "\n"))
    }
}
