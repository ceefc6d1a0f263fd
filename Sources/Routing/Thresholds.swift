/// The `min_p` of every tier at the time a question was routed, cheapest tier first: what the
/// policy compared P(local correct) with. Recorded with each route and in the ledger.
///
/// As JSON it is `{"local_min": 0.6, "sonnet_min": 0.3}`: one `<tier>_min` per tier except the
/// dearest, which takes every question below the others (its own min_p does not decide).
public struct Thresholds: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public var tier: String
        public var minP: Double

        public init(tier: String, minP: Double) {
            self.tier = tier
            self.minP = minP
        }
    }

    public var entries: [Entry]

    public init(_ entries: [Entry]) { self.entries = entries }

    /// The min_p recorded for `tier`, if it was a tier then.
    public func minP(_ tier: String) -> Double? { entries.first { $0.tier == tier }?.minP }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for entry in entries.dropLast() { try c.encode(entry.minP, forKey: Key(stringValue: entry.tier + "_min")) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        entries = try c.allKeys.filter { $0.stringValue.hasSuffix("_min") }
            .map { Entry(tier: String($0.stringValue.dropLast(4)), minP: try c.decode(Double.self, forKey: $0)) }
            .sorted { $0.minP > $1.minP }
    }
}
