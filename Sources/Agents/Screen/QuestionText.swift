/// The rules a question must meet to be delivered to a terminal agent as text.
///
/// A terminal carries text, not bytes: a NUL ends it, invalid UTF-8 cannot be typed, control
/// characters (ESC and the ANSI/OSC sequences and paste markers it starts, BEL, Ctrl-C, DEL…)
/// act as keys, and the invisible formatting characters that Claude Code strips from its input
/// (bidirectional overrides, zero-width spaces, line/paragraph separators, tag characters) would
/// change the text on the way. Such a question is refused before anything is sent, with the
/// character and its position named, rather than delivered altered or acted on.
public enum QuestionText {
    /// Why a question cannot be delivered.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable, Equatable {
            case empty, invalidUTF8, nul, control, invisible
        }

        public var kind: Kind
        /// 1-based character position of the offending character, when there is one.
        public var position: Int?
        /// The offending code point, when there is one.
        public var scalar: UInt32?

        public init(kind: Kind, position: Int? = nil, scalar: UInt32? = nil) {
            self.kind = kind
            self.position = position
            self.scalar = scalar
        }

        public var description: String {
            let at = position.map { " at character \($0)" } ?? ""
            let name = scalar.map { QuestionText.name(of: $0) } ?? ""
            switch kind {
            case .empty:
                return "the question is empty — pass the question as an argument or on standard input"
            case .invalidUTF8:
                return "the question is not valid UTF-8\(at) — pass it as UTF-8 text"
            case .nul:
                return "the question contains a NUL byte (U+0000)\(at) — a question is text; remove it"
            case .control:
                return "the question contains the control character \(name)\(at), which a terminal agent would take as a key "
                    + "or an escape sequence — remove it (write it out as text, e.g. \\x1b, if it is part of the question)"
            case .invisible:
                return "the question contains the invisible character \(name)\(at), which Claude Code removes from its input "
                    + "(so the agent would get other text than you asked) — remove it"
            }
        }
    }

    /// Checks raw bytes: valid UTF-8 and then ``validate(_:)``. Returns the decoded text.
    public static func decode(_ bytes: some Collection<UInt8>) throws(Problem) -> String {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var text = String.UnicodeScalarView()
        var position = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                position += 1
                text.append(scalar)
            case .emptyInput:
                break loop
            case .error:
                throw Problem(kind: .invalidUTF8, position: position + 1)
            }
        }
        let decoded = String(text)
        try validate(decoded)
        return decoded
    }

    /// Checks that `text` holds something besides whitespace and none of the characters a
    /// terminal agent cannot receive as text. Tab, line feed and carriage return are allowed.
    public static func validate(_ text: String) throws(Problem) {
        var position = 0
        var visible = false
        for scalar in text.unicodeScalars {
            position += 1
            let v = scalar.value
            if v == 0 { throw Problem(kind: .nul, position: position, scalar: v) }
            if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (0x7F...0x9F).contains(v) {
                throw Problem(kind: .control, position: position, scalar: v)
            }
            if isStripped(v) { throw Problem(kind: .invisible, position: position, scalar: v) }
            if !scalar.properties.isWhitespace { visible = true }
        }
        if !visible { throw Problem(kind: .empty) }
    }

    /// Invisible characters Claude Code 2.1 strips from typed and pasted input: bidirectional
    /// marks and overrides, zero-width space and word joiner, byte-order mark, line and
    /// paragraph separators, and tag characters. (Zero-width joiners and variation selectors,
    /// part of emoji, pass through and are allowed.)
    static func isStripped(_ v: UInt32) -> Bool {
        switch v {
        case 0x061C, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF,
             0xE0000...0xE007F:
            return true
        default:
            return false
        }
    }

    static func name(of v: UInt32) -> String {
        let hex = String(v, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let names: [UInt32: String] = [
            0x07: "BEL", 0x08: "BACKSPACE", 0x03: "Ctrl-C (ETX)", 0x15: "Ctrl-U (NAK)", 0x1B: "ESC", 0x7F: "DEL",
            0x200B: "ZERO WIDTH SPACE", 0x202E: "RIGHT-TO-LEFT OVERRIDE", 0x202D: "LEFT-TO-RIGHT OVERRIDE",
            0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR", 0xFEFF: "BYTE ORDER MARK",
        ]
        return names[v].map { "\(code) (\($0))" } ?? code
    }
}
