/// The `min_p` of every tier at the time a question was routed, cheapest tier first: what the
/// policy compared P(local correct) with. Recorded with each route and in the ledger.
///
/// As JSON it is `{"local_min": 0.6, "opus_min": 0, "sonnet_min": 0.3}`: one `<tier>_min` per
/// tier. Two are equal when they give every tier the same min_p (the order follows from the table).
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
        for entry in entries { try c.encode(entry.minP, forKey: Key(stringValue: entry.tier + "_min")) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        // A decoder converting from snake case hands the keys over as `localMin`.
        func tier(_ key: String) -> String? {
            if key.hasSuffix("_min") { return String(key.dropLast(4)) }
            guard key.hasSuffix("Min") else { return nil }
            return key.dropLast(3).reduce(into: "") { out, c in out += c.isUppercase ? "_" + c.lowercased() : String(c) }
        }
        var decoded: [Entry] = []
        for key in c.allKeys {
            guard let name = tier(key.stringValue) else { continue }
            decoded.append(Entry(tier: name, minP: try c.decode(Double.self, forKey: key)))
        }
        // Cheapest first as the table orders them (local, then min_p highest first).
        entries = decoded.sorted { a, b in
            if (a.tier == Tier.localName) != (b.tier == Tier.localName) { return a.tier == Tier.localName }
            return a.minP != b.minP ? a.minP > b.minP : a.tier < b.tier
        }
    }

    public static func == (a: Thresholds, b: Thresholds) -> Bool {
        Dictionary(a.entries.map { ($0.tier, $0.minP) }, uniquingKeysWith: { x, _ in x })
            == Dictionary(b.entries.map { ($0.tier, $0.minP) }, uniquingKeysWith: { x, _ in x })
    }
}
