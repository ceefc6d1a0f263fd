import Foundation
import Testing
import Agents

/// Reading the reset moment from Claude Code's usage-limit messages (the wordings and their
/// sources are listed in `ClaudeCodeLimitReset`). Every expected moment is written out by hand
/// with its UTC offset, so a case fails if the parser picks the wrong day, zone or hour.
struct ClaudeCodeLimitResetTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var text: String
        /// When the message was read (ISO 8601).
        var now: String
        /// The expected moment (ISO 8601 with offset), nil = no date.
        var expected: String?
        /// The zone expected on the result.
        var zone: String? = nil
        var source: UsageLimitReset.ZoneSource = .shown
        /// The zone passed for messages that name none.
        var defaultZone = "UTC"
        var defaultSource: UsageLimitReset.ZoneSource = .thisMachine
        var testDescription: String { "\(text) @ \(now)" }
    }

    static let cases: [Case] = [
        // 2.1.x, the form claude-sim draws. 18:00 in New York → 22:00 the same day (EST, −5).
        Case(text: "You've hit your limit · resets 10pm (America/New_York)", now: "2026-12-04T23:00:00Z",
             expected: "2026-12-04T22:00:00-05:00", zone: "America/New_York"),
        // 23:00 in New York: 10pm has passed, so tomorrow's.
        Case(text: "You've hit your limit · resets 10pm (America/New_York)", now: "2026-12-05T04:00:00Z",
             expected: "2026-12-05T22:00:00-05:00", zone: "America/New_York"),
        // Exactly at the reset time: the next one (strictly after now).
        Case(text: "You've hit your limit · resets 10pm (UTC)", now: "2026-12-04T22:00:00Z",
             expected: "2026-12-05T22:00:00Z", zone: "UTC"),
        // Minutes; midnight in Berlin has passed (CET, +1).
        Case(text: "You've hit your session limit · resets 3:30pm (Europe/Berlin)", now: "2026-12-04T23:00:00Z",
             expected: "2026-12-05T15:30:00+01:00", zone: "Europe/Berlin"),
        // Summer time in Berlin (CEST, +2).
        Case(text: "You've hit your session limit · resets 10pm (Europe/Berlin)", now: "2026-07-01T12:00:00Z",
             expected: "2026-07-01T22:00:00+02:00", zone: "Europe/Berlin"),
        // Over the night New York moves its clocks (Mar 8 2026): 10pm EDT (−4) the next day.
        Case(text: "You've hit your limit · resets 10pm (America/New_York)", now: "2026-03-08T03:30:00Z",
             expected: "2026-03-08T22:00:00-04:00", zone: "America/New_York"),
        // Half-hour zone, and 12am / 12pm.
        Case(text: "You've hit your limit · resets 12am (Asia/Kolkata)", now: "2026-12-04T23:00:00Z",
             expected: "2026-12-06T00:00:00+05:30", zone: "Asia/Kolkata"),
        Case(text: "You've hit your limit · resets 12pm (UTC)", now: "2026-12-04T23:00:00Z",
             expected: "2026-12-05T12:00:00Z", zone: "UTC"),
        // A date: `Mon D, time` and `Mon D at time` (JST, +9; 08:00 there now).
        Case(text: "You've hit your weekly limit · resets Dec 5, 3pm (Asia/Tokyo)", now: "2026-12-04T23:00:00Z",
             expected: "2026-12-05T15:00:00+09:00", zone: "Asia/Tokyo"),
        Case(text: "You've hit your weekly limit · resets Dec 5 at 3pm (Asia/Tokyo)", now: "2026-12-04T23:00:00Z",
             expected: "2026-12-05T15:00:00+09:00", zone: "Asia/Tokyo"),
        Case(text: "You've hit your weekly limit · resets Jul 27 at 4:30am (Asia/Calcutta)", now: "2026-07-24T10:00:00Z",
             expected: "2026-07-27T04:30:00+05:30", zone: "Asia/Calcutta"),
        // A date already past this year is next year's; Feb 29 is the next leap year's.
        Case(text: "Current week · Resets Jan 12, 10:59am (America/New_York)", now: "2026-12-04T23:00:00Z",
             expected: "2027-01-12T10:59:00-05:00", zone: "America/New_York"),
        Case(text: "You've hit your weekly limit · resets Jul 31, 2am (UTC)", now: "2026-12-04T23:00:00Z",
             expected: "2027-07-31T02:00:00Z", zone: "UTC"),
        Case(text: "You've hit your weekly limit · resets Feb 29, 1am (UTC)", now: "2026-12-04T23:00:00Z",
             expected: "2028-02-29T01:00:00Z", zone: "UTC"),
        // 1.0.x wordings.
        Case(text: "Claude usage limit reached. Your limit will reset at 3pm (America/New_York).", now: "2026-12-04T23:00:00Z",
             expected: "2026-12-05T15:00:00-05:00", zone: "America/New_York"),
        Case(text: "Claude usage limit reached. Your limit will reset at 1pm (Etc/GMT+5).", now: "2026-12-04T12:00:00Z",
             expected: "2026-12-04T13:00:00-05:00", zone: "Etc/GMT+5"),
        Case(text: "Claude AI usage limit reached|1749924000", now: "2025-06-14T17:56:06Z",
             expected: "2025-06-14T18:00:00Z", zone: "UTC", source: .thisMachine),
        // No zone named: the zone passed in, and its source.
        Case(text: "5-hour limit reached ∙ resets 3pm", now: "2026-12-04T23:00:00Z",
             expected: "2026-12-05T15:00:00Z", zone: "UTC", source: .thisMachine),
        Case(text: "5-hour limit reached · resets 1am", now: "2026-12-04T23:00:00Z", expected: "2026-12-06T01:00:00+05:30",
             zone: "Asia/Kolkata", source: .agentHost, defaultZone: "Asia/Kolkata", defaultSource: .agentHost),
        Case(text: "Claude Max usage limit reached. Your limit will reset at 12am.", now: "2026-12-04T23:00:00Z",
             expected: "2026-12-05T00:00:00-05:00",
             zone: "America/New_York", source: .agentHost, defaultZone: "America/New_York", defaultSource: .agentHost),
        Case(text: "5hour limit reached, resets at 9pm", now: "2026-12-04T12:00:00Z", expected: "2026-12-04T21:00:00Z",
             zone: "UTC", source: .thisMachine),
        Case(text: "You've hit your weekly limit · resets Sep 15 at 7pm", now: "2026-09-08T10:00:00Z",
             expected: "2026-09-15T19:00:00Z", zone: "UTC", source: .thisMachine),
        // A 24-hour time with minutes.
        Case(text: "Usage limit reached · resets 22:00 (Europe/Berlin)", now: "2026-12-04T12:00:00Z",
             expected: "2026-12-04T22:00:00+01:00", zone: "Europe/Berlin"),
        // No date: garbage, unknown zones, impossible times and dates, the limit menu's text.
        Case(text: "You've hit your limit", now: "2026-12-04T23:00:00Z", expected: nil),
        Case(text: "", now: "2026-12-04T23:00:00Z", expected: nil),
        Case(text: "resets soon", now: "2026-12-04T23:00:00Z", expected: nil),
        Case(text: "You've hit your limit · resets 10pm (Mars/Olympus_Mons)", now: "2026-12-04T23:00:00Z", expected: nil),
        Case(text: "You've hit your limit · resets 13pm (UTC)", now: "2026-12-04T23:00:00Z", expected: nil),
        Case(text: "You've hit your limit · resets 10:75pm (UTC)", now: "2026-12-04T23:00:00Z", expected: nil),
        Case(text: "You've hit your limit · resets 5 (UTC)", now: "2026-12-04T23:00:00Z", expected: nil),
        Case(text: "You've hit your weekly limit · resets Feb 30, 3pm (UTC)", now: "2026-12-04T23:00:00Z", expected: nil),
        Case(text: "You've hit your weekly limit · resets Dec 41, 3pm (UTC)", now: "2026-12-04T23:00:00Z", expected: nil),
        Case(text: "Stop and wait for limit to reset", now: "2026-12-04T23:00:00Z", expected: nil),
        Case(text: "What do you want to do?", now: "2026-12-04T23:00:00Z", expected: nil),
    ]

    static func date(_ text: String) throws -> Date {
        try Date.ISO8601FormatStyle().parse(text)
    }

    @Test(arguments: cases)
    func readsTheNextResetMoment(_ c: Case) throws {
        let profile = ClaudeCodeProfile()
        let zone = try #require(TimeZone(identifier: c.defaultZone))
        let reset = profile.usageLimitReset(c.text, now: try Self.date(c.now), zone: zone, zoneSource: c.defaultSource)
        guard let expected = c.expected else {
            #expect(reset == nil)
            return
        }
        let got = try #require(reset)
        #expect(got.date == (try Self.date(expected)), "got \(got.date)")
        // Compared as zones: Foundation names UTC "GMT".
        #expect(got.zone == c.zone.flatMap(TimeZone.init(identifier:)), "\(got.zone.identifier)")
        #expect(got.zoneSource == c.source)
    }

    @Test func theMarkerProfileReadsNoResetTime() throws {
        #expect(MarkerProfile().usageLimitReset("You've hit your limit · resets 10pm (UTC)", now: Date(), zone: .current,
                                                zoneSource: .thisMachine) == nil)
    }
}
