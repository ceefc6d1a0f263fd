import Agents
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing
@testable import Routing
import RoutingTestSupport

/// A usage limit parks the tier, later questions skip it without touching its agent, and once
/// the reset time passes on the router's clock (moved, not waited for) it is tried again and
/// its parking cleared. claude-sim in a private tmux server shows the limit screen in the opus
/// session while a flag file exists; sonnet always answers.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(TmuxFixture.tmuxExecutable != nil)))
struct RouterParkingTests {
    /// The router's clock, moved by the test.
    final class TestClock: Sendable {
        private let date: Mutex<Date>
        init(_ start: Date) { date = Mutex(start) }
        var now: Date { date.withLock { $0 } }
        func set(_ new: Date) { date.withLock { $0 = new } }
    }

    /// The prompts claude-sim recorded in `file`.
    static func prompts(_ file: String) -> [String] {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["kind"] as? String == "prompt" }
            .compactMap { ($0["base64"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } }
            .filter { !$0.hasPrefix("/") }
    }

    @Test(arguments: [false, true])
    func usageLimitParksSkipsAndIsTriedAgainAfterTheReset(inLedger: Bool) async throws {
        var env = try CLIEnvironment(prefix: "parking")
        env.useAgent(command: "unused")
        defer { env.remove() }
        let socket = try #require(env.tmuxSocket)
        let sim = BuiltProducts.executable("claude-sim")
        let flag = env.home.file("opus-limited"), record = env.home.file("opus.jsonl")
        FileManager.default.createFile(atPath: flag, contents: Data())
        let opusSim = "\(sim) --think-ms 100 --record \(record)"
        let command = "/bin/sh -c 'case \"$(tmux display-message -p \"#S\")\" in *opus*) "
            + "if [ -e \(flag) ]; then exec \(opusSim) --limit-after 0; else exec \(opusSim); fi;; "
            + "*) exec \(sim) --think-ms 100;; esac'"

        var settings = Settings(paths: Paths(environment: ["HOME": env.home.path, "XDG_DATA_HOME": env.home.file("data")]))
        settings.remote.command = try AgentCommandLine(command)
        settings.remote.tmuxSocket = socket
        let remote = try RemoteAgents(settings: settings, logger: Logger(label: "test"))
        let clock = TestClock(Date())
        var configuration = try Router.Configuration(settings: settings)
        configuration.now = { clock.now }
        let ledger = inLedger ? try Ledger(settings: settings) : nil
        let router = Router(local: nil, localProblem: "no local model in this test", remote: remote, configuration: configuration)
        let path = QuestionPath(router: router, ledger: ledger)
        let store = path.router.parkingStore
        #expect((store is LedgerParking) == inLedger)

        // 1. opus shows its limit: parked until the next 10pm in New York; sonnet answers.
        let first = try await path.ask("What is 2 + 2?", choice: .forced(.opus))
        #expect(first.tierUsed == .sonnet && first.degraded)
        #expect(first.attempts.map(\.tier) == [.opus, .sonnet])
        #expect(first.attempts[0].error?.contains("usage limit") == true, "\(first.attempts)")
        let parking = try #require(try await store.parking(of: "opus"))
        #expect(first.attempts[0].parkedUntil == parking.until)
        #expect(parking.zone.identifier == "America/New_York" && parking.reason == "usage limit")
        #expect(parking.rawText == "You've hit your limit · resets 10pm (America/New_York)")
        var newYork = Calendar(identifier: .gregorian)
        newYork.timeZone = parking.zone
        #expect(newYork.dateComponents([.hour, .minute], from: parking.until) == DateComponents(hour: 22, minute: 0))
        #expect(parking.until > clock.now && parking.until.timeIntervalSince(clock.now) <= 25 * 3600)
        #expect(Self.prompts(record) == ["What is 2 + 2?"])

        // 2. Before the reset: opus is skipped at once, its agent not asked.
        clock.set(parking.until.addingTimeInterval(-60))
        let second = try await path.ask("What is 3 + 3?", choice: .forced(.opus))
        #expect(second.tierUsed == .sonnet && second.degraded)
        #expect(second.attempts.map(\.tier) == [.opus, .sonnet])
        #expect(second.attempts[0].ms == 0 && second.attempts[0].parkedUntil == parking.until)
        #expect(second.attempts[0].error == parking.skipReason(now: clock.now))
        #expect(second.attempts[0].error?.hasSuffix(" 22:00 America/New_York (usage limit)") == true, "\(second.attempts)")
        #expect(second.degradedReason?.contains("opus parked until") == true)
        #expect(Self.prompts(record) == ["What is 2 + 2?"])

        // 3. After the reset, with the limit lifted (a fresh agent without it): opus answers and
        //    its parking is cleared. A new router over the same store and clock (a later run; this
        //    one's tmux control clients were attached to the session killed here).
        clock.set(parking.until.addingTimeInterval(60))
        try FileManager.default.removeItem(atPath: flag)
        _ = try runBinary(try #require(TmuxFixture.tmuxExecutable), ["-L", socket, "kill-session", "-t", remote.sessionName(.opus)])
        let later = Router(local: nil, localProblem: "no local model in this test",
                           remote: try RemoteAgents(settings: settings, logger: Logger(label: "test")),
                           configuration: configuration, parking: store)
        let third = try await QuestionPath(router: later, ledger: ledger).ask("What is 4 + 4?", choice: .forced(.opus))
        #expect(third.tierUsed == .opus && !third.degraded)
        #expect(third.attempts.map(\.tier) == [.opus], "\(third.attempts)")
        #expect(try await store.parking(of: "opus") == nil)
        #expect(Self.prompts(record) == ["What is 2 + 2?", "What is 4 + 4?"])
        if let ledger { #expect(try ledger.parkedTiers().isEmpty) }
    }
}
