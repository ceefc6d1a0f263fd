import MCP
import Routing

/// A tool call's `arguments` object, read field by field: unknown fields, missing required ones
/// and values of the wrong JSON type are errors that name the field and what it takes.
struct ToolArguments {
    let tool: String
    let values: [String: Value]

    init(tool: String, _ values: [String: Value]?, allowed: [String]) throws {
        self.tool = tool
        self.values = values ?? [:]
        let unknown = self.values.keys.filter { !allowed.contains($0) }.sorted()
        if !unknown.isEmpty {
            let accepted = allowed.isEmpty ? "it takes no arguments" : "accepted: \(allowed.joined(separator: ", "))"
            throw ToolArgumentError(tool: tool, problem: "unknown argument\(unknown.count == 1 ? "" : "s") \(unknown.map { "\"\($0)\"" }.joined(separator: ", "))",
                                    fix: accepted)
        }
    }

    /// The string field `name`, nil when absent (JSON null counts as absent).
    func string(_ name: String) throws -> String? {
        guard let value = values[name], !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw ToolArgumentError(tool: tool, problem: "\"\(name)\" must be a string, got \(Self.kind(value))",
                                    fix: "send it as a JSON string")
        }
        return text
    }

    /// The question: present, a string, and deliverable (``Router/validated(_:)``).
    func question() throws -> String {
        guard let text = try string("question") else {
            throw ToolArgumentError(tool: tool, problem: "missing \"question\"",
                                    fix: "send {\"question\": \"...\"}: the question to \(tool == ToolCatalog.ask ? "answer" : "rate"), self-contained")
        }
        do { return try Router.validated(text) } catch let error as RoutingError {
            throw ToolArgumentError(tool: tool, problem: "\"question\": \(error.problem)", fix: error.fix.isEmpty ? "send a non-empty question" : error.fix)
        }
    }

    static func kind(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .data: "data"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// `ask`'s arguments: the question, the tier choice (`auto` or a configured tier) and the
/// bounds (the config's `[routing]` bounds, `max_tier` lowering the top).
struct AskArguments: Equatable {
    var question: String
    var choice: TierChoice
    var bounds: TierBounds

    init(_ arguments: [String: Value]?, settings: Settings) throws {
        let tool = ToolCatalog.ask
        let args = try ToolArguments(tool: tool, arguments, allowed: ["question", "tier", "max_tier"])
        question = try args.question()
        let table = settings.tiers
        let choices = (["auto"] + table.names).joined(separator: ", ")
        if let tier = try args.string("tier") {
            do { choice = try TierChoice(parsing: tier, in: table) } catch {
                throw ToolArgumentError(tool: tool, problem: "\"tier\": unknown tier \"\(tier)\"", fix: "use one of \(choices)")
            }
        } else {
            choice = .auto
        }
        do { bounds = try settings.bounds() } catch let error as RoutingError {
            throw ToolArgumentError(tool: tool, problem: "the config's [routing] bounds: \(error.problem)", fix: error.fix)
        }
        if let maxTier = try args.string("max_tier") {
            do { bounds.max = try table.tier(named: maxTier) } catch {
                throw ToolArgumentError(tool: tool, problem: "\"max_tier\": unknown tier \"\(maxTier)\"",
                                        fix: "use one of the configured tiers: \(table.names.joined(separator: ", "))")
            }
            if bounds.max < bounds.min {
                throw ToolArgumentError(tool: tool, problem: "\"max_tier\" \(maxTier) is below the minimum tier \(bounds.min.name) ([routing] min_tier)",
                                        fix: "use a tier at or above \(bounds.min.name) (order: \(table.names.joined(separator: " < ")))")
            }
        }
    }
}

/// `assess`'s one argument.
struct AssessArguments: Equatable {
    var question: String

    init(_ arguments: [String: Value]?) throws {
        question = try ToolArguments(tool: ToolCatalog.assess, arguments, allowed: ["question"]).question()
    }
}

/// `stats` takes none.
struct StatsArguments: Equatable {
    init(_ arguments: [String: Value]?) throws {
        _ = try ToolArguments(tool: ToolCatalog.stats, arguments, allowed: [])
    }
}
