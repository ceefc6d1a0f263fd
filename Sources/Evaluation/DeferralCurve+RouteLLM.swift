/// RouteLLM's summary metrics, computed exactly as its released code does
/// (`routellm/evals/evaluate.py`: `apgr_metric`, `pct_call_metric`).
extension DeferralCurve {
    /// Trapezoid area under quality over escalation share in [0, 1] (`np.trapz`).
    public var auc: Double {
        Self.auc(shares: points.map(\.sharePercent), qualities: points.map(\.quality))
    }

    /// Average performance gap recovered: (AUC - local area) / (top area - local area) over the
    /// curve's share range; 0.5 for a random router, above 1 possible for an oracle.
    public var apgr: Double {
        Self.apgr(shares: points.map(\.sharePercent), qualities: points.map(\.quality), local: localQuality, top: topQuality)
    }

    /// `np.trapz(qualities, shares / 100)` for shares in percent, ascending.
    static func auc(shares: [Double], qualities: [Double]) -> Double {
        var sum = 0.0
        for i in 0..<max(0, shares.count - 1) {
            let x0 = shares[i] / 100, x1 = shares[i + 1] / 100
            sum += (x1 - x0) * (qualities[i + 1] + qualities[i]) / 2.0
        }
        return sum
    }

    /// RouteLLM's `apgr_metric` on a curve given as arrays (shares in percent, ascending).
    static func apgr(shares: [Double], qualities: [Double], local: Double, top: Double) -> Double {
        guard let first = shares.first, let last = shares.last else { return .nan }
        let span = last / 100 - first / 100
        let weakArea = local * span
        let strongArea = top * span
        let gap = strongArea - weakArea
        return gap != 0 ? (auc(shares: shares, qualities: qualities) - weakArea) / gap : .nan
    }

    /// The quality that recovers `fraction` of the gap between local and top.
    public func targetQuality(recovering fraction: Double) -> Double {
        fraction * (topQuality - localQuality) + localQuality
    }

    /// CPT(x): percent of escalations needed to recover `fraction` of the gap, as RouteLLM's
    /// `np.interp(target, quality, share)` computes it (clamped to the curve's ends).
    public func cpt(_ fraction: Double) -> Double {
        NumpyInterp.interp(targetQuality(recovering: fraction), points.map(\.quality), points.map(\.sharePercent))
    }

    /// The paper's CPT(x): the smallest share at which the piecewise-linear curve first reaches
    /// the target; nil when it never does.
    public func cptFirstCrossing(_ fraction: Double) -> Double? {
        let target = targetQuality(recovering: fraction)
        guard let first = points.first else { return nil }
        if first.quality >= target { return first.sharePercent }
        for i in 1..<points.count {
            let lo = points[i - 1].quality, hi = points[i].quality
            if hi >= target {
                if hi == lo { return points[i].sharePercent }
                let t = (target - lo) / (hi - lo)
                return points[i - 1].sharePercent + t * (points[i].sharePercent - points[i - 1].sharePercent)
            }
        }
        return nil
    }

    /// The first point (lowest share) whose PGR reaches `fraction`, if any: an operating point.
    public func firstPoint(recovering fraction: Double) -> CurvePoint? {
        let target = targetQuality(recovering: fraction)
        return points.first { $0.quality >= target }
    }
}
