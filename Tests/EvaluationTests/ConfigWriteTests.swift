import Foundation
import Routing
import Testing
import TestSupport
@testable import Evaluation
import RoutingTestSupport

/// `tune --write-config`: the text edits, the conversion of tuned values to the router's keys,
/// and the written file loading back with `Settings.load`.
@Suite struct ConfigWriteTests {
    static let handConfig = """
    # my config
    [local]
    url = "http://127.0.0.1:9999" # my server
    parallel = 2

    [calibration]
    kind = "isotonic" # fitted last week
    x = [0.1,
         0.9]
    y = [0.2, 0.8]

    [thresholds]
    local_min = 0.5
    sonnet_min = 0.4

    """

    @Test func editsKeepOtherLinesAndComments() {
        let changes = [ConfigFileEditor.Change("thresholds.local_min", "0.7"),
                       ConfigFileEditor.Change("calibration.kind", "\"platt\""),
                       ConfigFileEditor.Change("calibration.a", "2.0"),
                       ConfigFileEditor.Change("calibration.b", "-1.0"),
                       ConfigFileEditor.Change("calibration.x", nil),
                       ConfigFileEditor.Change("calibration.y", nil)]
        let edited = ConfigFileEditor.applying(changes, to: Self.handConfig)
        #expect(edited == """
        # my config
        [local]
        url = "http://127.0.0.1:9999" # my server
        parallel = 2

        [calibration]
        kind = "platt" # fitted last week
        # x = [0.1,
        #      0.9]
        # y = [0.2, 0.8]
        a = 2.0
        b = -1.0

        [thresholds]
        local_min = 0.7
        sonnet_min = 0.4

        """)
        let diff = ConfigFileEditor.diff(old: Self.handConfig, new: edited, name: "c.toml")
        #expect(diff.hasPrefix("--- c.toml\n+++ c.toml (new)\n@@ "))
        #expect(diff.contains("-local_min = 0.5\n+local_min = 0.7\n"))
        #expect(diff.contains("-kind = \"isotonic\" # fitted last week\n") && diff.contains("+kind = \"platt\" # fitted last week\n"))
        #expect(diff.contains("+a = 2.0\n+b = -1.0\n"))
        #expect(!diff.contains("my server"))  // unchanged lines far from a change are not shown
        #expect(ConfigFileEditor.diff(old: edited, new: edited, name: "c.toml").isEmpty)
    }

    @Test func fillsPlaceholdersAndAddsMissingSections() {
        let text = "[calibration]\n# Platt slope.\n# a =\n"
        let edited = ConfigFileEditor.applying([.init("calibration.a", "1.5"), .init("thresholds.local_min", "0.2")], to: text)
        #expect(edited == "[calibration]\n# Platt slope.\na = 1.5\n\n[thresholds]\nlocal_min = 0.2\n")
    }

    /// Scores are 1 − raw P(correct); the router's rule must escalate the same raw values.
    @Test func routingFormMatchesTheScoreRule() throws {
        let none = try ThresholdSettings(escalateAt: 0.25).routingForm(scoreRange: 0...1)
        #expect(none.calibration == .identity)
        #expect(none.localMin == (0.75).nextUp)  // escalate when raw <= 0.75, i.e. score >= 0.25
        let strict = try ThresholdSettings(escalateAt: 0.25, strict: true).routingForm(scoreRange: 0...1)
        #expect(strict.localMin == 0.75)

        let platt = try ThresholdSettings(escalateAt: 0.4, calibration: .platt(a: 3, b: -1)).routingForm(scoreRange: 0...1)
        guard case let .platt(a, b) = platt.calibration else { Issue.record("expected platt"); return }
        for raw in stride(from: 0.0, through: 1.0, by: 0.125) {
            let pWrong = CalibrationMap.platt(a: 3, b: -1).apply(1 - raw)
            #expect(abs(Calibration.platt(a: a, b: b).apply(raw) - (1 - pWrong)) < 1e-12)
        }
        let iso = try ThresholdSettings(escalateAt: 0.5, calibration: .isotonic(x: [0.2, 0.6], y: [0.1, 0.7])).routingForm(scoreRange: 0...1)
        #expect(iso.calibration == .isotonic(x: [0.4, 0.8], y: [0.30000000000000004, 0.9]))
        for raw in stride(from: 0.0, through: 1.0, by: 0.125) {
            let pWrong = CalibrationMap.isotonic(x: [0.2, 0.6], y: [0.1, 0.7]).apply(1 - raw)
            #expect(abs(iso.calibration.apply(raw) - (1 - pWrong)) < 1e-12)
        }
        // The written rule escalates the same scores as the fitted one (no flat region here).
        let scores = stride(from: 0.0, through: 1.0, by: 0.05).map { $0 }
        for tuned in [ThresholdSettings(escalateAt: 0.25), ThresholdSettings(escalateAt: 0.25, strict: true),
                      ThresholdSettings(escalateAt: 0.4, calibration: .platt(a: 3, b: -1))] {
            let check = try tuned.routingForm(scoreRange: 0...1).escalations(scores: scores, tuned: tuned)
            #expect(check.written == check.tuned && check.tuned > 0)
        }
        // A flat isotonic map cannot separate the scores: the check says so.
        let flat = ThresholdSettings(escalateAt: 0.9, calibration: .isotonic(x: [0.1, 0.9], y: [1, 1]))
        let flatCheck = try flat.routingForm(scoreRange: 0...1).escalations(scores: [0.1, 0.5, 0.9], tuned: flat)
        #expect(flatCheck.tuned == 1 && flatCheck.written != 1)
        #expect(throws: EvaluationError.self) { try ThresholdSettings(escalateAt: 30).routingForm(scoreRange: 0...120) }
        #expect(throws: EvaluationError.self) {
            try ThresholdSettings(escalateAt: 0.3, calibration: .platt(a: -1, b: 0)).routingForm(scoreRange: 0...1)
        }
    }

    /// Writing into a hand-made file: diff, backup, and the result loads with `Settings.load`
    /// holding exactly the tuned values, with the user's other keys intact.
    @Test func writtenFileLoads() throws {
        let dir = try TemporaryDirectory(prefix: "write-config")
        defer { dir.remove() }
        let path = dir.file("config.toml")
        try Self.handConfig.write(toFile: path, atomically: true, encoding: .utf8)
        let env = ["HOME": dir.path]
        let form = try ThresholdSettings(escalateAt: 0.4, calibration: .platt(a: 3, b: -1)).routingForm(scoreRange: 0...1)
        let outcome = try ConfigFileEditor.update(path: path, changes: form.configChanges(tiers: try Settings.load(configFile: path, environment: env).tiers,
                                                                                    fileText: Self.handConfig),
                                                  template: { "" }, environment: env)
        #expect(outcome.backup == path + ".bak" && !outcome.created)
        #expect(try String(contentsOfFile: path + ".bak", encoding: .utf8) == Self.handConfig)
        #expect(outcome.diff.contains("+local_min = "))
        let settings = try Settings.load(configFile: path, environment: env)
        #expect(settings.calibration == form.calibration)
        #expect(settings.minP("local") == form.localMin)
        #expect(settings.minP("sonnet") == min(0.4, form.localMin))
        #expect(settings.local.url == "http://127.0.0.1:9999" && settings.local.parallel == 2)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("# my config") && text.contains("# my server"))
        #expect(!FileManager.default.fileExists(atPath: dir.file(".config.toml.tmp-\(getpid())")))
        // Writing the same values again changes nothing.
        let again = try ConfigFileEditor.update(path: path, changes: form.configChanges(tiers: settings.tiers,
                                                                                   fileText: try String(contentsOfFile: path, encoding: .utf8)),
                                                template: { "" }, environment: env)
        #expect(again.diff.isEmpty)
    }

    /// A missing file is created from the annotated defaults; a change that would not load
    /// leaves the file untouched.
    @Test func createsFromTemplateAndRefusesInvalid() throws {
        let dir = try TemporaryDirectory(prefix: "write-config")
        defer { dir.remove() }
        let env = ["HOME": dir.path]
        let path = dir.file("sub/config.toml")
        let defaults = Settings(paths: Paths(environment: env))
        let form = try ThresholdSettings(escalateAt: 0.5, calibration: .isotonic(x: [0.2, 0.6], y: [0.1, 0.7])).routingForm(scoreRange: 0...1)
        let outcome = try ConfigFileEditor.update(path: path, changes: form.configChanges(tiers: defaults.tiers, fileText: defaults.annotatedConfig()),
                                                  template: { defaults.annotatedConfig() }, environment: env)
        #expect(outcome.created && outcome.backup == nil)
        #expect(!outcome.diff.contains("+[local]"))  // the diff is against the template
        let loaded = try Settings.load(configFile: path, environment: env)
        #expect(loaded.calibration == form.calibration && loaded.minP("local") == form.localMin)
        #expect(loaded.local == defaults.local)

        let before = try String(contentsOfFile: path, encoding: .utf8)
        #expect(throws: RoutingError.self) {
            try ConfigFileEditor.update(path: path, changes: [.init("thresholds.local_min", "7")], template: { "" }, environment: env)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
    }
}
