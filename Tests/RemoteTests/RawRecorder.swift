import Foundation

/// A raw-mode recorder run in a pane: enables bracketed paste, writes every byte it receives to a file.
enum Recorder {
    static let script = """
    import os, sys, tty
    tty.setraw(0)
    out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(1, b'\\x1b[?2004hRECORDER READY\\r\\n')
    open(sys.argv[2], 'w').close()
    while True:
        data = os.read(0, 65536)
        if not data:
            break
        os.write(out, data)
    """

    /// Splits a recording into the payloads of its bracketed pastes (in order) and the bytes after the last paste.
    static func pastes(in recording: [UInt8]) -> (payloads: [[UInt8]], rest: [UInt8]) {
        let start: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x30, 0x7E], end: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]
        var payloads: [[UInt8]] = []
        var index = 0
        while let s = find(start, in: recording, from: index), let e = find(end, in: recording, from: s + 6) {
            payloads.append(Array(recording[(s + 6)..<e]))
            index = e + 6
        }
        return (payloads, Array(recording[index...]))
    }

    static func count(_ needle: [UInt8], in haystack: [UInt8]) -> Int {
        var count = 0, index = 0
        while let found = find(needle, in: haystack, from: index) { count += 1; index = found + needle.count }
        return count
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var i = from
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
