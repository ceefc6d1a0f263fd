import Foundation
import Routing

/// L2-regularised logistic regression, fitted by L-BFGS on standardised features.
///
/// Minimises (1/n) Σᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ] + (λ/2) ‖w‖² with zᵢ = w·x̃ᵢ + b, where x̃ is x
/// standardised by the training mean and standard deviation (the bias is not penalised).
/// Small and dependency-free: the heads trained here have at most a few thousand features.
public struct LogisticFit: Sendable {
    /// The L2 penalty λ.
    public var l2: Double
    /// Stop when the largest gradient component falls below this.
    public var tolerance: Double = 1e-6
    public var maxIterations: Int = 500
    /// Past gradients L-BFGS remembers.
    public var memory: Int = 10

    public init(l2: Double) { self.l2 = l2 }

    /// What a fit did.
    public struct Summary: Sendable, Equatable {
        public var iterations: Int
        public var loss: Double
        public var gradientNorm: Double
        public var converged: Bool
    }

    /// Standardisation of a feature matrix (mean and scale per column; scale 1 for a constant column).
    public struct Standardisation: Sendable, Equatable {
        public var mean: [Double]
        public var scale: [Double]

        /// The column means and standard deviations of `rows` (row-major, `dimensions` wide).
        public init(rows: [Double], dimensions d: Int) {
            let n = rows.count / max(1, d)
            var mean = [Double](repeating: 0, count: d)
            var square = [Double](repeating: 0, count: d)
            rows.withUnsafeBufferPointer { x in
                for i in 0..<n {
                    for j in 0..<d {
                        let v = x[i * d + j]
                        mean[j] += v
                        square[j] += v * v
                    }
                }
            }
            let count = Double(max(1, n))
            scale = (0..<d).map { j in
                let m = mean[j] / count
                let variance = max(0, square[j] / count - m * m)
                return variance > 1e-24 ? variance.squareRoot() : 1
            }
            self.mean = mean.map { $0 / count }
        }

        public init(mean: [Double], scale: [Double]) {
            self.mean = mean
            self.scale = scale
        }

        /// `rows` standardised.
        public func apply(_ rows: [Double]) -> [Double] {
            let d = mean.count
            var out = rows
            out.withUnsafeMutableBufferPointer { x in
                for i in 0..<(x.count / d) {
                    for j in 0..<d { x[i * d + j] = (x[i * d + j] - mean[j]) / scale[j] }
                }
            }
            return out
        }
    }

