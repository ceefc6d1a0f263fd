import Foundation

/// A monotone map from raw score to calibrated P(local answer wrong), fitted on a train split.
public enum CalibrationMap: Sendable, Equatable {
    /// Platt scaling: p = 1 / (1 + exp(-(a * score + b))).
    case platt(a: Double, b: Double)
    /// Isotonic regression: a non-decreasing step function, linearly interpolated between the
    /// block centres `x` with values `y`, flat beyond the ends.
    case isotonic(x: [Double], y: [Double])

    /// The method name as written in config (`platt` or `isotonic`).
    public var method: String {
        switch self {
        case .platt: "platt"
        case .isotonic: "isotonic"
        }
    }

    /// The calibrated probability of `score`.
    public func apply(_ score: Double) -> Double {
        switch self {
        case let .platt(a, b):
            return 1 / (1 + exp(-(a * score + b)))
        case let .isotonic(x, y):
            guard let first = x.first, let last = x.last else { return .nan }
            if score <= first { return y[0] }
            if score >= last { return y[y.count - 1] }
            var j = 1
            while x[j] < score { j += 1 }
            let t = (score - x[j - 1]) / (x[j] - x[j - 1])
            return y[j - 1] + t * (y[j] - y[j - 1])
        }
    }

    /// Fits Platt scaling by Newton's method on the log-loss (with Platt's smoothed targets).
    public static func fitPlatt(scores: [Double], labels: [Bool]) -> CalibrationMap {
        let positives = Double(labels.filter { $0 }.count), negatives = Double(labels.count) - positives
        let hi = (positives + 1) / (positives + 2), lo = 1 / (negatives + 2)
        let targets = labels.map { $0 ? hi : lo }
        var a = 0.0, b = log((positives + 1) / (negatives + 1))
        for _ in 0..<100 {
            var g0 = 0.0, g1 = 0.0, h00 = 1e-12, h01 = 0.0, h11 = 1e-12
            for (s, t) in zip(scores, targets) {
                let p = 1 / (1 + exp(-(a * s + b)))
                let d = p - t, w = p * (1 - p)
                g0 += d * s; g1 += d
                h00 += w * s * s; h01 += w * s; h11 += w
            }
            let det = h00 * h11 - h01 * h01
            guard det != 0, det.isFinite else { break }
            let da = (h11 * g0 - h01 * g1) / det, db = (h00 * g1 - h01 * g0) / det
            a -= da; b -= db
            if abs(da) + abs(db) < 1e-12 { break }
        }
        return .platt(a: a, b: b)
    }

    /// Fits isotonic regression (pool adjacent violators) of the label on the score.
    public static func fitIsotonic(scores: [Double], labels: [Bool]) -> CalibrationMap {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Blocks: (sum of scores, sum of labels, count); ties start pooled.
        var blocks: [(s: Double, y: Double, n: Double)] = []
        var lastScore: Double?
        for i in order {
            let y = labels[i] ? 1.0 : 0.0
            if lastScore == scores[i] {
                blocks[blocks.count - 1].s += scores[i]
                blocks[blocks.count - 1].y += y
                blocks[blocks.count - 1].n += 1
            } else {
                blocks.append((scores[i], y, 1))
            }
            lastScore = scores[i]
            while blocks.count >= 2, blocks[blocks.count - 2].y / blocks[blocks.count - 2].n > blocks[blocks.count - 1].y / blocks[blocks.count - 1].n {
                let last = blocks.removeLast()
                blocks[blocks.count - 1].s += last.s
                blocks[blocks.count - 1].y += last.y
                blocks[blocks.count - 1].n += last.n
            }
        }
        return .isotonic(x: blocks.map { $0.s / $0.n }, y: blocks.map { $0.y / $0.n })
    }
}
