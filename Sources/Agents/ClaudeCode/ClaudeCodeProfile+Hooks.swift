import Foundation

/// Claude Code's hooks: `claude --settings JSON` adds hooks for that session only, merged with
/// the user's own settings (hook lists are concatenated), so nothing the user configured is
/// replaced or written to.
extension ClaudeCodeProfile {
    public func hookArguments(_ spool: HookSpool) -> [String]? {
        var hooks: [String: Any] = [:]
        for kind in HookSpool.events {
            hooks[kind.rawValue] = [["hooks": [["type": "command", "command": spool.shellCommand(kind)]]]]
        }
        guard let data = try? JSONSerialization.data(withJSONObject: ["hooks": hooks], options: [.sortedKeys, .withoutEscapingSlashes]),
              let json = String(data: data, encoding: .utf8) else { return nil }
        return ["--settings", json]
    }
}
