import Foundation
import Remote

/// Where an agent's hooks report one session's events, and the shell command each hook runs.
///
/// Each event's JSON input is written atomically to a file of its own in a per-session spool
/// directory on the agent's host (the record a person can read), copied into a tmux global
/// option named after the session and the event (so the driver reads it through its control
/// client, byte for byte, with no new process), and announced on the session's `wait-for`
/// channel (so the driver wakes on it instead of polling). A hook never fails the agent's turn
/// and prints nothing: it always exits 0.
public struct HookSpool: Sendable, Equatable {
    /// The tmux session the events belong to.
    public var session: String
    /// The tmux executable on the agent's host (the hook finds the server through `$TMUX`,
    /// which tmux sets in every pane).
    public var tmuxExecutable: String
    /// The spool directory, as a shell word (may use `$HOME`: the agent's own HOME).
    public var directory: String

    /// The events escalator asks for.
    public static let events: [HookEvent.Kind] = [.sessionStart, .userPromptSubmit, .stop, .stopFailure, .notification]

    public init(session: String, tmuxExecutable: String = "tmux", directory: String? = nil) {
        self.session = session
        self.tmuxExecutable = tmuxExecutable
        self.directory = directory ?? "$HOME/.cache/escalator/hooks/" + TmuxText.safeName(session)
    }

    /// The `wait-for` channel the hooks signal.
    public var channel: String { "escalator-hook-" + TmuxText.safeName(session) }

    /// The tmux global option holding the last `kind` event of this session.
    public func optionName(_ kind: HookEvent.Kind) -> String {
        "@escalator-hook-" + TmuxText.safeName(session) + "-" + kind.rawValue
    }

    /// The shell command of `kind`'s hook: spool the JSON from standard input, copy it into the
    /// option (or, past what one argument may hold, the file's path as `file:PATH`), signal.
    public func shellCommand(_ kind: HookEvent.Kind) -> String {
        let tmux = Self.shellQuoted(tmuxExecutable), option = Self.shellQuoted(optionName(kind))
        return "{ d=\"\(directory)\"; mkdir -p \"$d\" && f=$(mktemp \"$d/.in.XXXXXX\") && cat > \"$f\" "
            + "&& n=\"$d/$(date +%s%N)-\(kind.rawValue).json\" && mv \"$f\" \"$n\" "
            + "&& { \(tmux) set-option -g \(option) \"$(cat \"$n\")\" || \(tmux) set-option -g \(option) \"file:$n\"; }; "
            + "\(tmux) wait-for -S \(Self.shellQuoted(channel)); } >/dev/null 2>&1; exit 0"
    }

    /// `text` as one POSIX shell word.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
