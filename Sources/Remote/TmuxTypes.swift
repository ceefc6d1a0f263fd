/// Which tmux server to talk to.
public struct TmuxSocket: Sendable, Hashable, CustomStringConvertible {
    /// The arguments selecting the server (`-L name`, `-S path`, or none for the default).
    public let arguments: [String]

    /// A named socket in tmux's socket directory (`tmux -L name`).
    public static func named(_ name: String) -> TmuxSocket { TmuxSocket(arguments: ["-L", name]) }
    /// A socket at an explicit path (`tmux -S path`).
    public static func path(_ path: String) -> TmuxSocket { TmuxSocket(arguments: ["-S", path]) }
    /// The user's default server.
    public static let `default` = TmuxSocket(arguments: [])

    public var description: String { arguments.isEmpty ? "default" : arguments.joined(separator: " ") }
}

/// A pane: its session and its unique pane id (`%3`), which is also its tmux target.
public struct TmuxPane: Sendable, Hashable, CustomStringConvertible {
    /// The session holding the pane.
    public var session: String
    /// The pane id, such as `%3`.
    public var id: String

    public init(session: String, id: String) {
        self.session = session
        self.id = id
    }

    /// The `-t` target for this pane.
    public var target: String { id }
    public var description: String { "\(session) \(id)" }
}

/// A named key for `send-keys`, always sent as its own argument (never typed as text).
public struct TmuxKey: Sendable, Hashable, CustomStringConvertible {
    /// The tmux key name, such as `Enter` or `C-c`.
    public let name: String

    /// A key by tmux name. Returns nil unless the name is letters, digits and `-` (e.g. `F5`, `M-Enter`, `C-u`).
    public init?(name: String) {
        guard !name.isEmpty, !name.hasPrefix("-"),
              name.unicodeScalars.allSatisfy({ $0.isASCIILetterOrDigit || $0 == "-" }) else {
            return nil
        }
        self.name = name
    }

    private init(known: String) { name = known }

    public static let enter = TmuxKey(known: "Enter")
    public static let escape = TmuxKey(known: "Escape")
    public static let up = TmuxKey(known: "Up")
    public static let down = TmuxKey(known: "Down")
    public static let left = TmuxKey(known: "Left")
    public static let right = TmuxKey(known: "Right")
    public static let tab = TmuxKey(known: "Tab")
    public static let backTab = TmuxKey(known: "BTab")
    public static let backspace = TmuxKey(known: "BSpace")
    public static let ctrlC = TmuxKey(known: "C-c")
    public static let ctrlD = TmuxKey(known: "C-d")
    public static let ctrlJ = TmuxKey(known: "C-j")
    public static let ctrlM = TmuxKey(known: "C-m")
    public static let ctrlU = TmuxKey(known: "C-u")
    public static let metaEnter = TmuxKey(known: "M-Enter")
    public static let pageUp = TmuxKey(known: "PPage")
    public static let pageDown = TmuxKey(known: "NPage")

    public var description: String { name }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetterOrDigit: Bool {
        (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
    }
}

/// Pure helpers for building tmux input and reading control-mode output (unit-testable).
public enum TmuxText {
    /// The bracketed-paste start sequence `ESC [ 200 ~`.
    public static let pasteStart: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x30, 0x7E]
    /// The bracketed-paste end sequence `ESC [ 201 ~`.
    public static let pasteEnd: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]

    /// Removes every embedded bracketed-paste start or end sequence, so pasted text can never end
    /// the paste early and have its remainder read as typed keys.
    public static func removingPasteMarkers(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x1B && index + 6 <= bytes.count {
                let window = bytes[index..<(index + 6)]
                if window.elementsEqual(pasteStart) || window.elementsEqual(pasteEnd) {
                    index += 6
                    continue
                }
            }
            out.append(bytes[index])
            index += 1
        }
        // Removing one marker can join the halves of another (ESC[20 + ESC[201~ + 1~): repeat until stable.
        return out.count == bytes.count ? out : removingPasteMarkers(out)
    }

    /// The pane id of a control-mode `%output %ID data` line, or nil for other lines.
    public static func outputPane(ofControlLine line: String) -> String? {
        guard line.hasPrefix("%output %") else { return nil }
        let rest = line.dropFirst("%output ".count)
        return String(rest.prefix { $0 != " " })
    }

    /// A tmux-safe name (letters, digits, `-`, `_`) derived from `text`.
    public static func safeName(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.isASCIILetterOrDigit || $0 == "-" || $0 == "_" ? Character($0) : "_" })
    }
}
