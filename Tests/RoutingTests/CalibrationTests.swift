import Foundation
import Testing
@testable import Routing

@Suite struct CalibrationTests {
    @Test func identityClamps() {
        #expect(Calibration.identity.apply(0.3) == 0.3)
        #expect(Calibration.identity.apply(1.7) == 1)
    }

    @Test func plattIsTheLogistic() {
        // a·x + b = 2·0.5 − 1 = 0 → 0.5; at x = 1: 1 / (1 + e^-1)
        let c = Calibration.platt(a: 2, b: -1)
        #expect(abs(c.apply(0.5) - 0.5) < 1e-12)
        #expect(abs(c.apply(1) - 1 / (1 + exp(-1))) < 1e-12)
    }

    @Test func isotonicInterpolatesBetweenPointsAndClampsOutside() {
        let c = Calibration.isotonic(x: [0.2, 0.6, 1.0], y: [0.1, 0.5, 0.9])
        #expect(abs(c.apply(0.4) - 0.3) < 1e-12)
        #expect(c.apply(0.0) == 0.1)
        #expect(c.apply(2.0) == 0.9)
    }

    @Test func unsortedIsotonicIsRejected() {
        #expect(throws: RoutingError.self) { try Calibration.isotonic(x: [0.5, 0.1], y: [0, 1]).validate() }
    }
}
