/// A key or input event decoded from the raw byte stream of the terminal.
enum KeyEvent: Equatable {
    /// Typed bytes (UTF-8 text, possibly several characters).
    case text([UInt8])
    /// The exact bytes between `ESC[200~` and `ESC[201~`.
    case paste([UInt8])
    case enter, escape, up, down, left, right, tab, backspace, ctrlC, ctrlU
}

/// Decodes terminal input: bracketed paste, CSI/SS3 arrow keys, a lone Esc (after a short
/// quiet gap), Enter (CR or LF), backspace (DEL or BS), Ctrl-C, Ctrl-U and plain text.
struct KeyReader {
    private var pending: [UInt8] = []
    private var pasting = false
    private var pasteBytes: [UInt8] = []

    static let pasteStart: [UInt8] = Array("\u{1b}[200~".utf8)
    static let pasteEnd: [UInt8] = Array("\u{1b}[201~".utf8)

    /// True when a lone ESC is waiting to see whether a sequence follows.
    var hasPendingEscape: Bool { !pasting && pending.first == 0x1b }

    /// Feeds bytes; returns the complete events they finish.
    mutating func feed(_ bytes: [UInt8]) -> [KeyEvent] {
        pending += bytes
        return drain(final: false)
    }

    /// Called when no more bytes arrived for a short while: a pending ESC is the Esc key.
    mutating func flush() -> [KeyEvent] {
        drain(final: true)
    }

    private mutating func drain(final: Bool) -> [KeyEvent] {
        var events: [KeyEvent] = []
        var text: [UInt8] = []
        func flushText() {
            if !text.isEmpty { events.append(.text(text)); text = [] }
        }
        while !pending.isEmpty {
            if pasting {
                if let end = find(Self.pasteEnd, in: pending) {
                    pasteBytes += pending[0..<end]
                    pending.removeFirst(end + Self.pasteEnd.count)
                    events.append(.paste(pasteBytes))
                    pasteBytes = []
                    pasting = false
                    continue
                }
                // Keep a tail that could be the start of the end marker.
                let keepFrom = pending.indices.last { i in
                    pending[i] == 0x1b && Self.pasteEnd.starts(with: pending[i...])
                } ?? pending.count
                pasteBytes += pending[0..<keepFrom]
                pending.removeFirst(keepFrom)
                break
            }
            let byte = pending[0]
            if byte == 0x1b {
                if pending.count == 1 {
                    if final { flushText(); events.append(.escape); pending = [] }
                    break
                }
                if pending.starts(with: Self.pasteStart) {
                    flushText()
                    pending.removeFirst(Self.pasteStart.count)
                    pasting = true
                    continue
                }
                if pending[1] == UInt8(ascii: "[") || pending[1] == UInt8(ascii: "O") {
                    // CSI or SS3: parameters then a final byte in 0x40...0x7e.
                    guard let finalIndex = pending[2...].firstIndex(where: { (0x40...0x7e).contains($0) }) else {
                        if Self.pasteStart.starts(with: pending) && !final { break }
                        if final { flushText(); events.append(.escape); pending.removeFirst(); continue }
                        break
                    }
                    let sequence = Array(pending[0...finalIndex])
                    pending.removeFirst(finalIndex + 1)
                    flushText()
                    switch sequence.last {
                    case UInt8(ascii: "A"): events.append(.up)
                    case UInt8(ascii: "B"): events.append(.down)
                    case UInt8(ascii: "C"): events.append(.right)
                    case UInt8(ascii: "D"): events.append(.left)
                    default: break  // other sequences (focus, function keys) are ignored
                    }
                    continue
                }
                // ESC followed by something else: Esc, then that byte on its own.
                flushText()
                events.append(.escape)
                pending.removeFirst()
                continue
            }
            pending.removeFirst()
            switch byte {
            case 0x0d, 0x0a: flushText(); events.append(.enter)
            case 0x7f, 0x08: flushText(); events.append(.backspace)
            case 0x03: flushText(); events.append(.ctrlC)
            case 0x15: flushText(); events.append(.ctrlU)
            case 0x09: flushText(); events.append(.tab)
            case 0x00..<0x20: break  // other control bytes are ignored
            default: text.append(byte)
            }
        }
        flushText()
        return events
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}
