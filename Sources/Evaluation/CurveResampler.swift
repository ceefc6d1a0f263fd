/// The bootstrap's inner loop for APGR and CPT on the exact grid: items are pre-sorted by
/// descending score once, and each resample is one pass over them that yields the curve's shares
/// and qualities (computed as `DeferralCurve` computes them, and APGR by the same ``APGR``, so
/// the statistics agree up to rounding).
struct CurveResampler: Sendable {
    /// Statistics of a run of resamples.
    struct Samples: Sendable {
        var apgr: [Double]
        /// One list per CPT level.
        var cpt: [[Double]]
    }

    private let n: Int
    private let local: [Double], top: [Double], gain: [Double]
    /// 1 where a sorted position closes a block of tied scores.
    private let isBlockEnd: [Int]
    private let scale: Double
    private let levels: [Double]
    /// The same outcomes as integers when every one is a whole number (0/1 benchmarks): sums
    /// are then exact either way, and integer adds keep the inner loop short.
    private let integerLocal: [Int]?, integerTop: [Int]?, integerGain: [Int]?

    init(_ outcomes: ScoredOutcomes, levels: [Double]) {
        n = outcomes.count
        let order = outcomes.scores.indices.sorted { outcomes.scores[$0] > outcomes.scores[$1] }
        local = order.map { outcomes.local[$0] }
        top = order.map { outcomes.top[$0] }
        gain = order.map { outcomes.top[$0] - outcomes.local[$0] }
        let n = n
        isBlockEnd = (0..<n).map { pos in
            pos == n - 1 || outcomes.scores[order[pos + 1]] != outcomes.scores[order[pos]] ? 1 : 0
        }
        scale = outcomes.qualityScale
        self.levels = levels
        let whole = { (values: [Double]) -> [Int]? in
            values.allSatisfy { $0 == $0.rounded() && abs($0) < 1e9 } ? values.map { Int($0) } : nil
        }
        integerLocal = whole(local)
        integerTop = whole(top)
        integerGain = integerLocal != nil && integerTop != nil ? whole(gain) : nil
    }

    /// Runs `resamples` resamples drawn from `rng`. Counts are drawn per sorted position;
    /// `Bootstrap.curveIntervals` maps the same draws to items.
    func run(resamples: Int, rng: inout SplitMix64) -> Samples {
        var result = Samples(apgr: [], cpt: Array(repeating: [], count: levels.count))
        result.apgr.reserveCapacity(resamples)
        var counts = [Int](repeating: 0, count: n + 2)
        var gains = [Double](repeating: 0, count: n + 2)
        var weights = [Int](repeating: 0, count: n)
        let total = Double(n)
        for _ in 0..<resamples {
            var used = 1
            var localTotal = 0.0, topTotal = 0.0
            weights.withUnsafeMutableBufferPointer { w in
                for _ in 0..<n { w[rng.nextIndex(below: n)] += 1 }
                counts.withUnsafeMutableBufferPointer { cs in
                    gains.withUnsafeMutableBufferPointer { gs in
                        if let integerLocal, let integerTop, let integerGain {
                            let sums = Self.accumulate(w, integerLocal, integerTop, integerGain, isBlockEnd, cs, gs, &used)
                            (localTotal, topTotal) = (Double(sums.local), Double(sums.top))
                        } else {
                            (localTotal, topTotal) = Self.accumulate(w, local, top, gain, isBlockEnd, cs, gs, &used)
                        }
                    }
                }
            }
            // Point i's quality is (localTotal + gain_i) * scale / n at share count_i / n. APGR
            // does not change under an affine change of quality or a scaling of share, so it is
            // computed on (count_i, gain_i), where always-local is 0 and always-escalate is the
            // total gain.
            let totalGain = topTotal - localTotal
            result.apgr.append(counts.withUnsafeBufferPointer { cs in
                gains.withUnsafeBufferPointer { gs in
                    APGR.value(count: used, share: { Double(cs[$0]) }, quality: { gs[$0] }, local: 0, top: totalGain)
                }
            })
            let localQuality = localTotal / total * scale, topQuality = topTotal / total * scale
            let scale = scale
            counts.withUnsafeBufferPointer { cs in
                gains.withUnsafeBufferPointer { gs in
                    for (k, level) in levels.enumerated() {
                        let target = level * (topQuality - localQuality) + localQuality
                        // Quality and share of point i, computed as DeferralCurve computes them.
                        result.cpt[k].append(NumpyInterp.interp(
                            target, count: used,
                            xp: { (localTotal + gs[$0]) / total * scale },
                            fp: { Double(cs[$0]) / total * 100 }))
                    }
                }
            }
        }
        return result
    }

    /// One resample's pass from the highest score down: reads and clears the counts `w`,
    /// writes each point's escalated count and cumulative gain, and returns the weighted local
    /// and top totals.
    @inline(__always)
    private static func accumulate<T: ResampleSum>(
        _ w: UnsafeMutableBufferPointer<Int>, _ local: [T], _ top: [T], _ gain: [T], _ isBlockEnd: [Int],
        _ cs: UnsafeMutableBufferPointer<Int>, _ gs: UnsafeMutableBufferPointer<Double>, _ used: inout Int
    ) -> (local: T, top: T) {
        var localTotal = T.zero, topTotal = T.zero
        local.withUnsafeBufferPointer { local in
            top.withUnsafeBufferPointer { top in
                gain.withUnsafeBufferPointer { gain in
                    isBlockEnd.withUnsafeBufferPointer { isEnd in
                        cs[0] = 0
                        gs[0] = 0
                        var escalated = 0, lastWritten = 0, cumulativeGain = T.zero
                        var position = used
                        // Branch-free: counts are 0 or 1 at random, so tests mispredict.
                        for pos in 0..<w.count {
                            let c = w[pos]
                            w[pos] = 0
                            let weight = T(count: c)
                            escalated &+= c
                            localTotal += weight * local[pos]
                            topTotal += weight * top[pos]
                            cumulativeGain += weight * gain[pos]
                            cs[position] = escalated
                            gs[position] = cumulativeGain.double
                            let advance = isEnd[pos] & (escalated != lastWritten ? 1 : 0)
                            lastWritten = advance == 1 ? escalated : lastWritten
                            position &+= advance
                        }
                        used = position
                    }
                }
            }
        }
        return (localTotal, topTotal)
    }
}

/// The number types the resampler sums in: `Int` for whole-number outcomes, else `Double`.
protocol ResampleSum: Numeric {
    init(count: Int)
    var double: Double { get }
}

extension Int: ResampleSum {
    init(count: Int) { self = count }
    var double: Double { Double(self) }
}

extension Double: ResampleSum {
    init(count: Int) { self = Double(count) }
    var double: Double { self }
}
