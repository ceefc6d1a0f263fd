import Foundation
import MCP
import Routing
import RoutingTestSupport
import TestSupport
import Testing
@testable import EscalatorMCP

/// How tool arguments are read: the question, the tier choice and bounds from the configured
/// tier table, and an error naming the field for everything else.
@Suite struct ToolArgumentsTests {
    static let defaults = Settings(paths: Paths(environment: ["HOME": NSTemporaryDirectory()]))

    /// A config with five tiers, so the names in errors and schemas come from the table.
    static func fiveTiers() throws -> Settings {
        let dir = try TemporaryDirectory(prefix: "mcp-tiers")
        defer { dir.remove() }
        let file = dir.file("c.toml")
        try FiveTierConfig.toml.write(toFile: file, atomically: true, encoding: .utf8)
        return try Settings.load(configFile: file, environment: ["HOME": dir.path])
    }

    @Test(arguments: [
        // (arguments, question, choice, max tier)
        (["question": Value.string("  What is 2+2?\n")], "What is 2+2?", "auto", "opus"),
        (["question": .string("Q"), "tier": .string("auto")], "Q", "auto", "opus"),
        (["question": .string("Q"), "tier": .string("opus")], "Q", "opus", "opus"),
        (["question": .string("Q"), "tier": .string("local")], "Q", "local", "opus"),
        (["question": .string("Q"), "max_tier": .string("sonnet")], "Q", "auto", "sonnet"),
        (["question": .string("Q"), "tier": .null, "max_tier": .null], "Q", "auto", "opus"),
    ] as [([String: Value], String, String, String)])
    func askArgumentsThatWork(arguments: [String: Value], question: String, choice: String, maxTier: String) throws {
        let a = try AskArguments(arguments, settings: Self.defaults)
        #expect(a.question == question)
        #expect(a.choice.description == choice)
        #expect(a.bounds.max.name == maxTier)
        #expect(a.bounds.min.name == "local")
    }

    @Test(arguments: [
        // (arguments, what the message must contain)
        (nil, "ask: missing \"question\""),
        ([:], "ask: missing \"question\""),
        (["question": .null], "ask: missing \"question\""),
        (["question": .int(42)], "\"question\" must be a string, got a number"),
        (["question": .array([.string("a")])], "\"question\" must be a string, got an array"),
        (["question": .string("   ")], "ask: \"question\":"),
        (["question": .string("colour \u{1B}[31mred")], "U+001B"),
        (["question": .string("Q"), "tier": .string("gpt-9")], "\"tier\": unknown tier \"gpt-9\" — use one of auto, local, sonnet, opus"),
        (["question": .string("Q"), "tier": .bool(true)], "\"tier\" must be a string, got a boolean"),
        (["question": .string("Q"), "max_tier": .string("huge")], "\"max_tier\": unknown tier \"huge\" — use one of the configured tiers: local, sonnet, opus"),
        (["question": .string("Q"), "maxTier": .string("opus")], "unknown argument \"maxTier\" — accepted: question, tier, max_tier"),
    ] as [([String: Value]?, String)])
    func askArgumentsThatFail(arguments: [String: Value]?, message: String) {
        #expect {
            _ = try AskArguments(arguments, settings: Self.defaults)
        } throws: { error in
            guard let error = error as? ToolArgumentError else { return false }
            return error.description.contains(message)
        }
    }

    @Test func theTierNamesComeFromTheConfig() throws {
        let settings = try Self.fiveTiers()
        let a = try AskArguments(["question": .string("Q"), "tier": .string("fable"), "max_tier": .string("fable")], settings: settings)
        #expect(a.choice == .forced(try settings.tiers.tier(named: "fable")))
        #expect(throws: ToolArgumentError.self) { try AskArguments(["question": .string("Q"), "tier": .string("gpt")], settings: settings) }
        do {
            _ = try AskArguments(["question": .string("Q"), "tier": .string("gpt")], settings: settings)
        } catch let error as ToolArgumentError {
            #expect(error.fix == "use one of auto, local, haiku, sonnet, opus, fable")
        }
        let tools = ToolCatalog.tools(settings.tiers)
        #expect(tools.map(\.name) == ["ask", "assess", "stats"])
        let tierEnum = tools[0].inputSchema.objectValue?["properties"]?.objectValue?["tier"]?.objectValue?["enum"]?.arrayValue
        #expect(tierEnum?.compactMap(\.stringValue) == ["auto", "local", "haiku", "sonnet", "opus", "fable"])
    }

    @Test func aMaxTierBelowTheConfiguredMinimumIsAnError() throws {
        var settings = Self.defaults
        settings.routing.minTier = "sonnet"
        #expect {
            _ = try AskArguments(["question": .string("Q"), "max_tier": .string("local")], settings: settings)
        } throws: { ($0 as? ToolArgumentError)?.problem.contains("below the minimum tier sonnet") == true }
    }

    @Test func assessAndStatsArguments() throws {
        #expect(try AssessArguments(["question": .string(" Hi ")]).question == "Hi")
        #expect(throws: ToolArgumentError.self) { try AssessArguments(["question": .string("Hi"), "tier": .string("opus")]) }
        _ = try StatsArguments(nil)
        _ = try StatsArguments([:])
        #expect {
            _ = try StatsArguments(["x": .int(1)])
        } throws: { ($0 as? ToolArgumentError)?.description == "stats: unknown argument \"x\" — it takes no arguments" }
    }
}
