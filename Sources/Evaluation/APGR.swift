/// APGR, the average performance gap recovered, computed as RouteLLM's released code does
/// (`routellm/evals/evaluate.py`, `apgr_metric`): the trapezoid area under quality over the
/// escalated share (`np.trapz`), less the area of always answering locally, over the area
/// between always escalating and always answering locally, both over the curve's share range.
/// 0.5 for a random router; above 1 is possible for an oracle. The one implementation:
/// `DeferralCurve.apgr` and the bootstrap's `CurveResampler` both call it.
enum APGR {
    /// APGR of a curve of `count` points given on demand (`share(i)` as a fraction in [0, 1],
    /// ascending; `quality(i)`), with `local` and `top` the qualities of answering every
    /// question locally and escalating every one; NaN when those are equal or the curve is
    /// empty or a single share. Any affine change of the quality scale, or scaling of the share,
    /// gives the same value, so callers may pass the coordinates they already have.
    @inline(__always)
    static func value(count: Int, share: (Int) -> Double, quality: (Int) -> Double, local: Double, top: Double) -> Double {
        guard count > 0 else { return .nan }
        let area = area(count: count, share: share, quality: quality)
        let span = share(count - 1) - share(0)
        let localArea = local * span
        let gap = top * span - localArea
        return gap != 0 ? (area - localArea) / gap : .nan
    }

    /// `np.trapz(qualities, shares)`: the trapezoid area under quality over share.
    @inline(__always)
    static func area(count: Int, share: (Int) -> Double, quality: (Int) -> Double) -> Double {
        var sum = 0.0
        for i in 0..<max(0, count - 1) {
            sum += (share(i + 1) - share(i)) * (quality(i + 1) + quality(i)) / 2.0
        }
        return sum
    }
}
