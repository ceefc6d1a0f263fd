import Foundation

/// Normalisation of captured pane text before any matching.
public enum PaneText {
    /// Splits a capture into rows: ANSI escapes removed, U+00A0 mapped to a space, carriage
    /// returns dropped, each row right-trimmed, trailing blank rows removed.
    public static func lines(_ pane: String) -> [String] {
        var rows = stripANSI(pane)
            .replacingOccurrences(of: "\u{00A0}", with: " ")
            .replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { rightTrimmed($0.replacingOccurrences(of: "\r", with: "")) }
        while let last = rows.last, last.isEmpty { rows.removeLast() }
        return rows
    }

    /// Removes CSI (`ESC [ … final`), OSC (`ESC ] … BEL` or `ESC ] … ESC \`) and other
    /// two-byte escape sequences.
    public static func stripANSI(_ text: String) -> String {
        guard text.contains("\u{1b}") else { return text }
        var out = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\u{1b}" else { out.append(scalar); continue }
            guard let kind = scalars.next() else { break }
            switch kind {
            case "[":
                while let next = scalars.next(), !(0x40...0x7e).contains(next.value) {}
            case "]":
                var previous: Unicode.Scalar = " "
                while let next = scalars.next() {
                    if next == "\u{07}" || (previous == "\u{1b}" && next == "\\") { break }
                    previous = next
                }
            default:
                break
            }
        }
        return String(out)
    }

    public static func rightTrimmed(_ text: String) -> String {
        var end = text.endIndex
        while end > text.startIndex {
            let before = text.index(before: end)
            guard text[before] == " " || text[before] == "\t" else { break }
            end = before
        }
        return String(text[..<end])
    }

    /// Number of leading spaces.
    public static func indent(_ text: String) -> Int {
        text.prefix { $0 == " " }.count
    }

    /// Text without leading and trailing spaces.
    public static func trimmed(_ text: String) -> String {
        rightTrimmed(String(text.drop { $0 == " " || $0 == "\t" }))
    }

    /// Collapses runs of whitespace into one space and trims the ends.
    public static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{00A0}" })
            .joined(separator: " ")
    }
}
