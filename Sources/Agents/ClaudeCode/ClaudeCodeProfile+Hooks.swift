import Foundation

/// Claude Code's hooks: `claude --settings JSON` adds hooks for that session only, merged with
/// the user's own settings (hook lists are concatenated), so nothing the user configured is
/// replaced or written to. The hooks run asynchronously (`"async": true`): the CLI goes on at
/// once, and the driver waits on the hook's own signal.
extension ClaudeCodeProfile {
    public func hookArguments(_ spool: HookSpool) -> [String]? {
        var hooks: [String: Any] = [:]
        for kind in HookSpool.events {
            // async: the CLI does not wait for the hook (its sh and two tmux clients would
            // otherwise delay the request and the turn's end); the hook's signal wakes the driver.
            hooks[kind.rawValue] = [["hooks": [["type": "command", "command": spool.shellCommand(kind), "async": true] as [String: Any]]]]
        }
        guard let data = try? JSONSerialization.data(withJSONObject: ["hooks": hooks], options: [.sortedKeys, .withoutEscapingSlashes]),
              let json = String(data: data, encoding: .utf8) else { return nil }
        return ["--settings", json]
    }
}
