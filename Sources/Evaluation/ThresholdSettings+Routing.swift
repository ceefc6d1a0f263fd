import Foundation
import Routing

extension ThresholdSettings {
    /// The router's form of these tuned values, for scores written by `eval score` / `eval run`
    /// (score = 1 − raw P(local correct)): the router calibrates the raw P(local correct) and
    /// answers locally when the calibrated value is at least `localMin`.
    public struct RoutingForm: Sendable, Equatable {
        public var calibration: Calibration
        public var localMin: Double
    }

    /// Converts the rule "escalate when score ≥ escalateAt" (or > when strict) with the fitted
    /// map score → P(wrong) into the router's rule "local when calibration(raw) ≥ local_min",
    /// raw = 1 − score. Platt (a, b) on the score becomes Platt (a, −a − b) on raw; an isotonic
    /// map is mirrored (x → 1 − x, y → 1 − y, reversed). `scoreRange` is the tuned scores' range:
    /// scores outside [0, 1] did not come from a self-assessment and are refused.
    public func routingForm(scoreRange: ClosedRange<Double>) throws -> RoutingForm {
        guard scoreRange.lowerBound >= 0, scoreRange.upperBound <= 1 else {
            throw EvaluationError(.mismatch, "--write-config needs scores of the form 1 − P(local correct) in [0, 1] (from `eval score --strategy digit-scale|yes-no` or `eval run --scores-out`); these range over \(scoreRange.lowerBound)...\(scoreRange.upperBound)")
        }
        guard !escalateAt.isNaN else {
            throw EvaluationError(.undefined, "the tuned threshold is not a number; nothing to write")
        }
        let calibration: Calibration
        let pCorrectAtThreshold: Double
        let threshold = min(max(escalateAt, -1), 2)
        switch self.calibration {
        case nil:
            calibration = .identity
            pCorrectAtThreshold = 1 - threshold
        case let .platt(a, b)?:
            guard a > 0 else {
                throw EvaluationError(.mismatch, "the Platt fit has slope \(a) ≤ 0 (higher scores are not more often wrong), so it cannot be written as a router threshold; use --calibration isotonic or none")
            }
            calibration = .platt(a: a, b: -a - b)
            pCorrectAtThreshold = 1 - CalibrationMap.platt(a: a, b: b).apply(threshold)
        case let .isotonic(x, y)?:
            calibration = .isotonic(x: x.reversed().map { 1 - $0 }, y: y.reversed().map { 1 - $0 })
            pCorrectAtThreshold = 1 - CalibrationMap.isotonic(x: x, y: y).apply(threshold)
        }
        // Escalate when p < local_min. Non-strict (score ≥ t, i.e. p ≤ p(t)): the next value up.
        var localMin = strict ? pCorrectAtThreshold : pCorrectAtThreshold.nextUp
        localMin = min(1, max(0, localMin))
        return RoutingForm(calibration: calibration, localMin: localMin)
    }
}

extension ThresholdSettings.RoutingForm {
    /// How many of `scores` the written router rule escalates, next to how many the tuned rule
    /// does. They differ where an isotonic map is flat across the threshold (the router then
    /// cannot tell those scores apart).
    public func escalations(scores: [Double], tuned: ThresholdSettings) -> (written: Int, tuned: Int) {
        let written = scores.filter { calibration.apply(1 - $0) < localMin }.count
        let fitted = scores.filter { tuned.strict ? $0 > tuned.escalateAt : $0 >= tuned.escalateAt }.count
        return (written, fitted)
    }

    /// The config changes writing this form: every tier's min_p that must change (local's to
    /// `localMin`; a remote tier's to its value in `remote` when it was tuned, else lowered to
    /// `localMin`, or its cap in `caps` if lower, when it would sit above it) and the
    /// `[calibration]` keys, commenting out the parameters of the other kinds so the file reads
    /// back as exactly this map. `tiers` are the file's current ones; a file that still uses the
    /// older `[thresholds]` keys (`fileText`) has those edited instead of `[tiers.NAME] min_p`.
    public func configChanges(tiers: TierTable, fileText: String, remote: [String: Double] = [:],
                              caps: [String: Double] = [:]) -> [ConfigFileEditor.Change] {
        func key(_ tier: String) -> String {
            if let legacy = SettingKey.all.first(where: { $0.aliasOf == "tiers.\(tier).min_p" }),
               ConfigFileEditor.setsKey(legacy.name, in: fileText) {
                return legacy.name
            }
            return "tiers.\(tier).min_p"
        }
        var changes = [ConfigFileEditor.Change(key(Tier.localName), Self.number(localMin))]
        for definition in tiers.definitions where !definition.isLocal {
            let cap = min(localMin, caps[definition.name] ?? localMin)
            if let tuned = remote[definition.name] {
                changes.append(.init(key(definition.name), Self.number(tuned)))
            } else if (definition.minP ?? 0) > cap {
                changes.append(.init(key(definition.name), Self.number(cap)))
            }
        }
        changes.append(.init("calibration.kind", "\"\(calibration.kind)\""))
        switch calibration {
        case .identity:
            changes += ["a", "b", "x", "y"].map { .init("calibration.\($0)", nil) }
        case let .platt(a, b):
            changes += [.init("calibration.a", Self.number(a)), .init("calibration.b", Self.number(b)),
                        .init("calibration.x", nil), .init("calibration.y", nil)]
        case let .isotonic(x, y):
            changes += [.init("calibration.a", nil), .init("calibration.b", nil),
                        .init("calibration.x", "[" + x.map(Self.number).joined(separator: ", ") + "]"),
                        .init("calibration.y", "[" + y.map(Self.number).joined(separator: ", ") + "]")]
        }
        return changes
    }

    /// A finite number as TOML text (always with a decimal point or exponent).
    static func number(_ value: Double) -> String {
        let text = "\(value)"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }
}
