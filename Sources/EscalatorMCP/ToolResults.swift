import Foundation
import MCP
import Routing

/// What `ask` reports besides the answer: where it was answered and why, what it cost and
/// whether a fallback answered (degraded). The ledger row is `id`.
struct AskDecision: Encodable, Equatable {
    var id: String
    var tierUsed: String
    /// The tier the policy chose (differs from `tierUsed` when degraded).
    var routeTier: String
    var reason: String
    var pLocalCorrect: Double?
    var costUsd: Double
    var costEstimatedUsd: Double
    var costMeasuredUsd: Double?
    var degraded: Bool
    var degradedReason: String?
    var attempts: [Attempt]
    var totalMs: Double

    init(_ answer: RoutedAnswer) {
        id = answer.id
        tierUsed = answer.tierUsed.name
        routeTier = answer.route.tier.name
        reason = answer.route.reason
        pLocalCorrect = answer.assessment?.pLocalCorrect
        costUsd = answer.costUsd
        costEstimatedUsd = answer.costEstimatedUsd
        costMeasuredUsd = answer.costMeasuredUsd
        degraded = answer.degraded
        degradedReason = answer.degradedReason
        attempts = answer.attempts
        totalMs = answer.timingsMs.total
    }

    enum CodingKeys: String, CodingKey {
        case id, tierUsed, routeTier, reason, pLocalCorrect, costUsd, costEstimatedUsd, costMeasuredUsd,
             degraded, degradedReason, attempts, totalMs
    }

    /// Every key present, nil as JSON null, so a client can rely on the shape.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(tierUsed, forKey: .tierUsed)
        try c.encode(routeTier, forKey: .routeTier)
        try c.encode(reason, forKey: .reason)
        try c.encode(pLocalCorrect, forKey: .pLocalCorrect)
        try c.encode(costUsd, forKey: .costUsd)
        try c.encode(costEstimatedUsd, forKey: .costEstimatedUsd)
        try c.encode(costMeasuredUsd, forKey: .costMeasuredUsd)
        try c.encode(degraded, forKey: .degraded)
        try c.encode(degradedReason, forKey: .degradedReason)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(totalMs, forKey: .totalMs)
    }
}

/// What `assess` reports: the assessment and the route `ask` would take with it.
struct AssessReport: Encodable, Equatable {
    var pLocalCorrect: Double
    var strategy: String
    var rawScore: Double
    var calibration: String
    var distribution: [String: Double]
    var routeTier: String
    var reason: String
    var elapsedMs: Double
}

/// Tool results: text for any client and the model reading it, plus the same data as
/// structured content (snake_case JSON, as `ask --json` prints).
enum ToolResults {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    static func json(_ value: some Encodable) throws -> (text: String, value: Value) {
        let data = try encoder().encode(value)
        return (String(decoding: data, as: UTF8.self), try JSONDecoder().decode(Value.self, from: data))
    }

    /// The answer as the first text block; the decision as JSON in the second; both as
    /// structured content (the decision's fields plus `answer`).
    static func ask(_ answer: RoutedAnswer) throws -> CallTool.Result {
        let decision = try json(AskDecision(answer))
        guard case .object(var fields) = decision.value else { throw EncodingError.invalidValue(decision.text, .init(codingPath: [], debugDescription: "the decision is not a JSON object")) }
        fields["answer"] = .string(answer.answer)
        let structured: Value? = .object(fields)
        return .init(content: [.text(text: answer.answer, annotations: nil, _meta: nil),
                               .text(text: "escalator decision: " + decision.text, annotations: nil, _meta: nil)],
                     structuredContent: structured, isError: false)
    }

    static func assess(_ report: AssessReport) throws -> CallTool.Result {
        let encoded = try json(report)
        let line = String(format: "pLocalCorrect %.3f (%@) → %@: %@", report.pLocalCorrect, report.strategy, report.routeTier, report.reason)
        let structured: Value? = encoded.value
        return .init(content: [.text(text: line, annotations: nil, _meta: nil), .text(text: encoded.text, annotations: nil, _meta: nil)],
                     structuredContent: structured, isError: false)
    }

    static func stats(_ stats: LedgerStats) throws -> CallTool.Result {
        let encoded = try json(stats)
        let structured: Value? = encoded.value
        return .init(content: [.text(text: encoded.text, annotations: nil, _meta: nil)], structuredContent: structured, isError: false)
    }

    /// A tool error: the client shows `message` to its model, which can correct the call.
    static func failure(_ message: String) -> CallTool.Result {
        .init(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
    }
}
