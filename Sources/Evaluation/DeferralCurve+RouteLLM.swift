/// RouteLLM's summary metrics, computed exactly as its released code does
/// (`routellm/evals/evaluate.py`: `apgr_metric`, `pct_call_metric`); APGR itself is ``APGR``.
extension DeferralCurve {
    /// Trapezoid area under quality over escalation share in [0, 1] (`np.trapz`).
    public var auc: Double {
        APGR.area(count: points.count, share: { points[$0].sharePercent / 100 }, quality: { points[$0].quality })
    }

    /// Average performance gap recovered over the curve's share range (``APGR``).
    public var apgr: Double {
        APGR.value(count: points.count, share: { points[$0].sharePercent / 100 }, quality: { points[$0].quality },
                   local: localQuality, top: topQuality)
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
