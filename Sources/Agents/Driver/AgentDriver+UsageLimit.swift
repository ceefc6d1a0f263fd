import Foundation
import Remote

extension AgentDriver {
    /// The typed error for a usage-limit screen: the limit message (a limit menu's title, text and
    /// question, which may name the reset) and, when the profile can read it, the moment the limit
    /// resets — read at `now`, in the zone the message names, else the agent host's
    /// (``AgentPolicy/hostTimeZone``, else read on the host through its shell), else this machine's.
    func usageLimitError(_ state: ScreenState, now: Date = Date()) async -> AgentError {
        let menuText = state.menu.map { menu in
            ([menu.title] + menu.text.map { Optional($0) } + [menu.question]).compactMap { $0 }.joined(separator: " · ")
        }
        let shown = menuText.flatMap { $0.isEmpty ? nil : $0 } ?? state.detail
        var hostZone = policy.hostTimeZone
        if hostZone == nil { hostZone = await HostTimeZone.read(tmux.hostShell) }
        let (zone, source): (TimeZone, UsageLimitReset.ZoneSource) = hostZone.map { ($0, .agentHost) }
            ?? (TimeZone.current, .thisMachine)
        let reset = shown.flatMap { profile.usageLimitReset($0, now: now, zone: zone, zoneSource: source) }
        return AgentError(code: .usageLimit, message: shown ?? "usage limit reached", session: spec.name, limitText: shown,
                          limitReset: reset)
    }
}
