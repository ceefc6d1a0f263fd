import Foundation

/// When a usage limit ends, as read from the agent's own limit message
/// (`You've hit your limit · resets 10pm (America/New_York)`): the moment, and the time zone it
/// was given in, so it can be shown the way the agent showed it.
public struct UsageLimitReset: Sendable, Equatable {
    /// Where the zone came from.
    public enum ZoneSource: String, Sendable, Equatable {
        /// The message named it (`(America/New_York)`), or the moment was absolute (epoch seconds).
        case shown
        /// The message named none; the agent host's zone was used (the agent reads its clock there).
        case agentHost = "the agent host's zone"
        /// The message named none and the agent host's zone is not known; this machine's was used.
        case thisMachine = "this machine's zone (the agent host's is not known)"
    }

    /// The next moment after the message was read at which the limit resets.
    public var date: Date
    /// The zone the reset time is written in.
    public var zone: TimeZone
    public var zoneSource: ZoneSource

    public init(date: Date, zone: TimeZone, zoneSource: ZoneSource) {
        self.date = date
        self.zone = zone
        self.zoneSource = zoneSource
    }
}
