import Foundation
import Routing
import TestSupport
import Testing

/// Usage-limit parking through the built `escalator`, with claude-sim's limit screen in real
/// tmux: the limited tier falls back and is parked in the ledger, `stats` and `doctor` show it,
/// the next question skips it without typing into its agent, and once its `until` is moved into
/// the past (in the database file, with sqlite3) it is tried again and unparked. No llama-server:
/// the tier is forced, and the local model's URL is a closed port.
@Suite(.serialized, .enabled(if: RealPart.shouldRun(TmuxFixture.tmuxExecutable != nil && RealPart.executable("sqlite3") != nil)))
struct ParkingCLITests {
    static var sim: String { BuiltProducts.executable("claude-sim") }

    /// The non-command prompts claude-sim recorded in `file`.
    static func prompts(_ file: String) -> [String] {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["kind"] as? String == "prompt" }
            .compactMap { ($0["base64"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } }
            .filter { !$0.hasPrefix("/") }
    }

    @Test func aLimitedTierIsParkedShownSkippedAndTriedAgainAfterItsReset() async throws {
        var env = try CLIEnvironment(prefix: "parking-cli")
        defer { env.remove() }
        let flag = env.home.file("opus-limited"), record = env.home.file("opus.jsonl")
        FileManager.default.createFile(atPath: flag, contents: Data())
        let opusSim = "\(Self.sim) --think-ms 100 --record \(record)"
        env.useAgent(command: "/bin/sh -c 'case \"$(tmux display-message -p \"#S\")\" in *opus*) "
                     + "if [ -e \(flag) ]; then exec \(opusSim) --limit-after 0; else exec \(opusSim); fi;; "
                     + "*) exec \(Self.sim) --think-ms 100;; esac'")
        let dead = "http://127.0.0.1:\(try freeLoopbackPort())"
        let ledgerPath = env.home.file("data/escalator/ledger.sqlite")
        func ask(_ question: String) throws -> [String: Any] {
            let r = try env.run(["ask", "--json", "--tier", "opus", "--local-url", dead, question])
            #expect(r.status == 0, "\(r.stderr)")
            return try jsonObject(r.stdout)
        }
        func attempts(_ o: [String: Any]) -> [[String: Any]] { (o["attempts"] as? [[String: Any]]) ?? [] }

        // 1. The limit screen: sonnet answers; opus is parked until the next 10pm in New York.
        let first = try ask("What is 2 + 2?")
        #expect(first["tier_used"] as? String == "sonnet" && first["degraded"] as? Bool == true)
        #expect(attempts(first).map { $0["tier"] as? String } == ["opus", "sonnet"])
        let parkedUntil = try #require(attempts(first).first?["parked_until"] as? String, "\(attempts(first))")
        let parking = try #require(try Ledger(path: ledgerPath).parking(of: "opus"))
        let parsed = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(parkedUntil)
        #expect(abs(parsed.timeIntervalSince(parking.until)) < 0.001, "\(parkedUntil) vs \(parking.until)")
        #expect(parking.zone.identifier == "America/New_York")
        #expect(parking.rawText == "You've hit your limit · resets 10pm (America/New_York)")
        #expect(Self.prompts(record) == ["What is 2 + 2?"])

        // 2. stats and doctor say so (doctor's agent check runs `echo --version` instead of the sim).
        let stats = try env.run(["stats"])
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout.contains("opus parked until ") && stats.stdout.contains("22:00 America/New_York"), "\(stats.stdout)")
        #expect(stats.stdout.contains("(usage limit)"))
        let statsJSON = try jsonObject(try env.run(["stats", "--json"]).stdout)
        #expect((statsJSON["parked"] as? [[String: Any]])?.first?["until"] as? String == parkedUntil)
        let doctor = try env.run(["doctor", "--local-url", dead], extra: ["ESCALATOR_REMOTE_COMMAND": "/bin/echo"])
        #expect(doctor.stdout.contains("tier opus") && doctor.stdout.contains("parked until "), "\(doctor.stdout)")

        // 3. The next question skips opus without typing into its agent.
        let second = try ask("What is 3 + 3?")
        #expect(second["tier_used"] as? String == "sonnet")
        let skip = try #require(attempts(second).first)
        #expect(skip["tier"] as? String == "opus" && skip["ms"] as? Double == 0 && skip["parked_until"] as? String == parkedUntil)
        let reason = try #require(skip["error"] as? String)
        #expect(reason.hasPrefix("opus parked until ") && reason.hasSuffix("22:00 America/New_York (usage limit)"), "\(reason)")
        #expect((second["degraded_reason"] as? String)?.contains("opus parked until") == true)
        #expect(Self.prompts(record) == ["What is 2 + 2?"])

