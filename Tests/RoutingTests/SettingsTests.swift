import Foundation
import TestSupport
import Testing
@testable import Routing
import RoutingTestSupport

@Suite struct SettingsTests {
    func home() throws -> TemporaryDirectory { try TemporaryDirectory(prefix: "settings") }

    @Test func precedenceIsDefaultsFileEnvironmentFlags() throws {
        let dir = try home()
        defer { dir.remove() }
        let file = dir.file("c.toml")
        try """
        [local]
        url = "http://file:1"
        context = 4096
        [thresholds]
        local_min = 0.7
        sonnet_min = 0.2
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let env = ["HOME": dir.path, "ESCALATOR_LOCAL_URL": "http://env:2", "ESCALATOR_THRESHOLDS_SONNET_MIN": "0.25"]
        let s = try Settings.load(configFile: file, environment: env, overrides: [("local.url", "http://flag:3")])
        #expect(s.local.url == "http://flag:3")          // flag beats env beats file
        #expect(s.minP("sonnet") == 0.25)          // env beats file
        #expect(s.minP("local") == 0.7)            // file beats default
        #expect(s.local.context == 4096)
        #expect(s.local.parallel == Settings.Local().parallel)  // default kept
        #expect(s.configFile == file)
    }

    @Test func pricesAndRoutingComeFromTheFile() throws {
        let dir = try home()
        defer { dir.remove() }
        let file = dir.file("c.toml")
        try """
        [prices]
        sonnet_input = 2.5
        local_output = 0.01
        [routing]
        default_tier = "opus"
        max_tier = "sonnet"
        expected_answer_tokens = 300
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let s = try Settings.load(configFile: file, environment: ["HOME": dir.path, "ESCALATOR_PRICES_OPUS_OUTPUT": "30"])
        #expect(s.tiers.price(of: .sonnet) == TierPrice(inputPerMillion: 2.5, outputPerMillion: TierTable.defaults.price(of: .sonnet).outputPerMillion))
        #expect(s.tiers.price(of: .local).outputPerMillion == 0.01)
        #expect(s.tiers.price(of: .opus).outputPerMillion == 30)
        #expect(try s.policy().defaultTier == .opus)
        #expect(try s.bounds() == TierBounds(min: .local, max: .sonnet))
        #expect(s.routing.expectedAnswerTokens == 300)
    }

    @Test func badPricesAndBoundsAreRefused() throws {
        let env = ["HOME": "/h"]
        let negative = try #require(throws: RoutingError.self) {
            try Settings.load(configFile: nil, environment: env, overrides: [("prices.opus_input", "-1")])
        }
        #expect(negative.description.contains("prices.opus_input"))
        let inverted = try #require(throws: RoutingError.self) {
            try Settings.load(configFile: nil, environment: env, overrides: [("routing.min_tier", "opus"), ("routing.max_tier", "sonnet")])
        }
        #expect(inverted.description.contains("minimum tier (opus) is above the maximum tier (sonnet)"))
        #expect(throws: RoutingError.self) {
            try Settings.load(configFile: nil, environment: env, overrides: [("routing.default_tier", "gpt")])
        }
    }

    @Test func defaultsFollowXDG() throws {
        let s = try Settings.load(configFile: nil, environment: ["HOME": "/h", "XDG_STATE_HOME": "/state"])
        #expect(s.paths.state == "/state/escalator")
        #expect(s.paths.config == "/h/.config/escalator")
        #expect(s.local.model == "/h/.cache/escalator/models/gemma-3-270m-q4_k_m.gguf")
    }

    @Test func unknownKeyInFileNamesTheKeyAndTheKnownOnes() throws {
        let dir = try home()
        defer { dir.remove() }
        let file = dir.file("c.toml")
        try "[thresholds]\nlocal_mni = 0.5\n".write(toFile: file, atomically: true, encoding: .utf8)
        let error = try #require(throws: RoutingError.self) { try Settings.load(configFile: file, environment: ["HOME": dir.path]) }
        #expect(error.description.contains("thresholds.local_mni"))
        #expect(error.description.contains("thresholds.local_min"))
        #expect(error.description.contains(file))
    }

    @Test func syntaxErrorNamesTheLine() throws {
        let dir = try home()
        defer { dir.remove() }
        let file = dir.file("c.toml")
        try "[local]\nurl = \"ok\"\ncontext = = 3\n".write(toFile: file, atomically: true, encoding: .utf8)
        let error = try #require(throws: RoutingError.self) { try Settings.load(configFile: file, environment: ["HOME": dir.path]) }
        #expect(error.problem.contains("line 3"))
    }

    @Test func invalidValuesAreRefusedWithTheExpectedForm() throws {
        let error = try #require(throws: RoutingError.self) {
            try Settings.load(configFile: nil, environment: ["HOME": "/nonexistent", "ESCALATOR_LOCAL_PARALLEL": "many"])
        }
        #expect(error.description.contains("ESCALATOR_LOCAL_PARALLEL"))
        #expect(error.description.contains("whole number"))
        #expect(throws: RoutingError.self) {
            try Settings.load(configFile: nil, environment: ["HOME": "/nonexistent"], overrides: [("assessment.strategy", "vibes")])
        }
    }

    @Test func missingExplicitConfigIsAnError() {
        #expect(throws: RoutingError.self) { try Settings.load(configFile: "/nonexistent/c.toml", environment: ["HOME": "/x"]) }
    }

    @Test func annotatedConfigLoadsBackToTheSameSettings() throws {
        let dir = try home()
        defer { dir.remove() }
        var original = Settings(paths: Paths(environment: ["HOME": dir.path]))
        original.tiers.update("local") { $0.minP = 0.65 }
        original.tiers.update("sonnet") { $0.minP = 0.35 }
        original.calibration = .isotonic(x: [0, 0.5, 1], y: [0.1, 0.4, 0.95])
        original.local.url = "http://example.invalid:9"
        let file = dir.file("c.toml")
        try original.annotatedConfig().write(toFile: file, atomically: true, encoding: .utf8)
        var loaded = try Settings.load(configFile: file, environment: ["HOME": dir.path])
        loaded.configFile = nil
        #expect(loaded == original)
    }
}
