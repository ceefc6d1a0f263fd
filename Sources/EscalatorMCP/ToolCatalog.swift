import MCP
import Routing

/// The tools `escalator mcp` offers: their names, what they do (written for the model that
/// reads them) and their input schemas, with the configured tier names as the allowed values.
enum ToolCatalog {
    static let ask = "ask"
    static let assess = "assess"
    static let stats = "stats"
    static let names = [ask, assess, stats]

    static func tools(_ tiers: TierTable) -> [Tool] {
        let tierNames = tiers.names
        let question = Value.object([
            "type": .string("string"),
            "description": .string("The question, self-contained: the answering model sees nothing else."),
        ])
        return [
            Tool(name: ask, title: "Ask (local model or escalated)",
                 description: """
                 Answer a question with the cheapest tier likely to get it right: the local model when it \
                 rates itself likely correct, else a stronger remote agent (\(tierNames.dropFirst().joined(separator: ", "))). \
                 An escalated question can take minutes; progress notifications are sent while the agent works. \
                 The result is the answer, then the decision: tier_used, reason, p_local_correct, cost_usd, \
                 degraded (true when a fallback answered) and the ledger id.
                 """,
                 inputSchema: .object([
                     "type": .string("object"),
                     "properties": .object([
                         "question": question,
                         "tier": .object([
                             "type": .string("string"),
                             "enum": .array((["auto"] + tierNames).map(Value.string)),
                             "description": .string("auto (default: decide from the self-assessment) or force a tier."),
                         ]),
                         "max_tier": .object([
                             "type": .string("string"),
                             "enum": .array(tierNames.map(Value.string)),
                             "description": .string("Never route or fall back above this tier (caps the cost)."),
                         ]),
                     ]),
                     "required": .array([.string("question")]),
                     "additionalProperties": .bool(false),
                 ]),
                 annotations: .init(readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true)),
            Tool(name: assess, title: "Assess (no answer)",
                 description: """
                 Rate how likely the local model is to answer a question correctly (p_local_correct, 0 to 1) and \
                 say which tier `ask` would route it to, without answering it. One fast local request.
                 """,
                 inputSchema: .object([
                     "type": .string("object"),
                     "properties": .object(["question": question]),
                     "required": .array([.string("question")]),
                     "additionalProperties": .bool(false),
                 ]),
                 annotations: .init(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)),
            Tool(name: stats, title: "Ledger statistics",
                 description: """
                 Per-tier numbers from escalator's ledger (what `escalator stats --json` prints): questions answered, \
                 share, routed, degraded, cost in USD and latency percentiles; failed questions and recorded outcomes.
                 """,
                 inputSchema: .object([
                     "type": .string("object"),
                     "properties": .object([:]),
                     "additionalProperties": .bool(false),
                 ]),
                 annotations: .init(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)),
        ]
    }
}
