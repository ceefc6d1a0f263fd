/// Everything `escalator eval report` shows for one dataset and one score file: references,
/// the router's deferral curve and RouteLLM metrics with bootstrap intervals, classifier
/// metrics, operating points, the dollar axis and (for three tiers) the Pareto frontier.
public struct EvaluationReport: Sendable {
    /// CPT levels reported (fractions of the gap).
    public static let cptLevels: [Double] = [0.2, 0.5, 0.8]

    /// One chosen operating point: the cheapest threshold recovering a PGR level.
    public struct OperatingPoint: Sendable {
        /// The PGR level it was chosen for.
        public var level: Double
        /// The curve point (threshold, share, quality).
        public var point: CurvePoint
        /// Its performance gap recovered.
        public var pgr: Double
        /// Dollars per 1,000 questions, when costs are known.
        public var costPer1k: Double?
        /// AutoMix ΔIBC (percent), when costs are known.
        public var deltaIBC: Double?
    }

    /// Dollar-axis results.
    public struct Dollars: Sendable {
        /// The router on the dollar axis.
        public var curve: DollarCurve
        /// The oracle on the dollar axis.
        public var oracleCurve: DollarCurve
        /// RouterBench AIQ of the router, the zero router (tier hull) and the oracle.
        public var routerAIQ: Double
        public var zeroRouterAIQ: Double
        public var oracleAIQ: Double
        /// Whether escalated questions were also charged for the local tier.
        public var cascade: Bool
    }

    /// The dataset and score file names, as given.
    public var datasetName: String
    public var strategyName: String
    /// Tier names in cost order.
    public var tierNames: [String]
    /// Number of items.
    public var itemCount: Int
    /// The grid of `curve`.
    public var grid: ThresholdGrid
    /// "percent" for 0/1 outcomes, "raw mean" otherwise.
    public var qualityUnit: String
    /// Reference qualities: always-local, always-top, per-item best of both.
    public var localQuality: Double
    public var topQuality: Double
    public var bestOfBothQuality: Double
    /// The router's deferral curve on `grid`.
    public var curve: DeferralCurve
    /// The oracle's curve (exact grid on realised gain).
    public var oracle: DeferralCurve
    /// APGR with a bootstrap interval (exact grid on every resample).
    public var apgr: ConfidenceInterval
    /// CPT per level, numpy-interp semantics, with bootstrap intervals.
    public var cpt: [ConfidenceInterval]
    /// AUROC, Brier and ECE of the score for "local answer wrong".
    public var classifier: ClassifierMetrics
    /// The cheapest thresholds recovering 50 % and 80 % of the gap.
    public var operatingPoints: [OperatingPoint]
    /// Dollar-axis results, when every item has a cost.
    public var dollars: Dollars?
    /// The two-threshold sweep, when the dataset has three or more tiers.
    public var threeTier: ThreeTierSweep?
    /// The bootstrap plan behind the intervals.
    public var bootstrap: Bootstrap

    /// Computes the report. `cascade` charges escalated items for the local tier too.
    public init(dataset: Dataset, scores: ScoreTable, datasetName: String, scoresName: String,
                grid: ThresholdGrid, bootstrap: Bootstrap = Bootstrap(), cascade: Bool = false) throws {
        let outcomes = try ScoredOutcomes(dataset: dataset, scores: scores, scoresName: scoresName)
        self.datasetName = datasetName
        strategyName = scoresName
        tierNames = dataset.tiers.map(\.name)
        itemCount = dataset.items.count
        self.grid = grid
        qualityUnit = outcomes.qualityScale == 100 ? "percent" : "raw mean"
        localQuality = outcomes.localQuality
        topQuality = outcomes.topQuality
        bestOfBothQuality = outcomes.bestOfBothQuality
        curve = try DeferralCurve(outcomes, grid: grid)
        let oracleOutcomes = outcomes.rescored(outcomes.gains)
        oracle = try DeferralCurve(oracleOutcomes, grid: .exact)
        self.bootstrap = bootstrap
        let levels = Self.cptLevels
        let intervals = try bootstrap.apgrAndCPTIntervals(outcomes, levels: levels)
        // The point values are those of the chosen grid; intervals come from exact-grid resamples.
        let curve = self.curve
        apgr = ConfidenceInterval(value: curve.apgr, lower: intervals.apgr.lower, upper: intervals.apgr.upper)
        cpt = levels.indices.map { k in
            ConfidenceInterval(value: curve.cpt(levels[k]), lower: intervals.cpt[k].lower, upper: intervals.cpt[k].upper)
        }
        classifier = ClassifierMetrics(scores: outcomes.scores, labels: outcomes.localWrong)
        let exactCurve = grid == .exact ? curve : try DeferralCurve(outcomes, grid: .exact)
        let costModel = CostModel(dataset: dataset, cascade: cascade)
        var dollarCurve: DollarCurve?
        if let costModel {
            let router = DollarCurve(outcomes: outcomes, curve: exactCurve, dataset: dataset, cost: costModel)
            let oracleDollars = DollarCurve(outcomes: oracleOutcomes, curve: oracle, dataset: dataset, cost: costModel)
            dollarCurve = router
            dollars = Dollars(curve: router, oracleCurve: oracleDollars, routerAIQ: router.routerAIQ,
                              zeroRouterAIQ: router.zeroRouterAIQ, oracleAIQ: oracleDollars.routerAIQ, cascade: cascade)
        }
        operatingPoints = [0.5, 0.8].compactMap { level in
            guard let index = exactCurve.points.firstIndex(where: { $0.quality >= exactCurve.targetQuality(recovering: level) }) else { return nil }
            let point = exactCurve.points[index]
            let dollarsPoint = dollarCurve?.points[index]
            return OperatingPoint(level: level, point: point, pgr: exactCurve.pgr(point.quality),
                                  costPer1k: dollarsPoint.map { $0.costUSD * 1000 },
                                  deltaIBC: dollarsPoint.flatMap { dollarCurve?.deltaIBC($0) })
        }
        if dataset.tiers.count >= 3 {
            threeTier = try ThreeTierSweep(dataset: dataset, scores: outcomes.scores,
                                           tiers: [0, 1, dataset.tiers.count - 1], cost: costModel)
        }
    }
}
