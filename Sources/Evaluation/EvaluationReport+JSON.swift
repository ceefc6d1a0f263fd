/// The machine-readable rendering of a report (`--json`).
extension EvaluationReport {
    private func ci(_ c: ConfidenceInterval) -> JSONDocument {
        .object([("value", .number(c.value)), ("lower", .number(c.lower)), ("upper", .number(c.upper))])
    }

    private func points(_ curve: DeferralCurve) -> JSONDocument {
        .array(curve.points.map { p in
            .object([("threshold", .number(p.threshold)), ("rule", .string(p.rule)), ("n_strong", .number(Double(p.escalated))),
                     ("strong_pct", .number(p.sharePercent)), ("quality", .number(p.quality)),
                     ("pgr", .number(curve.pgr(p.quality)))])
        })
    }

    /// The report as indented JSON text (keys follow the reference script where they overlap).
    public func jsonText() -> String { json().rendered() }

    /// The report as a JSON document.
    func json() -> JSONDocument {
        var fields: [(String, JSONDocument)] = [
            ("dataset", .string(datasetName)),
            ("scores", .string(strategyName)),
            ("n_prompts", .number(Double(itemCount))),
            ("tiers", .array(tierNames.map(JSONDocument.string))),
            ("grid", .string(grid.rawValue)),
            ("quality_scale", .string(qualityUnit)),
            ("weak_quality", .number(localQuality)),
            ("strong_quality", .number(topQuality)),
            ("best_of_both_quality", .number(bestOfBothQuality)),
            ("router", .object([
                ("APGR", ci(apgr)),
                ("AUC", .number(curve.auc)),
                ("CPT", .object(Self.cptLevels.indices.map { ("\(Int(Self.cptLevels[$0] * 100))%", ci(cpt[$0])) })),
                ("CPT_first_crossing", .object(Self.cptLevels.map { ("\(Int($0 * 100))%", .optional(curve.cptFirstCrossing($0))) })),
                ("curve_non_decreasing", .bool(curve.isNonDecreasing)),
                ("AUROC_local_wrong", .optional(classifier.auroc)),
                ("brier", .optional(classifier.brier)),
                ("ece", .optional(classifier.ece)),
            ])),
            ("bootstrap", .object([("resamples", .number(Double(bootstrap.resamples))), ("seed", .number(Double(bootstrap.seed))),
                                   ("level", .number(bootstrap.level)), ("grid", .string("exact"))])),
            ("curve", points(curve)),
            ("random_expected", .object([("APGR", .number(0.5)),
                                         ("CPT", .object([("20%", .number(20)), ("50%", .number(50)), ("80%", .number(80))]))])),
            ("oracle", .object([("APGR", .number(oracle.apgr)),
                                ("CPT", .object(Self.cptLevels.map { ("\(Int($0 * 100))%", .optional(oracle.cptFirstCrossing($0))) }))])),
            ("operating_points", .array(operatingPoints.map { op in
                .object([("pgr_level", .number(op.level)), ("threshold", .number(op.point.threshold)), ("rule", .string(op.point.rule)),
                         ("strong_pct", .number(op.point.sharePercent)), ("quality", .number(op.point.quality)),
                         ("pgr", .number(op.pgr)), ("usd_per_1k", .optional(op.costPer1k)), ("delta_ibc_pct", .optional(op.deltaIBC))])
            })),
        ]
        if let dollars {
            let pts: (DollarCurve) -> JSONDocument = { c in
                .array(c.points.map { .object([("usd_per_1k", .number($0.costUSD * 1000)), ("quality", .number($0.quality))]) })
            }
            fields.append(("dollars", .object([
                ("cascade", .bool(dollars.cascade)),
                ("tiers", .array(dollars.curve.tiers.enumerated().map { k, t in
                    .object([("name", .string(tierNames[k])), ("usd_per_1k", .number(t.costUSD * 1000)), ("quality", .number(t.quality))])
                })),
                ("AIQ_router", .number(dollars.routerAIQ)),
                ("AIQ_zero_router", .number(dollars.zeroRouterAIQ)),
                ("AIQ_oracle", .number(dollars.oracleAIQ)),
                ("router_curve", pts(dollars.curve)),
            ])))
        }
        if let threeTier {
            fields.append(("three_tier", .object([
                ("cost_unit", .string(threeTier.dollars ? "usd_per_query" : "tier_rank")),
                ("candidates", .number(Double(threeTier.candidateCount))),
                ("pareto_frontier", .array(threeTier.frontier.map { p in
                    .object([("lower", .number(p.lower)), ("upper", .number(p.upper)),
                             ("share_pct", .array(p.sharePercent.map(JSONDocument.number))),
                             ("cost", .number(p.cost)), ("quality", .number(p.quality))])
                })),
            ])))
        }
        return .object(fields)
    }
}
