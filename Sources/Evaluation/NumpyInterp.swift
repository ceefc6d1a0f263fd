/// `numpy.interp` for one query point, including numpy's guessed binary search, so CPT agrees
/// with RouteLLM even on curves whose quality dips (where the search's answer is arbitrary).
enum NumpyInterp {
    /// `numpy.interp(x, xp, fp)` with default end clamping.
    static func interp(_ x: Double, _ xp: [Double], _ fp: [Double]) -> Double {
        xp.withUnsafeBufferPointer { xp in
            fp.withUnsafeBufferPointer { fp in interp(x, count: xp.count, xp: { xp[$0] }, fp: { fp[$0] }) }
        }
    }

    /// `numpy.interp` over values produced on demand (the search reads O(log n) of them), so
    /// callers need not materialise the arrays.
    @inline(__always)
    static func interp(_ x: Double, count: Int, xp: (Int) -> Double, fp: (Int) -> Double) -> Double {
        if count == 1 { return fp(0) }
        let j = search(x, count: count, arr: xp, guess: 0)
        if j == -1 { return fp(0) }
        if j == count { return fp(count - 1) }
        if j == count - 1 { return fp(j) }
        let xj = xp(j)
        if xj == x { return fp(j) }
        let fj = fp(j), fj1 = fp(j + 1), xj1 = xp(j + 1)
        let slope = (fj1 - fj) / (xj1 - xj)
        var value = slope * (x - xj) + fj
        if value.isNaN {
            value = slope * (x - xj1) + fj1
            if value.isNaN && fj == fj1 { value = fj }
        }
        return value
    }

    /// numpy's `binary_search_with_guess`.
    @inline(__always)
    static func search(_ key: Double, count length: Int, arr: (Int) -> Double, guess start: Int) -> Int {
        var imin = 0
        var imax = length
        if key > arr(length - 1) { return length }
        if key < arr(0) { return -1 }
        if length <= 4 {
            var i = 1
            while i < length && key >= arr(i) { i += 1 }
            return i - 1
        }
        var guess = min(start, length - 3)
        guess = max(guess, 1)
        let cache = 8
        if key < arr(guess) {
            if key < arr(guess - 1) {
                imax = guess - 1
                if guess > cache && key >= arr(guess - cache) { imin = guess - cache }
            } else {
                return guess - 1
            }
        } else {
            if key < arr(guess + 1) { return guess }
            if key < arr(guess + 2) { return guess + 1 }
            imin = guess + 2
            if guess < length - cache - 1 && key < arr(guess + cache) { imax = guess + cache }
        }
        while imin < imax {
            let mid = imin + ((imax - imin) >> 1)
            if key >= arr(mid) { imin = mid + 1 } else { imax = mid }
        }
        return imin - 1
    }
}
