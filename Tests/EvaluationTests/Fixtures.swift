import Foundation
import TestSupport
@testable import Evaluation

/// Shared helpers: small hand-made outcomes, the shared data directory, and the reference script.
enum Fixtures {
    /// `<package root>/../shared`, where the RouteLLM data and the reference script live.
    static var sharedDirectory: String {
        (BuiltProducts.packageRoot as NSString).appendingPathComponent("../shared")
    }

    /// The RouteLLM evals folder inside shared/, when present.
    static var routellmEvals: String? {
        let path = (sharedDirectory as NSString).appendingPathComponent("eval-data/routellm/routellm/evals")
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The reference script, when present.
    static var referenceScript: String? {
        let path = (sharedDirectory as NSString).appendingPathComponent("tools/routellm_reference_metrics.py")
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Four items whose curve is worked out by hand in the tests (see DeferralCurveTests).
    static func handOutcomes() throws -> ScoredOutcomes {
        try ScoredOutcomes(scores: [0.9, 0.5, 0.5, 0.1], local: [0, 1, 0, 1], top: [1, 1, 1, 0])
    }

    /// A two-tier dataset from outcome pairs, with ids `q0`, `q1`, ...
    static func dataset(local: [Double], top: [Double], prices: [Double?] = [nil, nil]) throws -> Dataset {
        try Dataset(tiers: [DatasetTier(name: "local", priceUSD: prices[0]), DatasetTier(name: "remote", priceUSD: prices[1])],
                    items: zip(local, top).enumerated().map { i, pair in
                        DatasetItem(id: "q\(i)", question: "question \(i)", outcomes: [pair.0, pair.1])
                    })
    }
}
