import Agents
import Foundation
import Logging
import TestSupport
import Testing
@testable import Routing
import RoutingTestSupport

/// Every choice is an enum and every flag a Bool, checked when the settings are loaded: a bad
/// value is one error naming the key, the value and what to use instead.
@Suite struct TypedSettingsTests {
    /// (key, bad value, words the fix must hold)
    @Test(arguments: [
        ("local.managed", "sometimes", "auto or never"),
        ("local.swa_full", "yes", "auto or true or false"),
        ("remote.transport", "telnet", "local or ssh"),
        ("remote.agent", "cursor", "claude-code or marker"),
        ("remote.permission", "ask", "deny or approve or stop"),
        ("remote.trust", "maybe", "accept or decline or stop"),
        ("remote.permission_mode", "yolo", "manual or auto"),
        ("remote.clear", "yes", "true or false"),
        ("remote.read_cost", "1", "true or false"),
        ("remote.command", "claude --name \"unterminated", "balanced quotes"),
        ("remote.command", "", "balanced quotes"),
        ("assessment.strategy", "vibes", "digit-scale"),
        ("assessment.confidence", "median", "mean or min"),
        ("embedding.pooling", "max", "mean or cls or last"),
        ("routing.default_tier", "gpt", "local, sonnet, opus"),
        ("routing.min_tier", "haiku", "local, sonnet, opus"),
        ("routing.max_tier", "fable", "local, sonnet, opus"),
        ("tiers.sonnet.min_p", "0.9", "keep every remote tier's min_p ≤ local's"),
        ("tiers.opus.min_p", "-0.1", "a probability between 0 and 1"),
        ("tiers.opus.input_price", "-1", "a price of 0 or more"),
        ("tiers.local.model", "gemma", "local.model"),
        ("tiers.mystery.min_p", "0", "add input_price and output_price"),
        ("tiers.Fable.min_p", "0", "lowercase"),
        ("tiers.opus.temperature", "1", "model, input_price, output_price, min_p"),
        ("thresholds.local_min", "2", "a probability between 0 and 1"),
        ("prices.opus_input", "-1", "a price of 0 or more"),
        ("remote.time_zone", "Mars/Olympus_Mons", "an IANA zone name"),
        ("remote.limit_park_minutes", "0", "a whole number from 1 to 10080"),
    ])
    func aBadValueIsRefusedAtLoad(key: String, value: String, fix: String) throws {
        let error = try #require(throws: RoutingError.self) {
            try Settings.load(configFile: nil, environment: ["HOME": "/nonexistent"], overrides: [(key, value)])
        }
        #expect(!error.description.contains("\n"), "one line")
        #expect(error.description.contains(fix), "\(error)")
        let named = key.hasPrefix("tiers.") ? String(key.split(separator: ".")[1]) : key
        #expect(error.description.contains(named), "\(error)")
    }

    @Test func choicesAndFlagsLoadTyped() throws {
        let dir = try TemporaryDirectory(prefix: "typed")
        defer { dir.remove() }
        let file = dir.file("c.toml")
        try """
        [local]
        managed = "never"
        swa_full = "false"
        [remote]
        transport = "ssh"
        host = "agents.example"
        agent = "marker"
        permission = "approve"
        trust = "decline"
        permission_mode = "auto"
        clear = false
        read_cost = "true"
        command = "'/opt/my agent/claude' --verbose"
        [assessment]
        confidence = "min"
        [embedding]
        pooling = "cls"
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let s = try Settings.load(configFile: file, environment: ["HOME": dir.path])
        #expect(s.local.managed == .never && s.local.swaFull == .off && s.local.swaFull.flag == false)
        #expect(s.remote.transport == .ssh && s.remote.agent == .marker)
        #expect(s.remote.permission == .approve && s.remote.trust == .decline && s.remote.permissionMode == .auto)
        #expect(s.remote.clear == false && s.remote.readCost == true)
        #expect(s.remote.command.words == ["/opt/my agent/claude", "--verbose"])
        #expect(s.assessment.confidence == .min && s.embedding.pooling == .cls)
    }

    /// The agent host's zone, for limit reset times shown without one: `remote.time_zone`, else
    /// this machine's when the agent runs here, else unknown (over SSH); it reaches the driver.
    @Test func theAgentHostsZoneLoadsTypedAndReachesTheDriver() throws {
        let env = ["HOME": "/nonexistent"]
        let named = try Settings.load(configFile: nil, environment: env,
                                      overrides: [("remote.time_zone", "Asia/Tokyo"), ("remote.limit_park_minutes", "15")])
        #expect(named.remote.timeZone == TimeZone(identifier: "Asia/Tokyo") && named.remote.limitParkMinutes == 15)
        #expect(named.remote.agentHostTimeZone?.identifier == "Asia/Tokyo")
        #expect(try Router.Configuration(settings: named).limitParkMinutes == 15)
        let local = try Settings.load(configFile: nil, environment: env, overrides: [])
        #expect(local.remote.timeZone == nil && local.remote.agentHostTimeZone == TimeZone.current)
        #expect(local.remote.limitParkMinutes == 60)
        let ssh = try Settings.load(configFile: nil, environment: env, overrides: [("remote.transport", "ssh"), ("remote.host", "h")])
        #expect(ssh.remote.agentHostTimeZone == nil)
        let driver = try RemoteAgents(settings: named, logger: .init(label: "test")).driver(for: .opus)
        #expect(driver.policy.hostTimeZone?.identifier == "Asia/Tokyo")
    }

    /// `assessment.strategy` loads as the enum, and every value of it is a strategy escalator
    /// can build under that name (the enum and the registry cannot drift apart).
    @Test func everyStrategyNameLoadsTypedAndBuilds() throws {
        for strategy in Settings.AssessmentSettings.Strategy.allCases {
            let s = try Settings.load(configFile: nil, environment: ["HOME": "/nonexistent"],
                                      overrides: [("assessment.strategy", strategy.rawValue)])
            #expect(s.assessment.strategy == strategy)
            #expect(try AssessmentStrategies.named(s.assessment.strategy, settings: s).name == strategy.rawValue)
            #expect(AssessmentStrategies.learnedNames.contains(strategy.rawValue) == strategy.isLearned)
        }
        #expect(AssessmentStrategies.all.map(\.name) == ["digit-scale", "yes-no"])
        #expect(AssessmentStrategies.embeddingNames == ["embedding-logistic", "embedding-knn", "combined"])
    }

    @Test func anUnterminatedQuoteInAConfigFileNamesTheFileAndTheKey() throws {
        let dir = try TemporaryDirectory(prefix: "typed")
        defer { dir.remove() }
        let file = dir.file("c.toml")
        try "[remote]\ncommand = \"claude 'oops\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let error = try #require(throws: RoutingError.self) { try Settings.load(configFile: file, environment: ["HOME": dir.path]) }
        #expect(error.description.contains(file) && error.description.contains("remote.command = \"claude 'oops\""), "\(error)")
    }

    @Test func tiersComeFromTablesTheEnvironmentAndFlags() throws {
        let dir = try TemporaryDirectory(prefix: "typed")
        defer { dir.remove() }
        let file = dir.file("c.toml")
        try """
        [tiers.haiku]
        min_p = 0.45
        [tiers.fable]
        model = "fable"
        min_p = 0
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let s = try Settings.load(configFile: file, environment: ["HOME": dir.path, "ESCALATOR_TIERS_FABLE_OUTPUT_PRICE": "41"],
                                  overrides: [("tiers.haiku.model", "claude-haiku-5-5")])
        #expect(s.tiers.names == ["local", "haiku", "sonnet", "opus", "fable"])
        let haiku = try s.tiers.tier(named: "haiku"), fable = try s.tiers.tier(named: "fable")
        #expect(s.tiers.model(of: haiku) == "claude-haiku-5-5")
        // No built-in price for that alias, but for the tier's own name: haiku's.
        #expect(s.tiers.price(of: haiku) == TierPrice(inputPerMillion: 0.10, outputPerMillion: 0.50))
        #expect(s.tiers.price(of: fable) == TierPrice(inputPerMillion: 8, outputPerMillion: 41))
        #expect(try s.bounds().max == fable)
    }

    @Test func theOlderKeysStillSetTheDefaultTiers() throws {
        let s = try Settings.load(configFile: nil, environment: ["HOME": "/h", "ESCALATOR_THRESHOLDS_LOCAL_MIN": "0.7"],
                                  overrides: [("thresholds.sonnet_min", "0.2"), ("prices.opus_output", "30"), ("remote.opus_model", "fable")])
        #expect(s.tiers.thresholds.entries.map(\.minP) == [0.7, 0.2, 0])
        #expect(s.tiers.price(of: .opus).outputPerMillion == 30)
        #expect(s.tiers.model(of: .opus) == "fable")
        // `escalator init` writes the tier tables, not the older keys, and reads back the same.
        let text = s.annotatedConfig()
        #expect(text.contains("[tiers.local]") && text.contains("[tiers.opus]") && !text.contains("[thresholds]"))
        #expect(text.contains("# [tiers.haiku]") && text.contains("# [tiers.fable]"))
    }
}
