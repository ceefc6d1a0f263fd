import Foundation
import Remote

/// Where an agent's hooks report one session's events, and the shell command each hook runs.
///
/// Each event's JSON input is copied into a tmux global option named after the session and the
/// event (so the driver reads it through its control client, byte for byte, with no new
/// process), announced on the session's `wait-for` channel (so the driver wakes on it instead
/// of polling), and written atomically to a file of its own in a per-session spool directory
/// on the agent's host (the record a person can read). A hook never fails the agent's turn
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

    /// The shell command of `kind`'s hook: read the JSON from standard input, copy it into the
    /// option and signal in one tmux call (the driver is woken after three processes: sh, cat,
    /// tmux), then spool it to its file (written under a temporary name, then renamed). Past
    /// what one argument may hold, the option gets the file's path as `file:PATH` instead.
    public func shellCommand(_ kind: HookEvent.Kind) -> String {
        let tmux = Self.shellQuoted(tmuxExecutable), option = Self.shellQuoted(optionName(kind))
        let signal = "\\; wait-for -S " + Self.shellQuoted(channel)
        return "{ j=$(cat); d=\"\(directory)\"; [ -d \"$d\" ] || mkdir -p \"$d\"; "
            + "\(tmux) set-option -g \(option) \"$j\" \(signal) || big=1; "
            + "f=$(mktemp \"$d/.in.XXXXXX\") && printf '%s' \"$j\" > \"$f\" "
            + "&& n=\"$d/\(kind.rawValue)-${f##*.in.}.json\" && mv \"$f\" \"$n\" "
            + "&& [ -n \"$big\" ] && \(tmux) set-option -g \(option) \"file:$n\" \(signal); } >/dev/null 2>&1; exit 0"
    }

    /// `text` as one POSIX shell word.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