    /// Fits the head to `rows` (row-major, `dimensions` wide) with labels `y` (1 = positive).
    /// `start` warm-starts from an earlier head's standardised weights and bias (same features).
    public func fit(rows: [Double], dimensions d: Int, labels y: [Double], standardisation given: Standardisation? = nil,
                    start: (weights: [Double], bias: Double)? = nil) -> (head: LogisticHead, summary: Summary) {
        let n = y.count
        precondition(rows.count == n * d && n > 0 && d > 0)
        let standard = given ?? Standardisation(rows: rows, dimensions: d)
        let x = standard.apply(rows)
        // Parameters: d weights then the bias.
        let positive = y.reduce(0, +) / Double(n)
        var theta = [Double](repeating: 0, count: d + 1)
        theta[d] = log(max(1e-6, positive) / max(1e-6, 1 - positive))
        if let start, start.weights.count == d {
            for j in 0..<d { theta[j] = start.weights[j] }
            theta[d] = start.bias
        }
        let lambda = l2
        var z = [Double](repeating: 0, count: n)
        func evaluate(_ theta: [Double], gradient g: inout [Double]) -> Double {
            var loss = 0.0
            for j in 0...d { g[j] = 0 }
            x.withUnsafeBufferPointer { xp in
                theta.withUnsafeBufferPointer { t in
                    z.withUnsafeMutableBufferPointer { zp in
                        for i in 0..<n {
                            var s = t[d]
                            let base = i * d
                            for j in 0..<d { s += t[j] * xp[base + j] }
                            zp[i] = s
                        }
                    }
                }
                g.withUnsafeMutableBufferPointer { gp in
                    for i in 0..<n {
                        let s = z[i]
                        // log(1 + e^s) computed stably.
                        let softplus = s > 0 ? s + log1p(exp(-s)) : log1p(exp(s))
                        loss += softplus - y[i] * s
                        let r = EmbeddingMath.sigmoid(s) - y[i]
                        let base = i * d
                        for j in 0..<d { gp[j] += r * xp[base + j] }
                        gp[d] += r
                    }
                }
            }
            let inv = 1 / Double(n)
            var penalty = 0.0
            for j in 0..<d {
                g[j] = g[j] * inv + lambda * theta[j]
                penalty += theta[j] * theta[j]
            }
            g[d] *= inv
            return loss * inv + 0.5 * lambda * penalty
        }

        var g = [Double](repeating: 0, count: d + 1)
        var f = evaluate(theta, gradient: &g)
        var sHistory: [[Double]] = []
        var yHistory: [[Double]] = []
        var rhoHistory: [Double] = []
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
            if (g.map(abs).max() ?? 0) < tolerance { converged = true; break }
            // Two-loop recursion: direction = −H·g.
            var q = g
            var alphas = [Double](repeating: 0, count: sHistory.count)
            for k in stride(from: sHistory.count - 1, through: 0, by: -1) {
                alphas[k] = rhoHistory[k] * Self.dot(sHistory[k], q)
                for j in 0...d { q[j] -= alphas[k] * yHistory[k][j] }
            }
            if let lastS = sHistory.last, let lastY = yHistory.last {
                let gamma = Self.dot(lastS, lastY) / max(1e-300, Self.dot(lastY, lastY))
                for j in 0...d { q[j] *= gamma }
            } else {
                let norm = Self.dot(g, g).squareRoot()
                for j in 0...d { q[j] /= max(1, norm) }
            }
            for k in 0..<sHistory.count {
                let beta = rhoHistory[k] * Self.dot(yHistory[k], q)
                for j in 0...d { q[j] += sHistory[k][j] * (alphas[k] - beta) }
            }
            var direction = q.map { -$0 }
            var slope = Self.dot(g, direction)
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
                direction = g.map { -$0 }
                slope = Self.dot(g, direction)
            }
            // Backtracking line search (Armijo).
            var step = 1.0
            var next = theta
            var gNext = g
            var fNext = f
            var accepted = false
            for _ in 0..<40 {
                for j in 0...d { next[j] = theta[j] + step * direction[j] }
                fNext = evaluate(next, gradient: &gNext)
                if fNext <= f + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            iterations += 1
            guard accepted else { break }
            let s = (0...d).map { next[$0] - theta[$0] }
            let yy = (0...d).map { gNext[$0] - g[$0] }
            let sy = Self.dot(s, yy)
            if sy > 1e-12 {
                sHistory.append(s); yHistory.append(yy); rhoHistory.append(1 / sy)
                if sHistory.count > memory { sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst() }
            }
            let change = abs(f - fNext)
            theta = next
            g = gNext
            f = fNext
            if change < 1e-13 * max(1, abs(f)) { converged = (g.map(abs).max() ?? 0) < tolerance * 100; break }
        }
        let head = LogisticHead(mean: standard.mean, scale: standard.scale, weights: Array(theta[0..<d]), bias: theta[d], l2: l2)
        return (head, Summary(iterations: iterations, loss: f, gradientNorm: g.map(abs).max() ?? 0, converged: converged))
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }

    /// Mean log loss of probabilities `p` against labels `y` (probabilities clamped to [1e-12, 1 − 1e-12]).
    public static func logLoss(_ p: [Double], _ y: [Double]) -> Double {
        guard !p.isEmpty else { return .nan }
        return zip(p, y).reduce(0.0) { total, pair in
            let q = min(1 - 1e-12, max(1e-12, pair.0))
            return total - (pair.1 * log(q) + (1 - pair.1) * log(1 - q))
        } / Double(p.count)
    }
}