        // 3b. A batch plans around the parked tier (a dry run: nothing is asked).
        let questions = env.home.file("questions.txt")
        try "What is 4 + 4?\nWhat is 5 + 5?\n".write(toFile: questions, atomically: true, encoding: .utf8)
        let dry = try env.run(["batch", questions, "--dry-run", "--json", "--tier", "opus", "--local-url", dead])
        #expect(dry.status == 0, "\(dry.stderr)")
        let plan = try jsonObject(dry.stdout)
        let planned = Dictionary(uniqueKeysWithValues: ((plan["tiers"] as? [[String: Any]]) ?? []).map {
            ($0["tier"] as? String ?? "", $0["questions"] as? Int ?? -1)
        })
        #expect(planned["opus"] == 0 && planned["sonnet"] == 2, "\(plan)")
        #expect(plan["demoted_by_parking"] as? Int == 2)
        #expect((plan["parked"] as? [[String: Any]])?.first?["until"] as? String == parkedUntil, "\(plan)")
        let text = try env.run(["batch", questions, "--dry-run", "--tier", "opus", "--local-url", dead])
        #expect(text.stdout.contains("opus parked until ") && text.stdout.contains("2 questions planned on a cheaper tier"), "\(text.stdout)")
        #expect(Self.prompts(record) == ["What is 2 + 2?"])

        // 4. The reset passes (moved in the database file), the limit is lifted (a fresh agent
        //    without it): opus is tried again, answers, and is unparked.
        let sqlite = try #require(RealPart.executable("sqlite3"))
        let moved = try runBinary(sqlite, [ledgerPath, "UPDATE parked_tiers SET until = '2000-01-01T00:00:00.000Z' WHERE tier = 'opus'"])
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(try env.run(["stats"]).stdout.contains("passed; tried again on the next question"))
        try FileManager.default.removeItem(atPath: flag)
        let tmux = try #require(TmuxFixture.tmuxExecutable)
        _ = try runBinary(tmux, ["-L", try #require(env.tmuxSocket), "kill-session", "-t", "escalator-opus"])
        let third = try ask("What is 4 + 4?")
        #expect(third["tier_used"] as? String == "opus" && third["degraded"] as? Bool == false, "\(third)")
        #expect(attempts(third).map { $0["tier"] as? String } == ["opus"])
        #expect(try Ledger(path: ledgerPath).parking(of: "opus") == nil)
        #expect(Self.prompts(record) == ["What is 2 + 2?", "What is 4 + 4?"])
        #expect(!(try env.run(["stats"]).stdout.contains("parked until")))
    }

    @Test func unparkClearsAParkingByHand() throws {
        let env = try CLIEnvironment(prefix: "unpark-cli")
        defer { env.remove() }
        let ledgerPath = env.home.file("data/escalator/ledger.sqlite")
        let now = Date()
        try Ledger(path: ledgerPath).park(TierParking(tier: "opus", until: now.addingTimeInterval(3600), zone: .current,
                                                      reason: "usage limit", rawText: nil, parkedAt: now))
        let help = try env.run(["unpark", "--help"])
        #expect(help.status == 0 && help.stdout.contains("usage limit") && help.stdout.contains("escalator stats"), "\(help.stdout)")
        let none = try env.run(["unpark"])
        #expect(none.status != 0 && none.stderr.contains("--all"), "\(none.stderr)")
        let unknown = try env.run(["unpark", "sonnet"])
        #expect(unknown.status != 0 && unknown.stderr.contains("sonnet is not parked") && unknown.stderr.contains("parked: opus"),
                "\(unknown.stderr)")
        let done = try env.run(["unpark", "opus"])
        #expect(done.status == 0 && done.stdout.contains("opus: unparked"), "\(done.stderr)")
        #expect(try Ledger(path: ledgerPath).parkedTiers().isEmpty)
        let all = try env.run(["unpark", "--all"])
        #expect(all.status == 0 && all.stdout.contains("no tier is parked"), "\(all.stdout)")
    }
    /// Over SSH without `remote.time_zone`, doctor names the zone the agent host's clock runs in,
    /// read on the host (its sshd sets TZ=Asia/Kathmandu in every session here).
    @Test(.enabled(if: RealPart.shouldRun(SSHDFixture.sshdPath != nil)))
    func doctorNamesTheAgentHostsZoneReadOverSSH() async throws {
        let sshd = try await SSHDFixture(environment: ["TZ": "Asia/Kathmandu"])
        defer { sshd.stop() }
        var env = try CLIEnvironment(prefix: "zone-cli")
        defer { env.remove() }
        env.useAgent(command: Self.sim)
        env.variables["ESCALATOR_REMOTE_TRANSPORT"] = "ssh"
        env.variables["ESCALATOR_REMOTE_HOST"] = "127.0.0.1"
        env.variables["ESCALATOR_REMOTE_PORT"] = String(sshd.port)
        env.variables["ESCALATOR_REMOTE_USER"] = sshd.user
        env.variables["ESCALATOR_REMOTE_IDENTITY_FILE"] = sshd.userKeyPath
        env.variables["ESCALATOR_REMOTE_KNOWN_HOSTS"] = sshd.knownHostsPath
        env.variables.removeValue(forKey: "SSH_AUTH_SOCK")
        let dead = "http://127.0.0.1:\(try freeLoopbackPort())"
        let doctor = try env.run(["doctor", "--local-url", dead])
        #expect(doctor.stdout.contains("agent host time zone") && doctor.stdout.contains("Asia/Kathmandu (read on 127.0.0.1)"),
                "\(doctor.stdout)\n\(doctor.stderr)")
        // Set in the config, it is taken as it is.
        let set = try env.run(["doctor", "--local-url", dead], extra: ["ESCALATOR_REMOTE_TIME_ZONE": "Europe/Berlin"])
        #expect(set.stdout.contains("Europe/Berlin (remote.time_zone)"), "\(set.stdout)\n\(set.stderr)")
    }
}
