import Agents
import Foundation

/// A tier set aside until a moment: its agent hit a usage limit, so questions skip it at once
/// until the reset time the agent named (or a default wait when it named none), then try it
/// again. Kept in the ledger's `parked_tiers` table, so every escalator process and every later
/// run sees it (in memory for a run without a ledger).
public struct TierParking: Sendable, Equatable, Codable {
    /// The tier's name (`opus`).
    public var tier: String
    /// When the tier may be tried again.
    public var until: Date
    /// The zone the reset time was given in (shown beside this machine's).
    public var zone: TimeZone
    /// Why, in words: `usage limit`, and how `until` was found.
    public var reason: String
    /// The agent's limit message as it was shown, when there was one.
    public var rawText: String?
    public var parkedAt: Date

    public init(tier: String, until: Date, zone: TimeZone, reason: String, rawText: String?, parkedAt: Date) {
        self.tier = tier
        self.until = until
        self.zone = zone
        self.reason = reason
        self.rawText = rawText
        self.parkedAt = parkedAt
    }

    /// The parking a usage-limit failure at `now` calls for: until the reset time the agent
    /// named, else for `defaultMinutes`, with a reason that says which.
    public static func forUsageLimit(_ tier: Tier, error: AgentError, now: Date, defaultMinutes: Int) -> TierParking {
        if let reset = error.limitReset, reset.date > now {
            let reason = reset.zoneSource == .shown ? "usage limit"
                : "usage limit; the message named no zone, read in \(reset.zoneSource.rawValue)"
            return TierParking(tier: tier.name, until: reset.date, zone: reset.zone, reason: reason, rawText: error.limitText,
                               parkedAt: now)
        }
        let why = error.limitText == nil ? "no limit message was read" : "the reset time was not found in the agent's message"
        return TierParking(tier: tier.name, until: now.addingTimeInterval(Double(defaultMinutes) * 60), zone: .current,
                           reason: "usage limit; \(why): parked for remote.limit_park_minutes = \(defaultMinutes) minutes",
                           rawText: error.limitText, parkedAt: now)
    }

    enum CodingKeys: String, CodingKey {
        case tier, until, zone, reason
        case rawText = "raw_text"
        case parkedAt = "parked_at"
    }

    /// JSON: times as ISO 8601 UTC, the zone by its identifier.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tier, forKey: .tier)
        try c.encode(Ledger.timestamp(until), forKey: .until)
        try c.encode(zone.identifier, forKey: .zone)
        try c.encode(reason, forKey: .reason)
        try c.encodeIfPresent(rawText, forKey: .rawText)
        try c.encode(Ledger.timestamp(parkedAt), forKey: .parkedAt)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date {
            let text = try c.decode(String.self, forKey: key)
            guard let date = Ledger.date(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not an ISO 8601 time: \(text)")
            }
            return date
        }
        tier = try c.decode(String.self, forKey: .tier)
        until = try date(.until)
        zone = TimeZone(identifier: try c.decode(String.self, forKey: .zone)) ?? .current
        reason = try c.decode(String.self, forKey: .reason)
        rawText = try c.decodeIfPresent(String.self, forKey: .rawText)
        parkedAt = try date(.parkedAt)
    }

    /// Whether the tier is still set aside at `now`.
    public func isActive(at now: Date) -> Bool { until > now }

    /// Why a question skips the tier: `opus parked until 22:00 America/New_York (usage limit)`.
    public func skipReason(now: Date) -> String {
        "\(tier) parked until \(Self.wallClock(until, in: zone, now: now)) \(zone.identifier) (\(reason))"
    }

    /// `parked until Dec 5 22:00 America/New_York (Dec 6 04:00 here, Europe/Berlin) (usage limit)`:
    /// the moment in the reset's zone and in `local` (this machine's), and why.
    public func untilText(local: TimeZone = .current, now: Date) -> String {
        var text = "parked until \(Self.dated(until, in: zone)) \(zone.identifier)"
        if local.secondsFromGMT(for: until) != zone.secondsFromGMT(for: until) {
            text += " (\(Self.dated(until, in: local)) here, \(local.identifier))"
        }
        return text + (isActive(at: now) ? "" : " — passed; tried again on the next question") + " (\(reason))"
    }

    /// `22:00`, or `Dec 7 22:00` when that is not `now`'s day in `zone`.
    static func wallClock(_ date: Date, in zone: TimeZone, now: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.isDate(date, inSameDayAs: now) ? time(date, in: zone) : dated(date, in: zone)
    }

    /// `Dec 7 22:00` in `zone`.
    static func dated(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.month, .day], from: date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(months[(parts.month ?? 1) - 1]) \(parts.day ?? 1) \(time(date, in: zone))"
    }

    /// `22:00` in `zone`.
    static func time(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
