/// `remote.command`: the command line that starts the agent, split into words when the settings
/// are loaded, so a bad quote is a load error naming the key rather than a failure at the first
/// escalation.
public struct AgentCommandLine: Sendable, Equatable, CustomStringConvertible {
    /// As written in the config.
    public let text: String
    /// The program and its arguments (never empty).
    public let words: [String]

    /// Splits `text` like a shell would (without running one); refuses unbalanced quotes, a
    /// trailing backslash and an empty command.
    public init(_ text: String) throws {
        let words = try CommandLineWords.split(text)
        guard !words.isEmpty else {
            throw RoutingError(problem: "remote.command is empty", fix: "set it to the command that starts the agent, e.g. claude")
        }
        self.text = text
        self.words = words
    }

    private init(text: String, words: [String]) {
        self.text = text
        self.words = words
    }

    /// The default: Claude Code.
    public static let claude = AgentCommandLine(text: "claude", words: ["claude"])

    public var description: String { text }
}

/// Splits a command line into words the way a POSIX shell would for plain words, single and
/// double quotes and backslashes, without running a shell (no expansion of any kind).
public enum CommandLineWords {
    public static func split(_ text: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for c in text {
            if escaped { current.append(c); escaped = false; inWord = true; continue }
            if let q = quote {
                if c == q { quote = nil } else if c == "\\" && q == "\"" { escaped = true } else { current.append(c) }
                continue
            }
            switch c {
            case "\\": escaped = true
            case "'", "\"": quote = c; inWord = true
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            default: current.append(c); inWord = true
            }
        }
        guard quote == nil, !escaped else {
            throw RoutingError(problem: "remote.command has an unterminated quote or escape: \(text)", fix: "close the quote")
        }
        if inWord { words.append(current) }
        return words
    }
}
