import Foundation

extension AgentDriver {
    /// The typed error for a usage-limit screen: the limit message and, when the profile can read
    /// it, the moment the limit resets — read at `now`, in the zone the message names, else the
    /// agent host's (``AgentPolicy/hostTimeZone``), else this machine's.
    func usageLimitError(_ state: ScreenState, now: Date = Date()) -> AgentError {
        let message = state.detail ?? "usage limit reached"
        let (zone, source): (TimeZone, UsageLimitReset.ZoneSource) = policy.hostTimeZone.map { ($0, .agentHost) }
            ?? (TimeZone.current, .thisMachine)
        let reset = state.detail.flatMap { profile.usageLimitReset($0, now: now, zone: zone, zoneSource: source) }
        return AgentError(code: .usageLimit, message: message, session: spec.name, limitText: state.detail, limitReset: reset)
    }
}
