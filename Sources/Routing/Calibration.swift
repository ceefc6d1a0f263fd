import Foundation

/// Maps a strategy's raw score to a calibrated probability that the local answer is correct.
/// Identity until `escalator tune` fits a map on labelled questions.
public enum Calibration: Sendable, Equatable, Codable {
    /// The raw score is used as it is.
    case identity
    /// Platt scaling: p = 1 / (1 + exp(−(a·x + b))).
    case platt(a: Double, b: Double)
    /// Isotonic regression as a non-decreasing piecewise-linear map through the points.
    case isotonic(x: [Double], y: [Double])

    /// The calibrated probability for raw score `x`, clamped to [0, 1].
    public func apply(_ x: Double) -> Double {
        switch self {
        case .identity:
            return min(1, max(0, x))
        case .platt(let a, let b):
            return 1 / (1 + exp(-(a * x + b)))
        case .isotonic(let xs, let ys):
            guard let first = xs.first, let last = xs.last, xs.count == ys.count else { return min(1, max(0, x)) }
            if x <= first { return ys[0] }
            if x >= last { return ys[ys.count - 1] }
            let i = xs.firstIndex(where: { $0 >= x })!
            let (x0, x1, y0, y1) = (xs[i - 1], xs[i], ys[i - 1], ys[i])
            return x1 == x0 ? y1 : y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        }
    }

    /// The config name of this kind of map.
    public var kind: String {
        switch self {
        case .identity: "identity"
        case .platt: "platt"
        case .isotonic: "isotonic"
        }
    }

    /// Checks the map's parameters, naming what is wrong.
    public func validate() throws {
        if case .isotonic(let xs, let ys) = self {
            guard xs.count == ys.count, !xs.isEmpty else {
                throw RoutingError(problem: "[calibration] isotonic needs x and y of the same, non-zero length",
                                   fix: "re-run `escalator tune --write-config` or set kind = \"identity\"")
            }
            guard zip(xs, xs.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw RoutingError(problem: "[calibration] isotonic x values must be sorted ascending",
                                   fix: "sort the points or set kind = \"identity\"")
            }
        }
    }
}
