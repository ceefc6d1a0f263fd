import Agents
import Foundation
import Testing
@testable import Routing
import RoutingTestSupport

/// What a usage limit parks a tier for, and how a parking reads (pure).
struct TierParkingTests {
    static let now = try! Date.ISO8601FormatStyle().parse("2026-12-04T23:00:00Z")
    static let newYork = TimeZone(identifier: "America/New_York")!

    static func limit(_ text: String?, reset: UsageLimitReset?) -> AgentError {
        AgentError(code: .usageLimit, message: text ?? "usage limit reached", session: "escalator-opus", limitText: text, limitReset: reset)
    }

    @Test func aReadResetTimeParksUntilThen() throws {
        let reset = UsageLimitReset(date: try Date.ISO8601FormatStyle().parse("2026-12-05T03:00:00Z"), zone: Self.newYork, zoneSource: .shown)
        let text = "You've hit your limit · resets 10pm (America/New_York)"
        let p = TierParking.forUsageLimit(.opus, error: Self.limit(text, reset: reset), now: Self.now, defaultMinutes: 60)
        #expect(p.tier == "opus" && p.until == reset.date && p.zone == Self.newYork && p.parkedAt == Self.now)
        #expect(p.reason == "usage limit" && p.rawText == text)
        #expect(p.isActive(at: Self.now) && !p.isActive(at: reset.date))
        // 22:00 the same day in New York: the time alone.
        #expect(p.skipReason(now: Self.now) == "opus parked until 22:00 America/New_York (usage limit)")
        let local = TimeZone(identifier: "Europe/Berlin")!
        #expect(p.untilText(local: local, now: Self.now)
                == "parked until Dec 4 22:00 America/New_York (Dec 5 04:00 here, Europe/Berlin) (usage limit)")
        #expect(p.untilText(local: Self.newYork, now: Self.now) == "parked until Dec 4 22:00 America/New_York (usage limit)")
        #expect(p.untilText(local: local, now: reset.date).contains("passed; tried again on the next question"))
    }

    @Test func aResetOnAnotherDayNamesTheDay() throws {
        let reset = UsageLimitReset(date: try Date.ISO8601FormatStyle().parse("2026-12-08T03:00:00Z"), zone: Self.newYork, zoneSource: .shown)
        let p = TierParking.forUsageLimit(.sonnet, error: Self.limit("… resets Dec 7, 10pm (America/New_York)", reset: reset),
                                          now: Self.now, defaultMinutes: 60)
        #expect(p.skipReason(now: Self.now) == "sonnet parked until Dec 7 22:00 America/New_York (usage limit)")
    }

    @Test func aResetReadInAnAssumedZoneSaysSo() throws {
        let utc = TimeZone(identifier: "UTC")!
        let reset = UsageLimitReset(date: try Date.ISO8601FormatStyle().parse("2026-12-05T15:00:00Z"), zone: utc, zoneSource: .thisMachine)
        let p = TierParking.forUsageLimit(.opus, error: Self.limit("5-hour limit reached ∙ resets 3pm", reset: reset),
                                          now: Self.now, defaultMinutes: 60)
        #expect(p.until == reset.date)
        #expect(p.reason == "usage limit; the message named no zone, read in this machine's zone (the agent host's is not known)")
    }

    @Test(arguments: [("What do you want to do?", "the reset time was not found in the agent's message"),
                      (nil, "no limit message was read")] as [(String?, String)])
    func noResetTimeParksForTheDefaultMinutes(text: String?, why: String) {
        let p = TierParking.forUsageLimit(.opus, error: Self.limit(text, reset: nil), now: Self.now, defaultMinutes: 45)
        #expect(p.until == Self.now.addingTimeInterval(45 * 60))
        #expect(p.reason == "usage limit; \(why): parked for remote.limit_park_minutes = 45 minutes")
        #expect(p.rawText == text)
    }

    @Test func aResetAlreadyPassedIsTreatedAsUnread() throws {
        let reset = UsageLimitReset(date: Self.now.addingTimeInterval(-60), zone: Self.newYork, zoneSource: .shown)
        let p = TierParking.forUsageLimit(.opus, error: Self.limit("x resets 10pm (America/New_York)", reset: reset),
                                          now: Self.now, defaultMinutes: 60)
        #expect(p.until == Self.now.addingTimeInterval(3600))
    }

    @Test func jsonNamesTheMomentsInUTCAndTheZoneByName() throws {
        let p = TierParking(tier: "opus", until: try Date.ISO8601FormatStyle().parse("2026-12-05T03:00:00Z"), zone: Self.newYork,
                            reason: "usage limit", rawText: "You've hit your limit", parkedAt: Self.now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(p), as: UTF8.self)
        #expect(json == #"{"parked_at":"2026-12-04T23:00:00.000Z","raw_text":"You've hit your limit","reason":"usage limit","tier":"opus","#
                + #""until":"2026-12-05T03:00:00.000Z","zone":"America\/New_York"}"#)
        #expect(try JSONDecoder().decode(TierParking.self, from: Data(json.utf8)) == p)
    }

    @Test func attemptsCarryTheParkingInTheirJSON() throws {
        let until = try Date.ISO8601FormatStyle().parse("2026-12-05T03:00:00Z")
        let a = Attempt(tier: .opus, error: "opus parked until 22:00 America/New_York (usage limit)", ms: 0, parkedUntil: until)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(a), as: UTF8.self)
        #expect(json.contains(#""parked_until":"2026-12-05T03:00:00.000Z""#), "\(json)")
        #expect(try JSONDecoder().decode(Attempt.self, from: Data(json.utf8)) == a)
        // Older records have no parked_until.
        let old = try JSONDecoder().decode(Attempt.self, from: Data(#"{"tier":"sonnet","ms":812.5}"#.utf8))
        #expect(old == Attempt(tier: .sonnet, error: nil, ms: 812.5))
    }

    @Test func theMemoryStoreParksReplacesAndUnparks() async throws {
        let health = TierHealth()
        let first = TierParking(tier: "opus", until: Self.now, zone: Self.newYork, reason: "usage limit", rawText: nil, parkedAt: Self.now)
        var second = first
        second.until = Self.now.addingTimeInterval(60)
        try await health.park(first)
        try await health.park(second)
        #expect(try await health.parking(of: "opus") == second)
        #expect(try await health.parkings() == [second])
        #expect(try await health.unpark("opus"))
        #expect(try await health.unpark("opus") == false)
        #expect(try await health.parking(of: "opus") == nil)
    }
}
