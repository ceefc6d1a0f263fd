import Foundation

/// One try at answering a question on a tier: which tier, how long it took, and why it failed
/// (nil when it answered). A routed answer keeps them all, so a fallback is never silent.
public struct Attempt: Sendable, Codable, Equatable {
    public var tier: Tier
    /// Why this tier did not answer; nil for the attempt that answered.
    public var error: String?
    /// Milliseconds spent (0 for a tier skipped without trying).
    public var ms: Double
    /// The tier is parked until then (``TierParking``): it was skipped for that reason, or this
    /// attempt met its usage limit and parked it. JSON: `parked_until`, ISO 8601 UTC.
    public var parkedUntil: Date?

    public init(tier: Tier, error: String?, ms: Double, parkedUntil: Date? = nil) {
        self.tier = tier
        self.error = error
        self.ms = ms
        self.parkedUntil = parkedUntil
    }

    enum CodingKeys: String, CodingKey {
        case tier, error, ms
        case parkedUntil = "parked_until"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tier = try c.decode(Tier.self, forKey: .tier)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        ms = try c.decode(Double.self, forKey: .ms)
        parkedUntil = try c.decodeIfPresent(String.self, forKey: .parkedUntil).flatMap(Ledger.date)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tier, forKey: .tier)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encode(ms, forKey: .ms)
        try c.encodeIfPresent(parkedUntil.map(Ledger.timestamp), forKey: .parkedUntil)
    }
}
