import Foundation

/// Streams text as the recorded answer will read: the answer is stored without leading or
/// trailing whitespace, so leading whitespace is dropped and trailing whitespace is held back
/// until more text follows it (and dropped at the end). What a client concatenates then equals
/// the answer in the body, the final event and the ledger.
struct StreamTrimmer {
    private var started = false
    private var held = ""

    /// The part of `piece` that can be sent now.
    mutating func feed(_ piece: String) -> String {
        var text = held + piece
        held = ""
        if !started {
            text = String(text.drop { Self.isSpace($0) })
            guard !text.isEmpty else { return "" }
            started = true
        }
        let body = text.reversed().drop { Self.isSpace($0) }.count
        let cut = text.index(text.startIndex, offsetBy: body)
        held = String(text[cut...])
        return String(text[..<cut])
    }

    static func isSpace(_ c: Character) -> Bool {
        c.unicodeScalars.allSatisfy { CharacterSet.whitespacesAndNewlines.contains($0) }
    }
}
